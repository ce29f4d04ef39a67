/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef NETNSCTL_H
#define NETNSCTL_H

#include <libsmartcols.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "daemonstate.h"
#include "map.h"
#include "resolvcheck.h"
#include "resolvconf.h"
#include "settings.h"
#include "util.h"

#define PROG "netnsctl"
#define RCFS_TRY_HELP "Try \"netnsctl help\"."
#include "c.h"

/* A bad command line: the message, the pointer to help; returns the
 * usage status for main() to exit with. */
#define usage_error(...) rcfs_usage_fail(RCFS_CTL_EXIT_USAGE, __VA_ARGS__)

/* Everything a command needs.  main() fills the command line's part;
 * the rest is gathered lazily, on a command's first ctl_settings() or
 * ctl_map(), so that commands needing neither read nothing. */
struct ctl {
	bool json, pretty;
	const char *mount;		/* --mount PATH */
	/* settings given on the command line, applied over the daemon's */
	struct { const char *key, *value; } over[8];
	size_t n_over;

	/* filled by ctl_settings() */
	bool loaded;
	struct rcfs_daemons daemons;
	struct rcfs_daemon_info *daemon;	/* the one picked, or NULL */
	struct rcfs_settings settings;
	/* filled by ctl_map() */
	struct rcfs_map *map;
};

/* A namespace named on the command line (NS). */
struct nsref {
	ino_t ino;
	char label[RCFS_KEY_MAX];	/* as given: name, inode or "pid N" */
	char *path;			/* something that opens it, malloc'd */
};

struct cmd {
	const char *name;
	int min_args, max_args;		/* max -1: no limit */
	int (*fn)(struct ctl *c, int argc, char **argv);
	const char *args;		/* usage after the name */
	const char *help;		/* one line */
};

/* ctl.c: the context, gathered lazily */
int ctl_settings(struct ctl *c, bool need_backing);
int ctl_map(struct ctl *c);
int ctl_nsref(struct ctl *c, int argc, char **argv, struct nsref *ret);
void nsref_free(struct nsref *ns);
int ctl_target(struct ctl *c, const struct nsref *ns,
	       struct rcfs_target *ret);
int read_path(const char *path, char **ret, size_t *ret_len);

/* output.c: gather into a table, then render it as text or JSON */
struct col {
	const char *name;
	double whint;
	int flags;
	int json;		/* SCOLS_JSON_* */
};
struct libscols_table *table_new(const struct ctl *c, const char *name,
				 const struct col *cols, size_t n);
int table_set(struct libscols_line *ln, size_t col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int table_set_list(const struct ctl *c, struct libscols_line *ln,
		   size_t col, char **v, size_t n);
int table_print(struct libscols_table *tb);
int table_print_record(const struct ctl *c, struct libscols_table *tb);
int tables_print_json(struct libscols_table **tbs, size_t n);

/* commands */
int cmd_list(struct ctl *c, int argc, char **argv);
int cmd_identify(struct ctl *c, int argc, char **argv);
int cmd_resolve(struct ctl *c, int argc, char **argv);
int cmd_pids(struct ctl *c, int argc, char **argv);
int cmd_show(struct ctl *c, int argc, char **argv);
int cmd_path(struct ctl *c, int argc, char **argv);
int cmd_edit(struct ctl *c, int argc, char **argv);
int cmd_set(struct ctl *c, int argc, char **argv);
int cmd_rm(struct ctl *c, int argc, char **argv);
int cmd_prune(struct ctl *c, int argc, char **argv);
int cmd_status(struct ctl *c, int argc, char **argv);
int cmd_resolvconf(struct ctl *c, int argc, char **argv);
int cmd_nsswitch(struct ctl *c, int argc, char **argv);

/* The key of namespace INO as the daemon makes it (rcfs_names_key()).
 * Returns 0 or -errno. */
int ctl_ns_key(struct ctl *c, ino_t ino, char *buf, size_t len);

/* ns.c */
int print_value(struct ctl *c, const char *table, const char *column,
		int json_type, const char *value);

/* ctl.c: what a target sees (the library's rule, rcfs_map_see) */
/* FILE_STALE: its key's file was written for an earlier namespace with
 * the same inode (identity.h); it sees the default, or nothing */
enum file_state { FILE_OWN, FILE_DEFAULT, FILE_NONE, FILE_HOST, FILE_STALE };
const char *file_state_name(enum file_state s);
enum file_state sight_state(const struct rcfs_sight *s);
/* What T sees; NSPATH opens its namespace (to tell a stale file).
 * FLAGS: RCFS_SEE_OPEN.  Returns as rcfs_map_see(). */
int ctl_see(struct ctl *c, const struct rcfs_target *t, const char *nspath,
	    int flags, struct rcfs_sight *ret);
/* The same, and what it sees as text ("" for nothing). */
int target_content(struct ctl *c, const struct rcfs_target *t,
		   const char *nspath, struct rcfs_sight *ret,
		   char **ret_text, size_t *ret_len);
/* The same for the namespace of inode INO (at NSPATH, or NULL), its
 * target and its content parsed: for list and show. */
int ctl_seen(struct ctl *c, ino_t ino, const char *nspath,
	     struct rcfs_target *t, struct rcfs_sight *s,
	     struct rcfs_resolv *rv, char **text);
/* The NSID our namespace gave the namespace at PATH, as text ("" for
 * none: most namespaces never get one). */
void ctl_nsid(const char *path, char *buf, size_t len);

/* file.c: reading, checking and saving a namespace's own file, for set,
 * edit and rm */
struct current {
	bool exists;
	struct stat st;
	char *text;		/* the own file, or the default, or "" */
	size_t len;
};
/* T's own file, for messages ("" when too long to say). */
const char *file_own_path(const struct ctl *c, const struct rcfs_target *t);
void file_free(struct current *cur);
/* The namespace the arguments name, its target and what it sees now, as
 * the starting point of a change; the host's own file is refused (it
 * belongs to its DNS manager).  0, or an exit status, said. */
int file_open(struct ctl *c, int argc, char **argv, struct nsref *ns,
	      struct rcfs_target *t, struct current *cur);
/* Each of P's problems as "NAME:LINE: message" on stderr. */
void file_print_problems(const char *name, const struct rcfs_problems *p);
/* Whether T's file changed since CUR was loaded. */
bool file_changed(struct ctl *c, const struct rcfs_target *t,
		  const char *nspath, const struct current *cur);
/* Save TEXT as NS's file by an atomic replace.  0 or an exit status,
 * said. */
int file_save(struct ctl *c, const struct rcfs_target *t,
	      const struct nsref *ns, const struct current *cur,
	      const char *text, size_t len);
/* visudo's question on stderr.  Returns 'e', 'x' or 'Q'. */
int file_ask(void);

#endif
