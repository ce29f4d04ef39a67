// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The FUSE operations.  The file system is one regular file, the root
 * (inode 1); every request is mapped to the caller's network namespace
 * and served from that namespace's file.  A handler finds its caller,
 * asks what the caller sees (view.c), decides whether the caller may
 * (access.c), and replies.
 *
 * Caching: the kernel must ask for every stat and read, because the same
 * inode shows a different file to each namespace and changes whenever a
 * backing file is replaced.  So attributes are replied with a timeout of
 * 0 and files are opened with direct_io (no page cache shared between
 * callers) and without keep_cache.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "access.h"
#include "fresh.h"
#include "handle.h"
#include "quota.h"
#include "paths.h"
#include "view.h"

/* What an open file may cost: the handle, a descriptor of its own, and
 * a writer's second (the copy's directory).  Charged up front, the rest
 * given back once known. */
#define HANDLE_UNITS_MAX	3

static inline struct rcfs_daemon *daemon_of(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

static inline struct handle *handle_of(struct fuse_file_info *fi)
{
	return (struct handle *)(uintptr_t)fi->fh;
}

static void reply_stat(fuse_req_t req, struct stat *st)
{
	/* keep the backing file's inode number: glibc's resolv.conf check
	 * compares it and must see a namespace switch as a change */
	if (st->st_nlink == 0)
		st->st_nlink = 1;
	fuse_reply_attr(req, st, 0.0);
}

static void op_init(void *userdata, struct fuse_conn_info *conn)
{
	(void)userdata;
	/* O_TRUNC arrives with open, so a truncating writer starts from an
	 * empty private copy instead of truncating the live file. */
	if (conn->capable & FUSE_CAP_ATOMIC_O_TRUNC)
		conn->want |= FUSE_CAP_ATOMIC_O_TRUNC;
	conn->want &= ~FUSE_CAP_WRITEBACK_CACHE;
}

static void op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	(void)parent;
	(void)name;
	fuse_reply_err(req, ENOTDIR);
}

static void op_getattr(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	struct stat st;
	int r;

	(void)ino;
	if (fi) {
		struct handle *h = handle_of(fi);

		pthread_mutex_lock(&h->lock);
		if (h->snap)
			st = h->snap->st;
		r = h->snap ? 0 : fstat(h->fd, &st) < 0 ? -errno : 0;
		pthread_mutex_unlock(&h->lock);
	} else {
		struct rcfs_caller c;

		r = rcfs_caller_find(req, &c);
		if (r == 0)
			r = rcfs_view_stat_kept(&c, &st);
	}
	if (r < 0)
		fuse_reply_err(req, -r);
	else
		reply_stat(req, &st);
}

struct handle *handle_new(void)
{
	struct handle *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	pthread_mutex_init(&h->lock, NULL);
	h->fd = h->rep.fd = h->rep.dirfd = -1;
	return h;
}

