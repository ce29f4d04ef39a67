/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RCFS_VIEW_H
#define RCFS_VIEW_H

#include <stdint.h>
#include <sys/stat.h>

#include "caller.h"
#include "host.h"
#include "map.h"

/*
 * What a caller sees (rcfs_map_see(), the one rule netnsctl uses too),
 * and the host's file under the mount, which only the daemon holds: its
 * readers get a snapshot of its last complete content (host.h).
 */
struct rcfs_view {
	enum rcfs_sees kind;
	int fd;			/* -1 when SNAP holds the content */
	struct rcfs_snap *snap;	/* the host's original file */
	struct stat st;
	/* the namespace cookie this answer holds for alone; 0: for every
	 * namespace with the target's inode */
	uint64_t cookie;
};

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
