// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Commands about a namespace's file: path, edit, set, rm, prune.
 * Every write is an atomic replace through the library, with the old
 * file's owner and mode, so the daemon never serves a half-written file.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backing.h"
#include "identity.h"
#include "netnsctl.h"
#include "nsenum.h"
#include "resolvcheck.h"

/* T's own file, for messages ("" when too long to say). */
const char *file_own_path(const struct ctl *c, const struct rcfs_target *t)
{
	static char path[PATH_MAX];

	if (rcfs_map_path(c->map, t, path, sizeof(path)) < 0)
		path[0] = '\0';
	return path;
}

/* NS's target, refusing the host's own file: it belongs to the host's
 * DNS manager, not to resolvconffs. */
static int file_target(struct ctl *c, int argc, char **argv,
		       struct nsref *ns, struct rcfs_target *t)
{
	int r = ctl_nsref(c, argc, argv, ns);

	if (r)
		return r;
	r = ctl_target(c, ns, t);
	if (r == 0 && t->kind == RCFS_TARGET_HOST)
		r = rcfs_failx(1, "Network namespace \"%s\" is the host's: it sees %s, not a file in %s",
			 ns->label, rcfs_map_host_source(c->map),
			 c->settings.backing_dir);
	if (r)
		nsref_free(ns);
	return r;
}

int cmd_path(struct ctl *c, int argc, char **argv)
{
	const struct col col = { "PATH", 1, 0, SCOLS_JSON_STRING };
	struct libscols_table *tb;
	struct libscols_line *ln;
	struct rcfs_target t;
	struct rcfs_sight s;
	char path[PATH_MAX];
	struct nsref ns;
	int r;

	r = ctl_nsref(c, argc, argv, &ns);
	if (r)
		return r;
	r = ctl_target(c, &ns, &t);
	if (r) {
		nsref_free(&ns);
		return r;
	}
	/* the host's source; for any other, its own file, there or not */
	if (t.kind == RCFS_TARGET_HOST) {
		ctl_see(c, &t, ns.path, 0, &s);
		r = snprintf(path, sizeof(path), "%s", s.path) < 0 ? -EINVAL : 0;
	} else {
		r = rcfs_map_path(c->map, &t, path, sizeof(path));
	}
	nsref_free(&ns);
	if (r < 0)
		return rcfs_failx(1, "%s", strerror(-r));
	tb = table_new(c, "path", &col, 1);
	if (!tb)
		return rcfs_failx(1, "%s", strerror(ENOMEM));
	scols_table_enable_noheadings(tb, 1);
	ln = scols_table_new_line(tb, NULL);
	if (!ln)
		r = -ENOMEM;
	else
		r = table_set(ln, 0, "%s", path);
	if (r < 0) {
		scols_unref_table(tb);
		return rcfs_failx(1, "%s", strerror(-r));
	}
	return table_print(tb);
}

/* ---- reading, checking, saving --------------------------------------- */

/* What T sees now, as the starting point of a change.  0 or -errno. */
static int file_load(struct ctl *c, const struct rcfs_target *t,
		     const char *nspath, struct current *cur)
{
	struct rcfs_sight s;
	int r;

	memset(cur, 0, sizeof(*cur));
	/* a new file starts from what the namespace sees now */
	r = target_content(c, t, nspath, &s, &cur->text, &cur->len);
	if (r == 0 && s.kind == RCFS_SEES_OWN) {
		cur->exists = true;
		cur->st = s.st;
	}
	return r;
}

int file_open(struct ctl *c, int argc, char **argv, struct nsref *ns,
	      struct rcfs_target *t, struct current *cur)
{
	int r = file_target(c, argc, argv, ns, t);

	if (r)
		return r;
	r = file_load(c, t, ns->path, cur);
	if (r < 0) {
		r = rcfs_failx(1, "Cannot read the file of network namespace \"%s\": %s",
			       ns->label, strerror(-r));
		file_free(cur);
		nsref_free(ns);
	}
	return r;
}

