// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * netnsctl show: one namespace whole, its file, where its nameservers
 * came from, and its interfaces.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "identity.h"
#include "netnsctl.h"
#include "nl.h"
#include "resolvconf.h"
#include "resolvstate.h"

enum { S_NAME, S_INODE, S_NSID, S_FILE, S_PATH, S_RESOLVCONF,
       S_NAMESERVERS, S_SEARCH, S_OPTIONS, S_CONTENT };

static const struct col show_cols[] = {
	[S_NAME] = { "NAME", 0, 0, SCOLS_JSON_STRING },
	[S_INODE] = { "INODE", 0, 0, SCOLS_JSON_NUMBER },
	[S_NSID] = { "NSID", 0, 0, SCOLS_JSON_NUMBER },
	[S_FILE] = { "FILE", 0, 0, SCOLS_JSON_STRING },
	[S_PATH] = { "PATH", 0, 0, SCOLS_JSON_STRING },
	[S_RESOLVCONF] = { "RESOLVCONF", 0, 0, SCOLS_JSON_STRING },
	[S_NAMESERVERS] = { "NAMESERVERS", 0, 0, SCOLS_JSON_ARRAY_STRING },
	[S_SEARCH] = { "SEARCH", 0, 0, SCOLS_JSON_ARRAY_STRING },
	[S_OPTIONS] = { "OPTIONS", 0, 0, SCOLS_JSON_ARRAY_STRING },
	[S_CONTENT] = { "CONTENT", 0, 0, SCOLS_JSON_STRING },
};

/* where each nameserver came from, when openresolv keeps a state */
enum { O_NAMESERVER, O_INTERFACES };

static const struct col origin_cols[] = {
	[O_NAMESERVER] = { "NAMESERVER", 0.2, 0, SCOLS_JSON_STRING },
	[O_INTERFACES] = { "FROM", 0.5, 0, SCOLS_JSON_ARRAY_STRING },
};

enum { I_INDEX, I_NAME, I_STATE, I_ADDRESSES };

static const struct col if_cols[] = {
	[I_INDEX] = { "IFINDEX", 0.05, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER },
	[I_NAME] = { "IFNAME", 0.1, 0, SCOLS_JSON_STRING },
	[I_STATE] = { "STATE", 0.1, 0, SCOLS_JSON_STRING },
	[I_ADDRESSES] = { "ADDRESSES", 0.5, 0, SCOLS_JSON_ARRAY_STRING },
};

/*
 * openresolv's state of the namespace: the host's where openresolv
 * keeps it, any other's under RCFS_RESOLVCONF_NETNS_DIR, and only when
 * this very namespace made it (its cookie), not an earlier one of the
 * same name or inode.  NULL when there is none.
 */
static char *rcstate_dir(const struct nsref *ns, const struct rcfs_target *t,
			 const struct rcfs_sight *st)
{
	char dir[PATH_MAX];
	uint64_t cookie;
	int fd, r;

	if (st->kind == RCFS_SEES_HOST)
		return rcfs_openresolv_state_dir(NULL);
	if (rcfs_rcstate_path(NULL, t->key, dir, sizeof(dir)) < 0)
		return NULL;
	fd = open(ns->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	r = rcfs_netns_cookie(fd, &cookie);
	close(fd);
	if (r == -ENOPROTOOPT) {
		cookie = 0;
		r = 0;
	}
	if (r < 0 || rcfs_rcstate_owned(dir, cookie) != 1)
		return NULL;
	return strdup(dir);
}

/* One row a nameserver of the file: the interfaces that gave it. */
static int show_origins(struct ctl *c, const struct rcfs_resolv *rv,
			const struct rcfs_rcstate *s,
			struct libscols_table *tb)
{
	int r = 0;

	for (size_t i = 0; i < rv->n_nameservers && r == 0; i++) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);
		char *from = rcfs_rcstate_origin(s, rv->nameservers[i]);
		char *v[RCFS_RESOLV_MAXNS * 8], *p, *save = NULL;
		size_t n = 0;

		if (!ln || (!from && errno == ENOMEM)) {
			free(from);
			return -ENOMEM;
		}
		r = table_set(ln, O_NAMESERVER, "%s", rv->nameservers[i]);
		for (p = from ? strtok_r(from, " ", &save) : NULL;
		     p && n < sizeof(v) / sizeof(*v);
		     p = strtok_r(NULL, " ", &save))
			v[n++] = p;
		if (r == 0)
			r = table_set_list(c, ln, O_INTERFACES, v, n);
		free(from);
	}
	return r;
}

static int show_record(struct ctl *c, const struct nsref *ns,
		       struct libscols_table *tb, struct libscols_table *otb)
{
	struct libscols_line *ln = scols_table_new_line(tb, NULL);
	struct rcfs_rcstate rs = { 0 };
	struct rcfs_target t;
	struct rcfs_resolv rv;
	struct rcfs_sight st;
	char nsid[16], *text, *rcdir = NULL, own[PATH_MAX];
	int r;

