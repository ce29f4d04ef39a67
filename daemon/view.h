/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RCFS_VIEW_H
#define RCFS_VIEW_H

#include <stdint.h>
#include <sys/stat.h>

#include "caller.h"
#include "host.h"
#include "map.h"
#include "ofcache.h"

/*
 * What a caller sees (rcfs_map_see(), the one rule netnsctl uses too),
 * and the host's file under the mount, which only the daemon holds: its
 * readers get a snapshot of its last complete content (host.h).
 */
struct rcfs_view {
	enum rcfs_sees kind;
	int fd;			/* -1 when SNAP holds the content */
	struct rcfs_snap *snap;	/* the host's original file */
	struct rcfs_ofile *of;	/* shared with the namespace's readers */
	struct stat st;
	/* the namespace cookie this answer holds for alone; 0: for every
	 * namespace with the target's inode */
	uint64_t cookie;
};

/* What C's namespace maps to (logged with -v).  Returns 0 or -errno. */
int rcfs_view_map(struct rcfs_caller *c, struct rcfs_target *ret);

/*
 * stat(2) of what C sees: the hot path, since glibc calls it before
 * every name lookup.  An answer is kept for its namespace while it is
 * fresh (fresh.h): until then it costs the one look at the caller's
 * namespace.  Returns as rcfs_view_stat().
 */
int rcfs_view_stat_kept(struct rcfs_caller *c, struct stat *ret);

/*
 * Open what C sees for reading, filling *T with where C maps to.  A
 * namespace's file is shared with every reader of the namespace that
 * opens it while it is fresh (RET->of): such an open, and its close, cost
 * no system call besides the one that finds the caller's namespace.
 * Returns 0 or -errno.
 */
int rcfs_view_open_kept(struct rcfs_caller *c, struct rcfs_target *t,
			struct rcfs_view *ret);

/*
 * stat(2) of what C sees as T.  *RET_COOKIE as rcfs_view's.  Returns 0
 * or -errno (-ENOENT: nothing to see; -EINVAL: not a regular file).
 */
int rcfs_view_stat(struct rcfs_caller *c, const struct rcfs_target *t,
		   struct stat *ret, uint64_t *ret_cookie);

/*
 * Open what C sees as T, for reading (and as a writer's starting point).
 * GEN is the watch generation the caller may keep things under (0: none)
 * for the host's snapshot.  Returns 0 or -errno.
 */
int rcfs_view_open(struct rcfs_caller *c, const struct rcfs_target *t,
		   uint64_t gen, struct rcfs_view *ret);
/* Release what rcfs_view_open() opened; accepts a closed view. */
void rcfs_view_close(struct rcfs_view *v);

#endif