void handle_free(struct rcfs_daemon *d, struct handle *h)
{
	if (h->writer)
		rcfs_replace_abort(&h->rep);
	else if (h->of)
		rcfs_ofile_unref(h->of);
	else if (h->owned && h->fd >= 0)
		close(h->fd);
	rcfs_snap_unref(h->snap);
	rcfs_quota_give(d->quota, h->uid, h->units);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

/* Give back what H was charged beyond what it holds. */
static void handle_settle(struct rcfs_daemon *d, struct handle *h)
{
	unsigned int need = 1 + (h->writer ? 2 : h->owned ? 1 : 0);

	if (h->units > need) {
		rcfs_quota_give(d->quota, h->uid, h->units - need);
		h->units = need;
	}
}

/*
 * A reader's descriptor: the namespace's file, shared with the other
 * readers of the namespace while it is current (view.h), or the host's
 * snapshot.
 */
static int open_reader(struct rcfs_caller *c, struct handle *h)
{
	struct rcfs_view v;
	int r;

	r = rcfs_view_open_kept(c, &h->t, &v);
	if (r < 0)
		return r;
	r = rcfs_access_open(c, &v.st, R_OK);
	if (r < 0) {
		rcfs_view_close(&v);
		return r;
	}
	h->snap = v.snap;
	h->of = v.of;
	h->fd = v.of ? v.of->fd : v.fd;
	h->owned = !v.snap && !v.of;
	return 0;
}

static void op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct rcfs_daemon *d = daemon_of(req);
	int acc = fi->flags & O_ACCMODE;
	struct rcfs_caller c;
	struct rcfs_target t;
	struct handle *h;
	int r;

	(void)ino;
	r = rcfs_caller_find(req, &c);
	if (r < 0) {
		fuse_reply_err(req, -r);
		return;
	}
	h = handle_new();
	if (!h) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	h->uid = c.uid;
	r = rcfs_quota_take(d->quota, c.uid, HANDLE_UNITS_MAX);
	if (r == 0)
		h->units = HANDLE_UNITS_MAX;
	h->append = fi->flags & O_APPEND;
	if (r < 0) {
		/* refused: counted nothing */
	} else if (acc == O_RDONLY) {
		r = open_reader(&c, h);
		/* a reader has nothing to flush: spare the round trip */
		fi->noflush = 1;
	} else {
		r = rcfs_view_map(&c, &t);
		if (r == 0)
			r = writer_begin(&c, &t, h, fi->flags & O_TRUNC);
	}
	if (r < 0) {
		handle_free(d, h);
		fuse_reply_err(req, -r);
		return;
	}
	handle_settle(d, h);
	fi->fh = (uintptr_t)h;
	fi->direct_io = 1;
	fi->keep_cache = 0;
	if (fuse_reply_open(req, fi) == -ENOENT)
		handle_free(d, h);	/* the caller was interrupted */
}

static void op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct rcfs_daemon *d = daemon_of(req);
	struct handle *h = handle_of(fi);
	char stack[16384], *buf = stack;
	struct rcfs_fresh f;
	struct rcfs_caller c;
	uint64_t gen;
	ssize_t n;

	(void)ino;
	/*
	 * A read for the page cache (a private mmap() being filled) carries
	 * no lock owner, unlike read(2) on a direct_io file.  The kernel
	 * keeps one page cache for the one inode every namespace shares:
	 * what one namespace's mapping brought in, another's would find.
	 * Refused: the mapping's first touch raises SIGBUS.
	 */
	if (!fi->lock_owner) {
		fuse_reply_err(req, EIO);
		return;
	}
	if (h->snap) {
		size_t len = h->snap->len;

		n = off < 0 || (size_t)off >= len ? 0 :
		    (ssize_t)(len - (size_t)off < size ? len - (size_t)off :
			      size);
		fuse_reply_buf(req, n ? h->snap->data + off : NULL, (size_t)n);
		return;
	}
	/*
	 * resolv.conf is small: one copy through the stack.  (libfuse
	 * 3.14's splice path, FUSE_BUF_SPLICE_MOVE, corrupted the heap of
	 * its worker threads here, seen as aborts at exit.)
	 */
	if (size > sizeof(stack)) {
		buf = malloc(size);
		if (!buf) {
			fuse_reply_err(req, ENOMEM);
			return;
		}
	}
	pthread_mutex_lock(&h->lock);
	/* Readers read until read() returns 0: after a short read, nothing
	 * watched has changed, so the file still ends there.  (The
	 * generation is asked only where it can spare the pread: without
	 * the tap it costs a system call too.) */
	if (!h->writer && h->eof_gen && off >= h->eof_off &&
	    rcfs_caller_find(req, &c) == 0 &&
	    (rcfs_fresh_look(&c, &f), f.gen == h->eof_gen)) {
		n = 0;
	} else {
		/* read before the pread: a change meanwhile moves it on */
		gen = h->writer ? 0 : rcfs_fresh_now(d);
		n = pread(h->fd, buf, size, off);
		if (n >= 0 && (size_t)n < size) {
			h->eof_off = off + n;
			h->eof_gen = gen;
		}
	}
	pthread_mutex_unlock(&h->lock);
	if (n < 0)
		fuse_reply_err(req, errno);
	else
		fuse_reply_buf(req, buf, (size_t)n);
	if (buf != stack)
		free(buf);
}

