/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RCFS_NETNS_H
#define RCFS_NETNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

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

/* The device of nsfs (namespace files).  Returns 0 or -errno. */
int rcfs_nsfs_dev(dev_t *ret);

#endif