void file_free(struct current *cur)
{
	free(cur->text);
	cur->text = NULL;
}

void file_print_problems(const char *name, const struct rcfs_problems *p)
{
	for (size_t i = 0; i < p->n; i++)
		rcfs_warnx("%s:%u: %s", name, p->v[i].line, p->v[i].msg);
}

/* Whether the file changed since CUR was loaded: a concurrent writer's
 * content must not be lost without a word. */
bool file_changed(struct ctl *c, const struct rcfs_target *t,
		  const char *nspath, const struct current *cur)
{
	struct current now;
	bool changed;

	if (file_load(c, t, nspath, &now) < 0)
		return true;
	changed = now.exists != cur->exists ||
		  (cur->exists && (now.len != cur->len ||
				   memcmp(now.text, cur->text, now.len)));
	file_free(&now);
	return changed;
}

/* Save TEXT as NS's file (an inode key's records NS's identity, so that
 * a later namespace given the same inode never sees it). */
int file_save(struct ctl *c, const struct rcfs_target *t,
	      const struct nsref *ns, const struct current *cur,
	      const char *text, size_t len)
{
	uint64_t record = 0;
	int r;

	if (!t->named) {
		r = rcfs_netns_cookie_of_path(ns->path, &record);
		if (r < 0)
			return rcfs_failx(1, "Cannot identify network namespace \"%s\": %s",
				    ns->label, strerror(-r));
	}
	r = rcfs_replace_data(rcfs_map_backing_fd(c->map), t->rel, text, len,
			      cur->exists ? &cur->st : NULL,
			      c->settings.layout == RCFS_LAYOUT_DIR, record);
	if (r < 0)
		return rcfs_failx(1, "Cannot write \"%s\": %s", file_own_path(c, t),
			    strerror(-r));
	return 0;
}

/* visudo's question.  Returns 'e', 'x' or 'Q'. */
int file_ask(void)
{
	char line[64];

	for (;;) {
		fputs("What now? (e)dit again, e(x)it without saving, save anyway (Q): ",
		      stderr);
		fflush(stderr);
		if (!fgets(line, sizeof(line), stdin))
			return 'x';
		if (line[0] == 'e' || line[0] == 'x' || line[0] == 'Q')
			return line[0];
	}
}

/* ---- set ----------------------------------------------------------------- */

enum { K_NAMESERVER, K_SEARCH, K_OPTIONS, K_MAX };

static const char *const set_keywords[K_MAX] = {
	[K_NAMESERVER] = "nameserver",
	[K_SEARCH] = "search",
	[K_OPTIONS] = "options",
};

static int set_keyword(const char *w)
{
	for (int k = 0; k < K_MAX; k++)
		if (!strcmp(w, set_keywords[k]))
			return k;
	return -1;
}

/* Which category a line of resolv.conf belongs to; -1 for others. */
static int line_keyword(const char *line, size_t len)
{
	static const struct { const char *kw; int k; } kws[] = {
		{ "nameserver", K_NAMESERVER },
		{ "search", K_SEARCH },
		{ "domain", K_SEARCH },	/* search replaces domain too */
		{ "options", K_OPTIONS },
	};

	for (size_t i = 0; i < sizeof(kws) / sizeof(*kws); i++) {
		size_t kl = strlen(kws[i].kw);

		if (len >= kl && !strncmp(line, kws[i].kw, kl) &&
		    (len == kl || line[kl] == ' ' || line[kl] == '\t'))
			return kws[i].k;
	}
	return -1;
}

