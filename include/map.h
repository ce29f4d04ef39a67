/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RCFS_MAP_H
#define RCFS_MAP_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "names.h"
#include "netns.h"
#include "settings.h"

/*
 * The mapping rule, written once: which file a namespace sees.
 */
struct rcfs_map {
	const struct rcfs_settings *settings;
	int procfd;		/* O_PATH of settings->procfs */
	int backing_fd;		/* O_PATH of settings->backing_dir */
	atomic_uint backing_gen;	/* times backing_fd was reopened */
	pthread_mutex_t reopen_lock;	/* one reopen at a time */
	ino_t host_ino;		/* namespace the map was opened in */
	struct rcfs_names *names;
	const char *basename;	/* of the mount point, for the dir layout */
};

enum rcfs_target_kind {
	RCFS_TARGET_HOST,	/* the host's own file */
	RCFS_TARGET_KEY,	/* BACKING_DIR/<rel>, maybe the default */
};

struct rcfs_target {
	enum rcfs_target_kind kind;
	ino_t ino;			/* the namespace */
	bool named;			/* key is a name, not the inode */
	char key[RCFS_KEY_MAX];
	char rel[RCFS_KEY_MAX + 256];	/* path under the backing dir */
};

/* Open the directories the map needs.  The host is the network
 * namespace of the calling thread.  Returns 0 or -errno. */
int rcfs_map_open(struct rcfs_map *m, const struct rcfs_settings *s);
void rcfs_map_close(struct rcfs_map *m);

/*
 * Open the backing directory again by its path when the one held is no
 * longer there: removed (its link count is 0) or, with BY_PATH, another
 * directory at its path (renamed in over it).  One renamed away with
 * nothing in its place yet is kept.  Keeps the descriptor's number:
 * threads using it see the old or the new one.  Returns 1 when the one
 * held had been removed, 2 when it had been renamed away, 0 when nothing
 * was to do, or -errno.
 */
int rcfs_map_reopen_backing(struct rcfs_map *m, bool by_path);
/* Twice the times it was reopened, odd while a reopen is under way: a
 * lookup that failed while or before another thread reopened it must be
 * tried again, and its result not kept. */
unsigned int rcfs_map_backing_gen(struct rcfs_map *m);

/* Map namespace INO to its target.  Returns 0 or -errno. */
int rcfs_map_ino(struct rcfs_map *m, ino_t ino, struct rcfs_target *ret);

/* The relative path of KEY's file under the backing directory (KEY.EXT
 * or KEY/BASENAME).  Returns 0, -EINVAL for an unsafe key,
 * -ENAMETOOLONG. */
int rcfs_backing_rel(const struct rcfs_settings *s, const char *basename,
		     const char *key, char *buf, size_t len);

/* Parse a key back: KEY from a relative path, for prune.  Returns 0 or
 * -EINVAL when REL is not a backing file name of this layout. */
int rcfs_backing_key(const struct rcfs_settings *s, const char *basename,
		     const char *rel, char *buf, size_t len);

#endif
