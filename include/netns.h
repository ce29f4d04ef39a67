/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RCFS_NETNS_H
#define RCFS_NETNS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "settings.h"

/* Where namespace INO goes in a table of 2^N slots (mask the result):
 * namespace inodes are sequential, so spread them (Fibonacci hashing). */
static inline uint64_t rcfs_netns_hash(ino_t ino)
{
	return ((uint64_t)ino * UINT64_C(0x9e3779b97f4a7c15)) >> 32;
}

/*
 * A zeroed table: a struct of HEAD bytes whose first member is its mask
 * (a size_t) and whose last is a flexible array of at least NSLOTS slots
 * of SIZE bytes, keyed by rcfs_netns_hash().  The count is rounded up to
 * a power of two; the mask is it minus one.  Freed with free().  NULL on
 * ENOMEM.
 */
void *rcfs_netns_table_new(size_t head, size_t nslots, size_t size);

/* A key is a name from the netns directory or a decimal inode. */
#define RCFS_KEY_MAX	256

/*
 * Whether NAME may become part of a path: not empty, not "." or "..",
 * no '/', no control characters, at most NAME_MAX minus room for the
 * extension.  Names that fail are never used; the inode is.
 */
bool rcfs_name_is_safe(const char *name);

/*
 * The network namespace of thread TID: the inode of PROCFS/TID/ns/net,
 * read from the link with one readlinkat() relative to PROCFD.  Returns
 * 0 or -errno (-ESRCH when the thread is gone).
 */
int rcfs_netns_of_tid(int procfd, pid_t tid, ino_t *ret_ino);

/* "TID/ns/net", the link's path relative to procfs, into BUF (at least
 * RCFS_TID_REL_MAX bytes). */
#define RCFS_TID_REL_MAX	32
void rcfs_netns_tid_rel(char *buf, pid_t tid);
/* Whether TEXT is the link's "net:[INODE]"; then the inode. */
bool rcfs_netns_parse_link(const char *text, ino_t *ret_ino);

/* The inode of the namespace file PATH (a /run/netns entry, or
 * /proc/PID/ns/net).  Returns 0 or -errno; -EINVAL if not nsfs. */
int rcfs_netns_of_path(const char *path, ino_t *ret_ino);

/*
 * The inode -> name map of a netns directory.  Lookups re-read the
 * directory only when it changed (one stat per lookup), so a name
 * given a moment ago by ip-netns is used at the next lookup.
 * Thread-safe.
 */
struct rcfs_names;

/* Returns 0 or -errno.  A missing directory is an empty map. */
int rcfs_names_new(const char *netns_dir, struct rcfs_names **ret);
void rcfs_names_free(struct rcfs_names *n);
/*
 * Let W tell when the directory changes (the daemon's hot path): while
 * W's generation is not 0, a name found in the map is used without
 * looking at the directory.  W's change callback must call
 * rcfs_names_invalidate().  A miss still looks at the directory.
 */
struct rcfs_watch;
void rcfs_names_set_watch(struct rcfs_names *n, struct rcfs_watch *w);
/*
 * Whether every entry of the directory is a bound namespace, or has had
 * time to become one: ip-netns makes the file first and binds onto it
 * next.  While not settled, an unnamed namespace may be named at any
 * moment, so what it maps to must not be kept.
 */
bool rcfs_names_settled(struct rcfs_names *n);
/* Force a re-read at the next lookup (SIGHUP). */
void rcfs_names_invalidate(struct rcfs_names *n);
/*
 * The name of namespace INO: copied into BUF, first in byte order when
 * several refer to it.  Returns 1 when found, 0 when it has no (safe)
 * name, -errno on error (BUF too small: -ENAMETOOLONG).
 */
int rcfs_names_lookup(struct rcfs_names *n, ino_t ino, char *buf, size_t len);

/* Every named namespace, for netnsctl: calls FN for each (name, inode)
 * in byte order, unsafe names included (SAFE tells).  Returns 0, or
 * -errno, or FN's first non-zero return. */
int rcfs_names_foreach(const char *netns_dir,
		       int (*fn)(const char *name, ino_t ino, bool safe,
				 void *data),
		       void *data);

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
/* Same for the thread TID (a FUSE request's pid). */
int rcfs_map_tid(struct rcfs_map *m, pid_t tid, struct rcfs_target *ret);

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
