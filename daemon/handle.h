/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RCFS_HANDLE_H
#define RCFS_HANDLE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "backing.h"
#include "caller.h"
#include "map.h"
#include "ofcache.h"
#include "host.h"

/*
 * An open file of the mount.  It stays with the file it was opened for:
 * a thread that setns()es elsewhere, or a process in another namespace
 * handed the descriptor, still reads that file, and writes that file's
 * private copy.
 */
struct handle {
	pthread_mutex_t lock;
	struct rcfs_target t;	/* the file it was opened for */
	uid_t uid;		/* charged to (quota.h) */
	unsigned int units;

	/* a reader: one of these holds the content */
	int fd;			/* read and fstat this; -1 with SNAP */
	bool owned;		/* FD is ours to close */
	struct rcfs_ofile *of;	/* FD shared with the namespace's readers */
	struct rcfs_snap *snap;	/* the host's original file */
	/* a short read ended the file here, at this watch generation */
	off_t eof_off;
	uint64_t eof_gen;

	/* a writer: FD is its private copy, REP.fd */
	bool writer;
	bool inplace;		/* the host's original: rewritten in place */
	bool deferred;		/* its directory does not exist yet: the
				 * copy waits in memory, made at commit */
	struct rcfs_replace rep;
	pid_t opener;		/* the process that opened it, or <= 0 */
	/* the fd tables (FUSE lock owners) that wrote through it; more
	 * than fit: any */
	uint64_t writers[4];
	unsigned int nwriters;
	bool append;
	bool dirty;		/* differs from what was last published */
	bool written;		/* a write or truncate came through it */
	bool committed;		/* REP.fd became the live file */
	int failed;		/* a commit failed with this errno: never
				 * publish this copy */
	bool abandoned;		/* its writer was killed by a signal */
	int write_error;	/* a write failed: never publish this copy */
};

/*
 * setattr(2) by C: on H, an open file (ftruncate; NULL: by path), or on
 * what C's namespace sees.  *RET: the attributes after.  Returns 0 or
 * -errno (-EFBIG: a size beyond RCFS_MAX_FILE_SIZE).
 */
int rcfs_setattr(struct rcfs_caller *c, struct handle *h, struct stat *attr,
		 int to_set, struct stat *ret);

struct handle *handle_new(void);
void handle_free(struct rcfs_daemon *d, struct handle *h);

/* write.c: the write path */

/*
 * Make H a writer of what C sees as T: a private copy of it (empty with
 * TRUNC), after checking that C may write the file it maps to.  Nothing
 * is created until the copy is published.  Returns 0 or -errno.
 */
int writer_begin(struct rcfs_caller *c, const struct rcfs_target *t,
		 struct handle *h, bool trunc);
/* Before writing or truncating: after a commit, copy again.  0 or -errno. */
int writer_prepare(struct handle *h);
/* Publish H's copy (under H's lock).  0 or -errno; a failure marks H
 * failed for good. */
int writer_commit(struct rcfs_daemon *d, struct handle *h);
/* Note that the fd table OWNER (a FUSE lock owner) wrote through H. */
void writer_wrote(struct handle *h, uint64_t owner);
/* A close(2) by thread TID of fd table OWNER: publish if TID's process
 * opened H and something was written.  Returns what the closer must hear
 * (0 or -errno). */
int writer_flush(struct rcfs_daemon *d, struct handle *h, pid_t tid,
		 uint64_t owner);
/* The last close: publish what is left, unless something failed. */
void writer_release(struct rcfs_daemon *d, struct handle *h);

#endif
