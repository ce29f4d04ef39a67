// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * status: the resolvconffs mounts, what they serve, the host's DNS
 * manager, and what would break.
 */
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netnsctl.h"
#include "paths.h"
#include "resolvconf.h"

/* Managers that own /etc/resolv.conf and replace their file by
 * rename(2): the directory each writes in, and its file there. */
static const struct manager {
	const char *name;
	const char *dir;
	const char *file;
} managers[] = {
	{ "systemd-resolved", "/run/systemd/resolve/", "stub-resolv.conf" },
	{ "resolvconf", "/run/resolvconf/", "resolv.conf" },
	{ "resolvconf", "/etc/resolvconf/run/", "resolv.conf" },
	{ "NetworkManager", "/run/NetworkManager/", "resolv.conf" },
};

#define N_MANAGERS (sizeof(managers) / sizeof(*managers))

/* The host source says it best (the mount point was the manager's
 * symlink); otherwise a manager's file in /run says one runs. */
static const char *detect_manager(const char *host_source)
{
	char path[256];
	struct stat st;

	for (size_t i = 0; host_source && i < N_MANAGERS; i++)
		if (!strncmp(host_source, managers[i].dir,
			     strlen(managers[i].dir)))
			return managers[i].name;
	for (size_t i = 0; i < N_MANAGERS; i++) {
		snprintf(path, sizeof(path), "%s%s", managers[i].dir,
			 managers[i].file);
		if (stat(path, &st) == 0)
			return managers[i].name;
	}
	return NULL;
}

/*
 * Whether NetworkManager is set to rewrite /etc/resolv.conf in place
 * (rc-manager=file): it writes /run/NetworkManager/resolv.conf whatever
 * the mode, so that file alone does not mean a rename.  The last
 * setting read wins, in NetworkManager's order: the main file, then
 * the conf.d directories (file names in byte order; close enough to its
 * own merge of the three directories for this one key).
 */
static bool nm_writes_in_place(void)
{
	static const char *const files[] = {
		"/usr/lib/NetworkManager/conf.d/*.conf",
		"/run/NetworkManager/conf.d/*.conf",
		"/etc/NetworkManager/NetworkManager.conf",
		"/etc/NetworkManager/conf.d/*.conf",
	};
	bool in_place = false;
	glob_t g;

	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++) {
		if (glob(files[i], 0, NULL, &g) != 0)
			continue;
		for (size_t j = 0; j < g.gl_pathc; j++) {
			FILE *f = fopen(g.gl_pathv[j], "re");
			char line[256], v[64];

			while (f && fgets(line, sizeof(line), f))
				if (sscanf(line, " rc-manager = %63[^ \t\n#]", v) == 1)
					in_place = !strcmp(v, "file");
			if (f)
				fclose(f);
		}
		globfree(&g);
	}
	return in_place;
}

enum { T_MOUNTPOINT, T_BACKING, T_LAYOUT, T_EXTENSION, T_DEFAULT,
       T_HOST_SOURCE, T_HOST_KIND, T_CALLERS, T_PID, T_SERVER, T_RESTARTS,
       T_REASON, T_VERSION, T_BINARY, T_MANAGER, T_WARNINGS };

static const struct col status_cols[] = {
	[T_MOUNTPOINT] = { "MOUNTPOINT", 0, 0, SCOLS_JSON_STRING },
	[T_BACKING] = { "BACKING", 0, 0, SCOLS_JSON_STRING },
	[T_LAYOUT] = { "LAYOUT", 0, 0, SCOLS_JSON_STRING },
	[T_EXTENSION] = { "EXTENSION", 0, 0, SCOLS_JSON_STRING },
	[T_DEFAULT] = { "DEFAULT", 0, 0, SCOLS_JSON_STRING },
	[T_HOST_SOURCE] = { "HOST-SOURCE", 0, 0, SCOLS_JSON_STRING },
	[T_HOST_KIND] = { "HOST-KIND", 0, 0, SCOLS_JSON_STRING },
	[T_CALLERS] = { "CALLERS", 0, 0, SCOLS_JSON_STRING },
	[T_PID] = { "PID", 0, 0, SCOLS_JSON_NUMBER },
	[T_SERVER] = { "SERVER", 0, 0, SCOLS_JSON_NUMBER },
	[T_RESTARTS] = { "RESTARTS", 0, 0, SCOLS_JSON_NUMBER },
	[T_REASON] = { "REASON", 0, 0, SCOLS_JSON_STRING },
	[T_VERSION] = { "VERSION", 0, 0, SCOLS_JSON_STRING },
	[T_BINARY] = { "BINARY", 0, 0, SCOLS_JSON_STRING },
	[T_MANAGER] = { "MANAGER", 0, 0, SCOLS_JSON_STRING },
	[T_WARNINGS] = { "WARNINGS", 0, 0, SCOLS_JSON_ARRAY_STRING },
};

struct warnings {
	char *v[8];
	size_t n;
};

__attribute__((format(printf, 2, 3)))
static void warn_add(struct warnings *w, const char *fmt, ...)
{
	va_list ap;

	if (w->n == sizeof(w->v) / sizeof(*w->v))
		return;
	va_start(ap, fmt);
	if (vasprintf(&w->v[w->n], fmt, ap) >= 0)
		w->n++;
	va_end(ap);
}

static void check(const struct rcfs_daemon_info *d, const char *manager,
		  struct warnings *w)
{
	const struct rcfs_settings *s = &d->settings;
	struct stat st;
	int r;