/* BASE without the lines of the categories in SET, then the new ones. */
static char *set_build(const char *base, const bool set[K_MAX],
		       char **words[K_MAX], const size_t n[K_MAX])
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	const char *p = base;

	if (!f)
		return NULL;
	while (*p) {
		size_t l = strcspn(p, "\n");
		int k = line_keyword(p, l);

		if (k < 0 || !set[k])
			fprintf(f, "%.*s\n", (int)l, p);
		p += l;
		if (*p)
			p++;
	}
	for (size_t i = 0; set[K_NAMESERVER] && i < n[K_NAMESERVER]; i++)
		fprintf(f, "nameserver %s\n", words[K_NAMESERVER][i]);
	for (int k = K_SEARCH; k < K_MAX; k++) {
		if (!set[k] || !n[k])
			continue;
		fputs(set_keywords[k], f);
		for (size_t i = 0; i < n[k]; i++)
			fprintf(f, " %s", words[k][i]);
		fputc('\n', f);
	}
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

int cmd_set(struct ctl *c, int argc, char **argv)
{
	char **words[K_MAX] = { 0 };
	size_t n[K_MAX] = { 0 };
	bool set[K_MAX] = { 0 };
	struct rcfs_problems probs;
	struct rcfs_target t;
	struct current cur;
	struct nsref ns;
	int nsargs = !strcmp(argv[0], "pid") ? 2 : 1;
	int k = -1, r;
	char *text;

	/* the grammar first: a usage error must not depend on the system */
	if (argc <= nsargs)
		return usage_error("\"set\" needs nameserver, search or options after NS");
	for (int i = nsargs; i < argc; i++) {
		int kw = set_keyword(argv[i]);

		if (kw >= 0) {
			if (set[kw])
				return usage_error("\"%s\" given twice",
						   set_keywords[kw]);
			k = kw;
			set[k] = true;
			words[k] = &argv[i + 1];
			continue;
		}
		if (k < 0)
			return usage_error("Unknown keyword \"%s\": expected nameserver, search or options",
					   argv[i]);
		n[k]++;
	}
	r = file_open(c, nsargs, argv, &ns, &t, &cur);
	if (r)
		return r;
	text = set_build(cur.text, set, words, n);
	if (!text) {
		r = rcfs_failx(1, "%s", strerror(ENOMEM));
		goto out;
	}
	r = rcfs_resolv_check(text, &probs);
	if (r < 0) {
		r = rcfs_failx(1, "%s", strerror(-r));
	} else if (r > 0) {
		file_print_problems(ns.label, &probs);
		r = rcfs_failx(1, "Not saved: the file of network namespace \"%s\" is unchanged",
			 ns.label);
	} else if (cur.exists && strlen(text) == cur.len &&
		   !memcmp(text, cur.text, cur.len)) {
		r = 0;	/* nothing to do: no new inode, no new mtime */
	} else {
		r = file_save(c, &t, &ns, &cur, text, strlen(text));
	}
	rcfs_problems_free(&probs);
	free(text);
out:
	file_free(&cur);
	nsref_free(&ns);
	return r;
}

/* ---- rm ----------------------------------------------------------------- */

int cmd_rm(struct ctl *c, int argc, char **argv)
{
	struct rcfs_target t;
	struct nsref ns;
	int r;

	r = file_target(c, argc, argv, &ns, &t);
	if (r)
		return r;
	r = rcfs_backing_unlink(rcfs_map_backing_fd(c->map), t.rel);
	if (r == -ENOENT)
		r = rcfs_failx(1, "Network namespace \"%s\" has no file of its own",
			 ns.label);
	else if (r < 0)
		r = rcfs_failx(1, "Cannot remove \"%s\": %s", file_own_path(c, &t),
			 strerror(-r));
	else if (c->settings.layout == RCFS_LAYOUT_DIR)
		/* ip-netns leaves /etc/netns/NAME; we remove it only empty */
		unlinkat(rcfs_map_backing_fd(c->map), t.key, AT_REMOVEDIR);
	nsref_free(&ns);
	return r;
}

/* ---- prune ----------------------------------------------------------- */

enum { P_KEY, P_PATH, P_ACTION };

