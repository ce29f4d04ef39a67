/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RCFS_HOST_H
#define RCFS_HOST_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

/*
 * The host's own file when the mount point was a regular file: the file
 * under the mount, reachable only through the descriptor opened before
 * mounting.  Nothing can be renamed over a mount point, so a write must
 * change it in place; to keep that all-or-nothing for the host's
 * readers, they read a snapshot of its last complete content, and a
 * commit rewrites it whole under a lock that snapshots and stat() take.
 *
 * While a server retires (SIGUSR2), two processes serve the same file,
 * so the lock is also a record lock on the file itself (an OFD lock on
 * a descriptor of this process's own): a commit holds it for writing,
 * and this process's readers, as long as any of them reads, for reading.
 * OFD locks of one descriptor merge, so the readers of one process share
 * one; the first one in takes it, the last one out drops it.
 */

/* One complete content, shared by the readers that opened it. */
struct rcfs_snap {
	atomic_uint refs;
	uint64_t gen;		/* the watch generation it was read at */
	struct stat st;
	size_t len;
	char data[];
};

struct rcfs_host_file {
	bool open;
	int fd;
	pthread_rwlock_t lock;	/* commits write; snapshots, stat read */
	int lockfd;		/* this process's own, for the record lock */
	pthread_mutex_t share_lock;
	unsigned int sharers;	/* readers under the record lock */
	pthread_mutex_t snap_lock;
	struct rcfs_snap *snap;	/* the newest, or NULL */
};

/*
 * Take FD (opened read-write, or read-only where it cannot be); PROCFD,
 * our procfs, opens the descriptor the record lock is taken on.
 */
void rcfs_host_file_init(struct rcfs_host_file *h, int fd, int procfd);
/* Drop the snapshot and close the descriptor; accepts a zeroed H. */
void rcfs_host_file_close(struct rcfs_host_file *h);

/* stat(2) of the file, never in the middle of a commit.  0 or -errno. */
int rcfs_host_file_stat(struct rcfs_host_file *h, struct stat *ret);

/*
 * A reference to a snapshot of the content: the one kept if it was read
 * at generation GEN (not 0), else a new one.  Returns 0 or -errno.
 */
int rcfs_host_file_snap(struct rcfs_host_file *h, uint64_t gen,
			struct rcfs_snap **ret);
void rcfs_snap_unref(struct rcfs_snap *s);

/*
 * Replace the content by all of SRC's (the file keeps its owner and
 * mode).  In place, under the lock, so that no snapshot
 * or stat() sees it half done: room first (so that a full file system
 * fails before anything changed), then the bytes, the length, fsync.
 * Returns 0 or -errno; on -ENOSPC and errors before the first byte the
 * old content is intact.
 */
int rcfs_host_file_commit(struct rcfs_host_file *h, int src);

#endif
