// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The raw side of a server's connection (see fuseio.h): the recorded
 * FUSE_INIT, and replies: on the right descriptor, with file handle ids
 * (handles.c) rather than our pointers.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fuse.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "fuseio.h"
#include "fuseio-int.h"

#ifndef FUSE_HAS_RESEND
#define FUSE_HAS_RESEND (1ULL << 39)
#endif

__thread struct rcfs_io_thread rcfs_io_tl;

static struct {
	/* the kernel's INIT being given to the session */
	int init_fd;
	bool init_replied;
	int init_error;
	unsigned int max_write;
} io = { .init_fd = -1 };

int rcfs_io_attach(struct fuse_session *se, int fd, unsigned int gen)
{
	static const struct fuse_custom_io ops = {
		.writev = rcfs_io_writev,
		.read = rcfs_io_read,
	};

	int r = rcfs_io_gen_set(gen);

	if (r < 0)
		return r;
	return fuse_session_custom_io(se, &ops, fd);
}

bool rcfs_init_has_resend(const void *init, size_t len)
{
	const struct fuse_in_header *h = init;
	const struct fuse_init_in *in = (const void *)(h + 1);

	if (len < sizeof(*h) + offsetof(struct fuse_init_in, flags2) +
	    sizeof(in->flags2) || h->opcode != FUSE_INIT)
		return false;
	return (in->flags & FUSE_INIT_EXT) &&
	       ((uint64_t)in->flags2 << 32 & FUSE_HAS_RESEND);
}

int rcfs_init_read(int fd, void *buf, size_t size, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	const struct fuse_in_header *h = buf;
	ssize_t n;
	int r;

	r = poll(&p, 1, timeout_ms);
	if (r < 0)
		return -errno;
	if (r == 0)
		return -ETIMEDOUT;
	n = read(fd, buf, size);
	if (n < 0)
		return -errno;
	if ((size_t)n < sizeof(*h) || h->opcode != FUSE_INIT)
		return -EPROTO;
	return (int)n;
}

int rcfs_io_init(struct fuse_session *se, const void *init, size_t len,
		 int mount_fd, unsigned int *ret_max_write)
{
	uint64_t copy[64];
	struct fuse_buf buf = { .mem = copy, .size = len };

	if (len > sizeof(copy) || len < sizeof(struct fuse_in_header))
		return -EINVAL;
	memcpy(copy, init, len);
	io.init_fd = mount_fd;
	io.init_replied = false;
	io.init_error = 0;
	fuse_session_process_buf(se, &buf);
	io.init_fd = -1;
	if (!io.init_replied)
		return -EIO;
	if (io.init_error)
		return io.init_error;
	*ret_max_write = io.max_write;
	return 0;
}

static size_t iov_total(const struct iovec *iov, int count)
{
	size_t n = 0;

	for (int i = 0; i < count; i++)
		n += iov[i].iov_len;
	return n;
}

/* The session's answer to the recorded INIT. */
static ssize_t init_reply(struct iovec *iov, int count)
{
	const struct fuse_out_header *out = iov[0].iov_base;
	const struct fuse_init_out *arg = count > 1 ? iov[1].iov_base : NULL;
	ssize_t n;

	io.init_replied = true;
	io.init_error = out->error;
	/* a refusal would leave the connection refusing every request */
	if (out->error)
		return (ssize_t)iov_total(iov, count);
	if (arg && iov[1].iov_len >= offsetof(struct fuse_init_out, time_gran))
		io.max_write = arg->max_write;
	n = writev(io.init_fd, iov, count);
	/* answered by an earlier server: nothing waits for this one */
	if (n < 0 && errno == ENOENT)
		n = (ssize_t)iov_total(iov, count);
	if (n < 0)
		io.init_error = -errno;
	return n;
}

/* An answer to a synthetic open (adopt()): kept, not sent. */
static ssize_t capture(struct iovec *iov, int count)
{
	const struct fuse_out_header *out = iov[0].iov_base;
	struct rcfs_io_thread *t = &rcfs_io_tl;

	t->capture = false;
	t->cap_error = out->error;
	if (!out->error && count > 1 &&
	    iov[1].iov_len >= sizeof(struct fuse_open_out))
		t->cap_fh = ((struct fuse_open_out *)iov[1].iov_base)->fh;
	else if (!out->error)
		t->cap_error = -EIO;
	return (ssize_t)iov_total(iov, count);
}

/* A successful open: the kernel gets an id, not our pointer. */
static ssize_t open_reply(int fd, struct iovec *iov, int count)
{
	struct fuse_out_header *out = iov[0].iov_base;
	struct rcfs_io_thread *t = &rcfs_io_tl;
	uint64_t arg[8], id;
	struct iovec v[2];
	ssize_t n;

	if (count != 2 || iov[1].iov_len < sizeof(struct fuse_open_out) ||
	    iov[1].iov_len > sizeof(arg))
		return writev(fd, iov, count);
	memcpy(arg, iov[1].iov_base, iov[1].iov_len);
	if (rcfs_io_slot_new((uintptr_t)arg[0],
		       (t->open_flags & O_ACCMODE) != O_RDONLY, &id) < 0) {
		struct fuse_out_header e = {
			.len = sizeof(e), .error = -ENOMEM,
			.unique = out->unique,
		};

		if (write(fd, &e, sizeof(e)) < 0) {
			/* the caller is gone: nobody to tell */
		}
		/* libfuse takes it for an interrupted open and frees it */
		errno = ENOENT;
		return -1;
	}
	arg[0] = id;
	v[0] = iov[0];
	v[1].iov_base = arg;
	v[1].iov_len = iov[1].iov_len;
	n = writev(fd, v, 2);
	if (n < 0)
		rcfs_io_slot_free(id);
	return n;
}

ssize_t rcfs_io_writev(int fd, struct iovec *iov, int count, void *userdata)
{
	const struct fuse_out_header *out = iov[0].iov_base;
	struct rcfs_io_thread *t = &rcfs_io_tl;

	(void)userdata;
	if (t->capture && out->unique == 0)
		return capture(iov, count);
	if (io.init_fd >= 0)
		return init_reply(iov, count);
	if (t->has_fd)
		fd = t->fd;
	if (t->opcode == FUSE_OPEN && out->unique == t->unique && !out->error)
		return open_reply(fd, iov, count);
	return writev(fd, iov, count);
}

/* Not called: the workers read for the session.  libfuse wants one. */
ssize_t rcfs_io_read(int fd, void *buf, size_t len, void *userdata)
{
	(void)userdata;
	return read(fd, buf, len);
}
