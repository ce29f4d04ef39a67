/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Between fuseio.c and workers.c only. */
#ifndef RCFS_FUSEIO_INT_H
#define RCFS_FUSEIO_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "daemon.h"

/* The request a worker thread is serving.  Replies are sent by the
 * thread that serves the request (rcfs_ops answer before returning),
 * so the reply path finds it here. */
struct rcfs_io_thread {
	bool has_fd;		/* reply on fd, the thread's clone */
	int fd;
	uint64_t unique;
	uint32_t opcode;
	uint32_t open_flags;	/* FUSE_OPEN's */
	uint64_t release_id;	/* FUSE_RELEASE of ours: free after */
	bool capture;		/* keep the answer to a synthetic open */
	int cap_error;
	uint64_t cap_fh;
};

extern __thread struct rcfs_io_thread rcfs_io_tl;

ssize_t rcfs_io_writev(int fd, struct iovec *iov, int count, void *userdata);
ssize_t rcfs_io_read(int fd, void *buf, size_t len, void *userdata);

/*
 * daemon/handles.c: before SE serves request BUF (LEN bytes, modified): note it for the
 * reply path and turn a handle id into our handle.  Returns 1 to serve
 * it, 0 to answer it with success, or -errno to answer it with that.
 */
int rcfs_io_request(struct fuse_session *se, void *buf, size_t len);

/* daemon/handles.c */
/* This server's number, in every id it gives.  Returns 0 or -EINVAL. */
int rcfs_io_gen_set(unsigned int gen);
/* An id for handle FH, opened for writing or not.  Returns 0 or -ENOMEM. */
int rcfs_io_slot_new(uintptr_t fh, bool writable, uint64_t *ret_id);
/* After a FUSE_RELEASE of ours was served (rcfs_io_tl.release_id). */
void rcfs_io_slot_free(uint64_t id);

#endif
