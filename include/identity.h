/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RCFS_IDENTITY_H
#define RCFS_IDENTITY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Which network namespace a file was written for.
 *
 * The kernel hands a freed namespace's inode number to the next one made
 * (an IDA: the lowest free number), so a file keyed by inode outlives
 * the namespace it was written for and would be served to a stranger.
 * The namespace cookie (SO_NETNS_COOKIE, Linux >= 5.14) is never reused:
 * it is recorded with each inode-keyed file, and a file is served only
 * to the namespace whose cookie it carries.
 */

/* The extended attribute that holds the record, in the trusted.
 * namespace: only root can read or write it, so the owner of a file
 * cannot hand it to another namespace. */
#define RCFS_RECORD_XATTR	"trusted.resolvconffs.netns"

/*
 * The cookie of the network namespace NSFD refers to (an nsfs file, as
 * opened from /proc/PID/ns/net or a /run/netns entry; -1: the calling
 * thread's own): a number the kernel never gives another namespace,
 * unlike the inode.  Asks nsfs
 * directly where the kernel can tell (NS_GET_ID); elsewhere enters the
 * namespace with the calling thread for one socket and comes back.
 * Returns 0 or -errno.
 */
int rcfs_netns_cookie(int nsfd, uint64_t *ret);

/* The same for thread TID, by PROCFD (an O_PATH of procfs).  Returns 0
 * or -errno (-ESRCH when the thread is gone). */
int rcfs_netns_cookie_of_tid(int procfd, pid_t tid, uint64_t *ret);

/* The same for a path that opens a namespace.  0 or -errno. */
int rcfs_netns_cookie_of_path(const char *path, uint64_t *ret);

/*
 * The record of the file FD (any descriptor but O_PATH).  Returns 1 and
 * the cookie in *RET when there is one (0 marks a file of a namespace
 * gone before the record was made), 0 when the file has none, -errno
 * otherwise (-EOPNOTSUPP: the file system keeps no such attributes).
 */
int rcfs_record_get(int fd, uint64_t *ret);

/* Record COOKIE on the file FD.  0 or -errno. */
int rcfs_record_set(int fd, uint64_t cookie);

/*
 * Whether the file FD, keyed by inode, may be served to the namespace
 * with cookie COOKIE: it carries that cookie, or no record at all (a
 * file written beside the mount by hand), which it is then given.
 * Returns 1 (serve it), 0 (a stale file: as if absent), or -errno.  A
 * file system without extended attributes serves every file (1).
 */
int rcfs_record_claim(int fd, uint64_t cookie);

/*
 * At a daemon's start: give each file of an anonymous namespace (an
 * inode key) that has no record (written by an older version, or by
 * hand while no daemon ran) to the namespace that has its inode now, or
 * mark it stale (record 0) where none does.  Counts both.  Returns 0,
 * -EOPNOTSUPP when the backing file system keeps no such attributes, or
 * -errno.
 */
struct rcfs_map;
int rcfs_records_sweep(const struct rcfs_map *m, unsigned int *ret_claimed,
		       unsigned int *ret_stale);

#endif
