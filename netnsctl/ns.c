// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Commands about namespaces: list, identify, resolve, pids.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netnsctl.h"
#include "nsenum.h"

enum { L_NAME, L_INODE, L_NSID, L_NPROCS, L_PID, L_COMMAND, L_FILE,
       L_NAMESERVERS };

static const struct col list_cols[] = {
	[L_NAME] = { "NAME", 0.1, 0, SCOLS_JSON_STRING },
	[L_INODE] = { "INODE", 0.1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[L_NSID] = { "NSID", 0.05, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[L_NPROCS] = { "NPROCS", 0.05, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[L_PID] = { "PID", 0.05, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[L_COMMAND] = { "COMMAND", 0.1, SCOLS_FL_TRUNC, SCOLS_JSON_STRING },
	[L_FILE] = { "FILE", 0.05, 0, SCOLS_JSON_STRING },
	[L_NAMESERVERS] = { "NAMESERVERS", 0.2, 0, SCOLS_JSON_ARRAY_STRING },
};

static int list_row(struct ctl *c, struct libscols_table *tb,
		    const struct rcfs_ns *ns, bool have_files)
{
	struct libscols_line *ln = scols_table_new_line(tb, NULL);
	char nsid[16];
	int r = 0;

	if (!ln)
		return -ENOMEM;
	if (ns->n_names)
		r = table_set(ln, L_NAME, "%s", ns->names[0]);
	if (r == 0)
		r = table_set(ln, L_INODE, "%ju", (uintmax_t)ns->ino);
	ctl_nsid(ns->path, nsid, sizeof(nsid));
	if (r == 0 && *nsid)
		r = table_set(ln, L_NSID, "%s", nsid);
	if (r == 0)
		r = table_set(ln, L_NPROCS, "%u", ns->nprocs);
	if (r == 0 && ns->pid)
		r = table_set(ln, L_PID, "%d", (int)ns->pid);
	if (r == 0 && ns->pid)
		r = table_set(ln, L_COMMAND, "%s", ns->comm);
	if (r == 0 && have_files) {
		struct rcfs_target t;
		struct rcfs_resolv rv;
		struct rcfs_sight st;
		char *text;

		r = ctl_seen(c, ns->ino, ns->path, &t, &st, &rv, &text);
		/* one unreadable file must not hide the other namespaces */
		if (r < 0 && r != -ENOMEM) {
			rcfs_warnx("Cannot read the file of network namespace %ju: %s",
			      (uintmax_t)ns->ino, strerror(-r));
			rcfs_resolv_free(&rv);
			free(text);
			return 0;
		}
		if (r == 0)
			r = table_set(ln, L_FILE, "%s",
				      file_state_name(sight_state(&st)));
		if (r == 0)
			r = table_set_list(c, ln, L_NAMESERVERS, rv.nameservers,
					   rv.n_nameservers);
		rcfs_resolv_free(&rv);
		free(text);
	}
	return r;
}

int cmd_list(struct ctl *c, int argc, char **argv)
{
	struct libscols_table *tb;
	struct rcfs_nslist l;
	bool have_files;
	int r;

	(void)argc;
	(void)argv;
	r = ctl_settings(c, false);
	if (r)
		return r;
	/* without a daemon or --backing-dir, list what there is anyway */
	have_files = c->settings.backing_dir != NULL;
	if (have_files) {
		r = ctl_map(c);
		if (r)
			return r;
	}
	r = rcfs_nsenum(c->settings.procfs, c->settings.netns_dir, &l);
	if (r < 0)
		return rcfs_failx(1, "Cannot list network namespaces: %s",
			    strerror(-r));
	tb = table_new(c, "netns", list_cols,
		       sizeof(list_cols) / sizeof(*list_cols));
	if (!tb) {
		rcfs_nslist_free(&l);
		return rcfs_failx(1, "%s", strerror(ENOMEM));
	}
	for (size_t i = 0; i < l.n && r == 0; i++)
		r = list_row(c, tb, &l.v[i], have_files);
	rcfs_nslist_free(&l);
	if (r < 0) {
		scols_unref_table(tb);
		return rcfs_failx(1, "%s", strerror(-r));
	}
	return table_print(tb);
}

/* A one-value answer: VALUE under COLUMN. */
int print_value(struct ctl *c, const char *table, const char *column,
		       int json_type, const char *value)
{
	const struct col col = { column, 1, 0, json_type };
	struct libscols_table *tb = table_new(c, table, &col, 1);
	struct libscols_line *ln;

	if (!tb)
		return rcfs_failx(1, "%s", strerror(ENOMEM));
	scols_table_enable_noheadings(tb, 1);
	ln = scols_table_new_line(tb, NULL);
	if (!ln || table_set(ln, 0, "%s", value) < 0) {
		scols_unref_table(tb);
		return rcfs_failx(1, "%s", strerror(ENOMEM));
	}
	return table_print(tb);
}

int cmd_identify(struct ctl *c, int argc, char **argv)
{
	char path[PATH_MAX], key[RCFS_KEY_MAX];
	ino_t ino;
	int r;

	(void)argc;
	if (!rcfs_is_number(argv[0]))
		return usage_error("Invalid pid \"%s\"", argv[0]);
	r = ctl_settings(c, false);
	if (r)
		return r;
	r = rcfs_netns_link_path(path, sizeof(path), c->settings.procfs,
				 argv[0]);
	if (r == 0)
		r = rcfs_netns_of_path(path, &ino);
	if (r == -ENOENT)
		return rcfs_failx(1, "Cannot find process %s", argv[0]);
	if (r < 0)
		return rcfs_failx(1, "Cannot open network namespace of process %s: %s",
			    argv[0], strerror(-r));
	/* the same name the daemon uses as the key */
	r = ctl_ns_key(c, ino, key, sizeof(key));
	if (r < 0)
		return rcfs_failx(1, "Cannot read \"%s\": %s", c->settings.netns_dir,
			    strerror(-r));
	return print_value(c, "identify", "NETNS", SCOLS_JSON_STRING, key);
}

int cmd_resolve(struct ctl *c, int argc, char **argv)
{
	char path[PATH_MAX], ino[32];
	ino_t i;
	int r;

	(void)argc;
	r = ctl_settings(c, false);
	if (r)
		return r;
	if (strchr(argv[0], '/') || !strcmp(argv[0], ".") ||
	    !strcmp(argv[0], ".."))
		return rcfs_failx(1, "Cannot find network namespace \"%s\"", argv[0]);
	snprintf(path, sizeof(path), "%s/%s", c->settings.netns_dir, argv[0]);
	r = rcfs_netns_of_path(path, &i);
	if (r == -ENOENT)
		return rcfs_failx(1, "Cannot find network namespace \"%s\"", argv[0]);
	if (r == -EINVAL)
		return rcfs_failx(1, "\"%s\" is not a network namespace", path);
	if (r < 0)
		return rcfs_failx(1, "Cannot open network namespace \"%s\": %s",
			    argv[0], strerror(-r));
	snprintf(ino, sizeof(ino), "%ju", (uintmax_t)i);
	return print_value(c, "resolve", "INODE", SCOLS_JSON_NUMBER, ino);
}

int cmd_pids(struct ctl *c, int argc, char **argv)
{
	const struct col col = { "PID", 1, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER };
	struct libscols_table *tb;
	struct nsref ns;
	pid_t *pids;
	size_t n;
	int r;

	r = ctl_nsref(c, argc, argv, &ns);
	if (r)
		return r;
	r = rcfs_ns_pids(c->settings.procfs, ns.ino, &pids, &n);
	nsref_free(&ns);
	if (r < 0)
		return rcfs_failx(1, "Cannot list processes: %s", strerror(-r));
	tb = table_new(c, "pids", &col, 1);
	if (!tb) {
		free(pids);
		return rcfs_failx(1, "%s", strerror(ENOMEM));
	}
	/* ip netns pids prints bare numbers */
	scols_table_enable_noheadings(tb, 1);
	for (size_t i = 0; i < n && r == 0; i++) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);

		r = ln ? table_set(ln, 0, "%d", (int)pids[i]) : -ENOMEM;
	}
	free(pids);
	if (r < 0) {
		scols_unref_table(tb);
		return rcfs_failx(1, "%s", strerror(-r));
	}
	return table_print(tb);
}

/* ---- show ------------------------------------------------------------- */