	if (!ln)
		return -ENOMEM;
	r = ctl_seen(c, ns->ino, ns->path, &t, &st, &rv, &text);
	if (r < 0)
		return r;
	if (t.named)
		r = table_set(ln, S_NAME, "%s", t.key);
	if (r == 0)
		r = table_set(ln, S_INODE, "%ju", (uintmax_t)ns->ino);
	ctl_nsid(ns->path, nsid, sizeof(nsid));
	if (r == 0 && *nsid)
		r = table_set(ln, S_NSID, "%s", nsid);
	if (r == 0)
		r = table_set(ln, S_FILE, "%s",
			      file_state_name(sight_state(&st)));
	if (r == 0 && st.kind == RCFS_SEES_OWN &&
	    rcfs_map_path(c->map, &t, own, sizeof(own)) == 0)
		st.path = own;
	/* a stale file's namespace: neither its file nor the default's
	 * owner, so no path to edit */
	if (r == 0 && st.path && !st.stale)
		r = table_set(ln, S_PATH, "%s", st.path);
	rcdir = rcstate_dir(ns, &t, &st);
	if (rcdir && rcfs_rcstate_read(rcdir, &rs) < 0) {
		free(rcdir);
		rcdir = NULL;
	}
	if (r == 0 && rcdir)
		r = table_set(ln, S_RESOLVCONF, "%s", rcdir);
	if (r == 0)
		r = table_set_list(c, ln, S_NAMESERVERS, rv.nameservers,
				   rv.n_nameservers);
	if (r == 0)
		r = table_set_list(c, ln, S_SEARCH, rv.search, rv.n_search);
	if (r == 0)
		r = table_set_list(c, ln, S_OPTIONS, rv.options, rv.n_options);
	if (r == 0)
		r = table_set(ln, S_CONTENT, "%s", text);
	if (r == 0 && rcdir)
		r = show_origins(c, &rv, &rs, otb);
	rcfs_rcstate_free(&rs);
	free(rcdir);
	rcfs_resolv_free(&rv);
	free(text);
	return r;
}

static int show_links(struct ctl *c, const struct nsref *ns,
		      struct libscols_table *tb)
{
	struct rcfs_nl_links l;
	int fd, r;

	fd = open(ns->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = rcfs_nl_links(fd, &l);
	close(fd);
	if (r < 0)
		return r;
	for (size_t i = 0; i < l.n && r == 0; i++) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);
		char **addrs;

		if (!ln) {
			r = -ENOMEM;
			break;
		}
		r = table_set(ln, I_INDEX, "%u", l.v[i].index);
		if (r == 0)
			r = table_set(ln, I_NAME, "%s", l.v[i].name);
		if (r == 0)
			r = table_set(ln, I_STATE, "%s",
				      rcfs_nl_operstate_name(l.v[i].operstate));
		addrs = calloc(l.v[i].n_addrs + 1, sizeof(*addrs));
		if (!addrs)
			r = -ENOMEM;
		for (size_t k = 0; r == 0 && k < l.v[i].n_addrs; k++)
			if (asprintf(&addrs[k], "%s/%u", l.v[i].addrs[k].addr,
				     l.v[i].addrs[k].prefixlen) < 0) {
				addrs[k] = NULL;
				r = -ENOMEM;
			}
		if (r == 0)
			r = table_set_list(c, ln, I_ADDRESSES, addrs,
					   l.v[i].n_addrs);
		for (size_t k = 0; addrs && k < l.v[i].n_addrs; k++)
			free(addrs[k]);
		free(addrs);
	}
	rcfs_nl_links_free(&l);
	return r;
}

int cmd_show(struct ctl *c, int argc, char **argv)
{
	struct libscols_table *tbs[3];
	struct nsref ns;
	int r;

	r = ctl_nsref(c, argc, argv, &ns);
	if (r)
		return r;
	r = ctl_map(c);
	if (r) {
		nsref_free(&ns);
		return r;
	}
	tbs[0] = table_new(c, "netns", show_cols,
			   sizeof(show_cols) / sizeof(*show_cols));
	tbs[1] = table_new(c, "interfaces", if_cols,
			   sizeof(if_cols) / sizeof(*if_cols));
	tbs[2] = table_new(c, "resolvconf", origin_cols,
			   sizeof(origin_cols) / sizeof(*origin_cols));
	r = tbs[0] && tbs[1] && tbs[2] ? 0 : -ENOMEM;
	if (r == 0)
		r = show_record(c, &ns, tbs[0], tbs[2]);
	if (r < 0) {
		r = rcfs_failx(1, "Cannot read the file of network namespace \"%s\": %s",
			 ns.label, strerror(-r));
		goto out;
	}
	r = show_links(c, &ns, tbs[1]);
	if (r < 0) {
		r = rcfs_failx(1, "Cannot list interfaces of network namespace \"%s\": %s",
			 ns.label, strerror(-r));
		goto out;
	}
	nsref_free(&ns);
	if (c->json)
		return tables_print_json(tbs, 3);
	r = table_print_record(c, tbs[0]);
	putchar('\n');
	r |= table_print(tbs[1]);
	/* where the nameservers came from, when openresolv knows */
	if (scols_table_get_nlines(tbs[2]) > 0) {
		putchar('\n');
		r |= table_print(tbs[2]);
	} else {
		scols_unref_table(tbs[2]);
	}
	return r;
out:
	nsref_free(&ns);
	for (size_t i = 0; i < 3; i++)
		if (tbs[i])
			scols_unref_table(tbs[i]);
	return r;
}