static const struct col prune_cols[] = {
	[P_KEY] = { "KEY", 0.1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[P_PATH] = { "PATH", 0.5, 0, SCOLS_JSON_STRING },
	[P_ACTION] = { "ACTION", 0.1, 0, SCOLS_JSON_STRING },
};

/* Whether the backing entry NAME is the file of a namespace that is
 * gone: an inode key that no name, process, mount or descriptor holds.
 * *T: its target. */
static bool prunable(struct ctl *c, const struct rcfs_nslist *live,
		     const char *name, struct rcfs_target *t)
{
	const struct rcfs_ns *ns;
	struct rcfs_sight s;
	struct stat st;

	if (rcfs_map_entry(c->map, name, t) <= 0 ||
	    t->ino == rcfs_map_host_ino(c->map))
		return false;
	ns = rcfs_nslist_find(live, t->ino);
	if (ns) {
		/* alive: only a file written for an earlier namespace that
		 * had the same inode */
		ctl_see(c, t, ns->path, 0, &s);
		return s.stale;
	}
	return rcfs_backing_stat(rcfs_map_backing_fd(c->map), t->rel,
				 &st) == 0 && S_ISREG(st.st_mode);
}

int cmd_prune(struct ctl *c, int argc, char **argv)
{
	struct libscols_table *tb;
	struct rcfs_nslist live;
	struct dirent *de;
	bool dry = false, failed = false;
	DIR *d;
	int fd, r;

	if (argc == 1) {
		if (strcmp(argv[0], "--dry-run") && strcmp(argv[0], "-n"))
			return usage_error("Unknown argument \"%s\" for \"prune\"",
					   argv[0]);
		dry = true;
	}
	r = ctl_map(c);
	if (r)
		return r;
	fd = openat(rcfs_map_backing_fd(c->map), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		return rcfs_failx(1, "Cannot read \"%s\": %s", c->settings.backing_dir,
			    strerror(errno));
	}
	/* the files first, then the namespaces: one created meanwhile is
	 * seen alive rather than its file removed */
	r = rcfs_nsenum(c->settings.procfs, c->settings.netns_dir, &live);
	if (r < 0) {
		closedir(d);
		return rcfs_failx(1, "Cannot list network namespaces: %s",
			    strerror(-r));
	}
	tb = table_new(c, "prune", prune_cols,
		       sizeof(prune_cols) / sizeof(*prune_cols));
	while (tb && r == 0 && (de = readdir(d))) {
		struct libscols_line *ln;
		struct rcfs_target t;
		int e = 0;

		if (de->d_name[0] == '.' ||
		    !prunable(c, &live, de->d_name, &t))
			continue;
		if (!dry) {
			e = rcfs_backing_unlink(rcfs_map_backing_fd(c->map),
						t.rel);
			if (e == 0 && c->settings.layout == RCFS_LAYOUT_DIR)
				unlinkat(rcfs_map_backing_fd(c->map), t.key,
					 AT_REMOVEDIR);
			if (e < 0 && e != -ENOENT) {
				failed = true;
				rcfs_warnx("Cannot remove \"%s\": %s",
				      file_own_path(c, &t), strerror(-e));
			}
		}
		ln = scols_table_new_line(tb, NULL);
		r = ln ? table_set(ln, P_KEY, "%s", t.key) : -ENOMEM;
		if (r == 0)
			r = table_set(ln, P_PATH, "%s", file_own_path(c, &t));
		if (r == 0)
			r = table_set(ln, P_ACTION, "%s", dry ? "would remove" :
				      e < 0 ? "failed" : "removed");
	}
	closedir(d);
	rcfs_nslist_free(&live);
	if (!tb || r < 0) {
		if (tb)
			scols_unref_table(tb);
		return rcfs_failx(1, "%s", strerror(ENOMEM));
	}
	return table_print(tb) | failed;
}
