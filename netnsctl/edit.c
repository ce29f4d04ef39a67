// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * netnsctl edit: the namespace's file in $VISUAL or $EDITOR, checked,
 * and saved by an atomic replace only when it changed; a file changed
 * by someone else meanwhile is never overwritten without asking.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netnsctl.h"
#include "resolvcheck.h"

static int wait_child(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* $VISUAL, $EDITOR (through the shell: they may carry arguments), then
 * editor, then vi.  Returns the editor's exit status, 127 when none was
 * found, or -1. */
static int run_editor(const char *file, const char **ret_name)
{
	static const char *const fallback[] = { "editor", "vi" };
	const char *env = getenv("VISUAL");
	char cmd[PATH_MAX + 16];
	pid_t pid;
	int st = 127;

	if (!env || !*env)
		env = getenv("EDITOR");
	if (env && *env) {
		*ret_name = env;
		snprintf(cmd, sizeof(cmd), "%s \"$1\"", env);
		pid = fork();
		if (pid < 0)
			return -1;
		if (pid == 0) {
			execl("/bin/sh", "sh", "-c", cmd, "sh", file, NULL);
			_exit(127);
		}
		return wait_child(pid);
	}
	for (size_t i = 0; i < sizeof(fallback) / sizeof(*fallback); i++) {
		*ret_name = fallback[i];
		pid = fork();
		if (pid < 0)
			return -1;
		if (pid == 0) {
			execlp(fallback[i], fallback[i], file, NULL);
			_exit(127);
		}
		st = wait_child(pid);
		if (st != 127)
			break;
	}
	return st;
}

static int write_file(const char *path, const char *text, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ssize_t w = -1;

	if (fd < 0)
		return -errno;
	if (len == 0 || (w = write(fd, text, len)) == (ssize_t)len)
		w = 0;
	else if (w >= 0)
		errno = EIO;
	if (close(fd) < 0 && w == 0)
		return -errno;
	return w == 0 ? 0 : -errno;
}

struct tmp {
	char dir[PATH_MAX];
	char file[PATH_MAX + NAME_MAX + 2];
};

static int tmp_create(struct tmp *tmp, const struct ctl *c)
{
	const char *base = c->settings.mountpoint ?
			   strrchr(c->settings.mountpoint, '/') : NULL;
	const char *tmpdir = getenv("TMPDIR");

	/* a directory of our own, so the copy keeps the file's real name
	 * and editors recognise resolv.conf */
	if (snprintf(tmp->dir, sizeof(tmp->dir), "%s/netnsctl.XXXXXX",
		     tmpdir && *tmpdir ? tmpdir : "/tmp") >= (int)sizeof(tmp->dir))
		return -ENAMETOOLONG;
	if (!mkdtemp(tmp->dir))
		return -errno;
	snprintf(tmp->file, sizeof(tmp->file), "%s/%s", tmp->dir,
		 base ? base + 1 : "resolv.conf");
	return 0;
}

static void tmp_remove(const struct tmp *tmp)
{
	unlink(tmp->file);
	rmdir(tmp->dir);
}

/* One round: edit, read back, check.  Returns 0 to save, 1 to stop,
 * 2 to edit again, or an exit status (> 2 never). */
static int edit_round(const struct nsref *ns,
		      const struct tmp *tmp, const struct current *cur,
		      char **ret_text, size_t *ret_len)
{
	struct rcfs_problems probs;
	const char *editor = NULL;
	int st, r;

	st = run_editor(tmp->file, &editor);
	if (st == 127 && editor && !strcmp(editor, "vi"))
		return rcfs_failx(1, "No editor found: set $VISUAL or $EDITOR");
	if (st != 0)
		return rcfs_failx(1, "Editor \"%s\" failed (exit status %d): nothing saved",
			    editor, st);
	r = read_path(tmp->file, ret_text, ret_len);
	if (r < 0)
		return rcfs_failx(1, "Cannot read \"%s\": %s", tmp->file,
			    strerror(-r));
	if (*ret_len == cur->len && !memcmp(*ret_text, cur->text, cur->len))
		return -1;	/* unchanged */
	r = rcfs_resolv_check(*ret_text, &probs);
	if (r < 0)
		return rcfs_failx(1, "%s", strerror(-r));
	if (r == 0)
		return 0;
	file_print_problems(ns->label, &probs);
	rcfs_problems_free(&probs);
	/* no one to ask: refuse, as a script must not save a broken file */
	if (!isatty(STDIN_FILENO))
		return rcfs_failx(1, "Not saved: the file of network namespace \"%s\" is unchanged",
			    ns->label);
	switch (file_ask()) {
	case 'Q':
		return 0;
	case 'e':
		free(*ret_text);
		*ret_text = NULL;
		return 2;
	default:
		return rcfs_failx(1, "Not saved: the file of network namespace \"%s\" is unchanged",
			    ns->label);
	}
}

int cmd_edit(struct ctl *c, int argc, char **argv)
{
	struct rcfs_target t;
	struct current cur;
	struct nsref ns;
	struct tmp tmp;
	char *text = NULL;
	size_t len = 0;
	int r;

	r = file_open(c, argc, argv, &ns, &t, &cur);
	if (r)
		return r;
	r = tmp_create(&tmp, c);
	if (r < 0) {
		r = rcfs_failx(1, "Cannot create a temporary file: %s", strerror(-r));
		goto out;
	}
	r = write_file(tmp.file, cur.text, cur.len);
	if (r < 0) {
		r = rcfs_failx(1, "Cannot write \"%s\": %s", tmp.file, strerror(-r));
		tmp_remove(&tmp);
		goto out;
	}
	do
		r = edit_round(&ns, &tmp, &cur, &text, &len);
	while (r == 2);
	if (r == -1) {
		r = 0;		/* unchanged: nothing written */
	} else if (r == 0) {
		if (file_changed(c, &t, ns.path, &cur)) {
			r = rcfs_failx(1, "\"%s\" changed while you edited it: not saved, your version is in %s",
				 file_own_path(c, &t), tmp.file);
			goto out;	/* keep the user's work */
		}
		r = file_save(c, &t, &ns, &cur, text, len);
	}
	tmp_remove(&tmp);
out:
	free(text);
	file_free(&cur);
	nsref_free(&ns);
	return r;
}