static void op_write(fuse_req_t req, fuse_ino_t ino, const char *data,
		     size_t size, off_t off, struct fuse_file_info *fi)
{
	struct handle *h = handle_of(fi);
	struct stat st;
	ssize_t n;
	int r;

	(void)ino;
	if (!h->writer) {
		fuse_reply_err(req, EBADF);
		return;
	}
	pthread_mutex_lock(&h->lock);
	r = h->failed ? -h->failed : writer_prepare(h);
	if (r == 0 && h->append)
		r = fstat(h->fd, &st) < 0 ? -errno : (off = st.st_size, 0);
	if (r == 0 && (off < 0 || (uint64_t)off + size > RCFS_MAX_FILE_SIZE))
		r = -EFBIG;
	if (r == 0) {
		n = pwrite(h->fd, data, size, off);
		if (n < 0)
			r = -errno;
		else if ((size_t)n < size)
			/* the file system is full: the rest would fail */
			h->write_error = ENOSPC;
		size = n < 0 ? 0 : (size_t)n;
	}
	/*
	 * The copy now lacks what the writer meant to write: publishing it
	 * at close would replace the old file by a cut one (with O_TRUNC,
	 * by an empty one; past the size limit, by its first MiB).  Keep
	 * the old file; close reports the error.
	 */
	if (r < 0)
		h->write_error = -r;
	if (r == 0) {
		h->dirty = h->written = true;
		writer_wrote(h, fi->lock_owner);
	}
	pthread_mutex_unlock(&h->lock);
	if (r < 0)
		fuse_reply_err(req, -r);
	else
		fuse_reply_write(req, size);
}

/* Each close(2). */
static void op_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct handle *h = handle_of(fi);
	int r;

	(void)ino;
	pthread_mutex_lock(&h->lock);
	r = writer_flush(daemon_of(req), h, fuse_req_ctx(req)->pid,
			 fi->lock_owner);
	pthread_mutex_unlock(&h->lock);
	fuse_reply_err(req, -r);
}

/* The copy is made durable; it is published when the writer is done. */
static void op_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
		     struct fuse_file_info *fi)
{
	struct handle *h = handle_of(fi);
	int r = 0;

	(void)ino;
	pthread_mutex_lock(&h->lock);
	if (h->writer && (datasync ? fdatasync(h->fd) : fsync(h->fd)) < 0)
		r = -errno;
	pthread_mutex_unlock(&h->lock);
	fuse_reply_err(req, -r);
}

static void op_release(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	struct rcfs_daemon *d = daemon_of(req);
	struct handle *h = handle_of(fi);

	(void)ino;
	/* a descriptor closed last by someone other than its opener (or
	 * never flushed: passed away and dropped by the kernel) still
	 * publishes, unless something failed */
	writer_release(d, h);
	handle_free(d, h);
	fuse_reply_err(req, 0);
}

static void op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
		       int to_set, struct fuse_file_info *fi)
{
	struct rcfs_caller c;
	struct stat st;
	int r;

	(void)ino;
	r = rcfs_caller_find(req, &c);
	if (r == 0)
		r = rcfs_setattr(&c, fi ? handle_of(fi) : NULL, attr, to_set,
				 &st);
	if (r < 0)
		fuse_reply_err(req, -r);
	else
		reply_stat(req, &st);
}

static void op_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct rcfs_daemon *d = daemon_of(req);
	struct statvfs sv;

	(void)ino;
	if (fstatvfs(rcfs_map_backing_fd(d->map), &sv) < 0)
		fuse_reply_err(req, errno);
	else
		fuse_reply_statfs(req, &sv);
}

const struct fuse_lowlevel_ops rcfs_ops = {
	.init		= op_init,
	.lookup		= op_lookup,
	.getattr	= op_getattr,
	.setattr	= op_setattr,
	.open		= op_open,
	.read		= op_read,
	.write		= op_write,
	.flush		= op_flush,
	.fsync		= op_fsync,
	.release	= op_release,
	.statfs		= op_statfs,
};
