/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RCFS_FUSEIO_H
#define RCFS_FUSEIO_H

#include <stdbool.h>
#include <stddef.h>

#include "daemon.h"

/*
 * Serving a FUSE connection that may be older than this process.
 *
 * - The session never sees the kernel's FUSE_INIT, read long ago by the
 *   process that mounted: it is handed the bytes as recorded then
 *   (libfuse answers every other request with EIO until it has seen
 *   one).  The first server's answer is the kernel's; a later server's
 *   finds nothing waiting and is dropped.
 * - Requests are read by our own threads (not libfuse's loop, which may
 *   drop a request it has read when told to exit), so that a server
 *   told to stop answers everything it has read and reads no more.
 * - File handles carry the server's number: a request on a file that
 *   another (dead or retiring) server opened is recognised rather than
 *   taken for a pointer of ours.  A reader's is opened again for the
 *   caller, through the session's own open; a writer's private copy is
 *   gone with its server, so its requests fail with EIO.
 */

/* Attach SE to FD, which it reads from and replies on, as server number
 * GEN (not 0).  SE owns FD from then on.  Returns 0 or -errno. */
int rcfs_io_attach(struct fuse_session *se, int fd, unsigned int gen);

/*
 * Give SE the kernel's FUSE_INIT request: INIT, LEN bytes as read from
 * the mount's descriptor MOUNT_FD.  The answer goes to MOUNT_FD, where
 * the kernel waits for it unless an earlier server answered (then it is
 * dropped).  Sets *RET_MAX_WRITE to the largest write the session
 * accepts.  Returns 0 or -errno (-EPROTO: the session refused it).
 */
int rcfs_io_init(struct fuse_session *se, const void *init, size_t len,
		 int mount_fd, unsigned int *ret_max_write);

/* Whether the kernel that sent INIT can send again the requests that a
 * dead reader had read (FUSE_HAS_RESEND, Linux 6.9). */
bool rcfs_init_has_resend(const void *init, size_t len);

/* The bytes of the kernel's FUSE_INIT, as the process that mounts reads
 * them from FD (waiting at most TIMEOUT_MS).  Returns its length, or
 * -errno (-EPROTO: the first request was something else). */
int rcfs_init_read(int fd, void *buf, size_t size, int timeout_ms);

/*
 * Start N threads serving SE (attached by rcfs_io_attach), each with a
 * read buffer of BUFSIZE bytes and, with CLONE_FD, a descriptor of its
 * own.  A thread that stops by itself (the mount is gone, or an error)
 * writes to DONE_FD (an eventfd).  Returns 0 or -errno.
 */
/* Room for a request's headers beside its data (libfuse's own). */
#define RCFS_FUSE_HEADER_ROOM	4096

/* A descriptor of its own on SE_FD's connection (FUSE_DEV_IOC_CLONE):
 * requests read from it are answered on it.  Returns it or -errno. */
int rcfs_fuse_clone_fd(int se_fd);

struct rcfs_workers;
int rcfs_workers_start(struct fuse_session *se, unsigned int n,
		       bool clone_fd, size_t bufsize, int done_fd,
		       struct rcfs_workers **ret);

/* Read no more, answer what was read, end the threads and free W.
 * Returns true when the mount was found gone (unmounted). */
bool rcfs_workers_stop(struct rcfs_workers *w);

#endif
