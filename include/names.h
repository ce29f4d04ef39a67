/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RCFS_NAMES_H
#define RCFS_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

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
 * The key of namespace INO, as the mapping rule makes it: its first
 * safe name in byte order, else its decimal inode; into BUF (at least
 * RCFS_KEY_MAX bytes).  Returns 1 for a name, 0 for the inode, -errno.
 */
int rcfs_names_key(struct rcfs_names *n, ino_t ino, char *buf, size_t len);

#endif