	if (!d->has_state)
		warn_add(w, "no published settings in %s/%s: defaults assumed",
			 RCFS_STATE_DIR, d->dev);
	if (d->pid > 0 && kill(d->pid, 0) < 0 && errno == ESRCH)
		warn_add(w, "the daemon (pid %d) is gone: the mount is stale",
			 (int)d->pid);
	if (s->backing_dir && stat(s->backing_dir, &st) < 0)
		warn_add(w, "backing directory %s: %s", s->backing_dir,
			 strerror(errno));
	if (s->default_file) {
		r = rcfs_resolv_file_loopback_only(s->default_file);
		if (r < 0)
			warn_add(w, "default file %s: %s", s->default_file,
				 strerror(-r));
		else if (r > 0)
			warn_add(w, "default file %s lists only loopback nameservers: unreachable from other namespaces",
				 s->default_file);
	}
	if (manager && d->host_kind && !strcmp(d->host_kind, "original") &&
	    !(!strcmp(manager, "NetworkManager") && nm_writes_in_place()))
		warn_add(w, "%s is a regular file mount point, but %s replaces it by rename(2), which fails with EBUSY: make it a symlink to the manager's file and mount over the symlink (or use NetworkManager's rc-manager=file)",
			 d->mountpoint, manager);
}

/*
 * Who serves: the serving process, its restarts and why the last one
 * was, and the binary it runs as the kernel says (" (deleted)" when a
 * newer one was installed since: SIGUSR2 to PID runs it).
 */
static int server_cells(struct libscols_line *ln,
			const struct rcfs_daemon_info *d)
{
	char exe[PATH_MAX + 16], link[64];
	ssize_t n = -1;
	int r = 0;

	if (!d->has_state)
		return 0;
	if (d->server > 0) {
		snprintf(link, sizeof(link), "/proc/%d/exe", (int)d->server);
		n = readlink(link, exe, sizeof(exe) - 1);
	}
	if (n >= 0)
		exe[n] = '\0';
	if (d->server > 0)
		r = table_set(ln, T_SERVER, "%d", (int)d->server);
	if (r == 0)
		r = table_set(ln, T_RESTARTS, "%u", d->restarts);
	if (r == 0 && d->restart_reason)
		r = table_set(ln, T_REASON, "%s", d->restart_reason);
	if (r == 0 && d->version)
		r = table_set(ln, T_VERSION, "%s", d->version);
	if (r == 0 && (n >= 0 || d->binary))
		r = table_set(ln, T_BINARY, "%s", n >= 0 ? exe : d->binary);
	return r;
}

static int status_row(const struct ctl *c, struct libscols_table *tb,
		      const struct rcfs_daemon_info *d)
{
	const struct rcfs_settings *s = &d->settings;
	struct libscols_line *ln = scols_table_new_line(tb, NULL);
	const char *manager = detect_manager(d->host_source);
	struct warnings w = { 0 };
	int r;

	if (!ln)
		return -ENOMEM;
	r = table_set(ln, T_MOUNTPOINT, "%s", d->mountpoint);
	if (r == 0)
		r = table_set(ln, T_BACKING, "%s", s->backing_dir ?
			      s->backing_dir : d->source);
	if (r == 0)
		r = table_set(ln, T_LAYOUT, "%s", rcfs_layout_name(s->layout));
	if (r == 0)
		r = table_set(ln, T_EXTENSION, "%s", s->extension ?
			      s->extension : "");
	if (r == 0 && s->default_file)
		r = table_set(ln, T_DEFAULT, "%s", s->default_file);
	if (r == 0 && d->host_source)
		r = table_set(ln, T_HOST_SOURCE, "%s", d->host_source);
	if (r == 0)
		r = table_set(ln, T_HOST_KIND, "%s", d->host_kind ?
			      d->host_kind : (s->map_host ? "mapped" : ""));
	if (r == 0 && d->callers)
		r = table_set(ln, T_CALLERS, "%s", d->callers);
	if (r == 0 && d->pid > 0)
		r = table_set(ln, T_PID, "%d", (int)d->pid);
	if (r == 0)
		r = server_cells(ln, d);
	if (r == 0 && manager)
		r = table_set(ln, T_MANAGER, "%s", manager);
	check(d, manager, &w);
	if (r == 0) {
		/* one warning a line, in text too */
		struct ctl lines = *c;

		lines.json = true;
		r = table_set_list(&lines, ln, T_WARNINGS, w.v, w.n);
	}
	for (size_t i = 0; i < w.n; i++)
		free(w.v[i]);
	return r;
}

int cmd_status(struct ctl *c, int argc, char **argv)
{
	struct libscols_table *tb;
	int r;

	(void)argc;
	(void)argv;
	r = rcfs_daemons_find(NULL, NULL, &c->daemons);
	if (r < 0)
		return fail(1, "Cannot read the mount table: %s", strerror(-r));
	if (c->mount && rcfs_daemons_pick(&c->daemons, c->mount) < 0)
		return fail(1, "No resolvconffs mount on \"%s\"", c->mount);
	if (c->daemons.n == 0 && !c->json) {
		const char *m = detect_manager(NULL);

		printf("No resolvconffs mounts.\n");
		if (m)
			printf("Host DNS manager: %s\n", m);
		return 0;
	}
	tb = table_new(c, "mounts", status_cols,
		       sizeof(status_cols) / sizeof(*status_cols));
	if (!tb)
		return fail(1, "%s", strerror(ENOMEM));
	for (size_t i = 0; i < c->daemons.n && r == 0; i++) {
		/* --mount narrows it to one */
		if (c->mount &&
		    rcfs_daemons_pick(&c->daemons, c->mount) != (int)i)
			continue;
		r = status_row(c, tb, &c->daemons.v[i]);
	}
	if (r < 0) {
		scols_unref_table(tb);
		return fail(1, "%s", strerror(-r));
	}
	return table_print_record(c, tb);
}
