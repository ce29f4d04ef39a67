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
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "access.h"
#include "attrcache.h"
#include "handle.h"
#include "quota.h"
#include "paths.h"
#include "resolvconf.h"
#include "view.h"
#include "watch.h"

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

void rcfs_check_default(struct rcfs_daemon *d)
{
	const char *def = d->settings.default_file;
	int r;

	if (!def)
		return;
	r = rcfs_resolv_file_loopback_only(def);
	if (r < 0)
		log_msg(LOG_WARNING, "cannot read default file \"%s\": %s",
			def, strerror(-r));
	else if (r > 0)
		log_msg(LOG_WARNING,
			"default file \"%s\" lists only loopback nameservers, "
			"which other network namespaces cannot reach", def);
}

/* SIGHUP: read the names again, check the default file again. */
static void check_reload(struct rcfs_daemon *d)
{
	if (!d->reload)
		return;
	d->reload = 0;
	rcfs_names_invalidate(rcfs_map_names(d->map));
	rcfs_watch_touch(d->watch);
	rcfs_check_default(d);
	log_msg(LOG_INFO, "reloaded namespace names and default file");
}

static int find_caller(fuse_req_t req, struct rcfs_caller *c)
{
	check_reload(daemon_of(req));
	return rcfs_caller_find(req, c);
}

/* What C's namespace maps to. */
static int map_caller(struct rcfs_caller *c, struct rcfs_target *t)
{
	struct rcfs_daemon *d = c->d;
	int r;

	r = rcfs_map_ino(d->map, c->ino, t);
	if (r < 0)
		log_msg(LOG_ERR, "cannot map network namespace %ju of "
			"thread %d: %s", (uintmax_t)c->ino, (int)c->tid,
			strerror(-r));
	else if (d->verbose)
		log_msg(LOG_DEBUG, "thread %d: netns %ju -> %s%s",
			(int)c->tid, (uintmax_t)c->ino,
			t->kind == RCFS_TARGET_HOST ? "host" : "key ",
			t->kind == RCFS_TARGET_HOST ? "" : t->key);
	return r;
}

/* Whether an answer kept for the namespace with cookie NEED (0: any
 * namespace with C's inode) answers C. */
static bool kept_holds(struct rcfs_caller *c, uint64_t need)
{
	uint64_t cookie;

	if (!need)
		return true;
	return rcfs_caller_cookie(c, &cookie) == 0 && cookie == need;
}

/*
 * Whether what was found for T may be kept for its generation.  Not
 * while ip-netns has a file not yet bound (an unnamed namespace may be
 * named any moment), nor when the backing directory was reopened during
 * the lookup (it may have used either).
 */
static bool keepable(struct rcfs_daemon *d, const struct rcfs_target *t,
		     unsigned int bgen)
{
	unsigned int now = rcfs_map_backing_gen(d->map);

	if (now != bgen || (now & 1))
		return false;
	return t->named || rcfs_names_settled(rcfs_map_names(d->map));
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

/*
 * stat() of the caller: the hot path, since glibc calls it before every
 * name lookup.  What a namespace sees is kept with the watch generation
 * it was found at; while nothing watched has changed, the answer costs
 * the one look at the caller's namespace.
 */
static int stat_caller(fuse_req_t req, struct stat *st)
{
	struct rcfs_daemon *d = daemon_of(req);
	struct rcfs_caller c;
	struct rcfs_target t;
	uint64_t gen, need;
	unsigned int bgen;
	int r;

	r = find_caller(req, &c);
	if (r < 0)
		return r;
	/* read before looking anything up: a change meanwhile moves it on,
	 * and what is found now is not kept as current */
	gen = rcfs_caller_kept_gen(&c);
	if (gen && rcfs_attrcache_get(d->attrs, c.ino, gen, &r, st, &need) &&
	    kept_holds(&c, need))
		return r;
	bgen = rcfs_map_backing_gen(d->map);
	r = map_caller(&c, &t);
	if (r < 0)
		return r;
	r = rcfs_view_stat(&c, &t, st, &need);
	if (gen && (r == 0 || r == -ENOENT) && keepable(d, &t, bgen))
		rcfs_attrcache_put(d->attrs, c.ino, gen, r, st, need);
	return r;
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
		r = stat_caller(req, &st);
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
 * A reader's descriptor.  Opened at generation G, the namespace's file is
 * shared with every reader that opens it while the generation is still G:
 * such an open, and its close, cost no system call besides the one that
 * finds the caller's namespace.
 */
static int open_reader(struct rcfs_caller *c, struct handle *h)
{
	struct rcfs_daemon *d = c->d;
	struct rcfs_ofile *of;
	struct rcfs_view v;
	unsigned int bgen;
	uint64_t gen;
	int r;

	/* read before the lookups: a change meanwhile moves it on */
	gen = rcfs_caller_kept_gen(c);
	of = rcfs_ofcache_get(d->files, c->ino, gen);
	if (of && kept_holds(c, of->cookie)) {
		r = rcfs_access_open(c, &of->st, R_OK);
		if (r < 0) {
			rcfs_ofile_unref(of);
			return r;
		}
		h->of = of;
		h->fd = of->fd;
		return 0;
	}
	rcfs_ofile_unref(of);
	bgen = rcfs_map_backing_gen(d->map);
	r = map_caller(c, &h->t);
	if (r == 0)
		r = rcfs_view_open(c, &h->t, gen, &v);
	if (r < 0)
		return r;
	r = rcfs_access_open(c, &v.st, R_OK);
	if (r < 0) {
		rcfs_view_close(&v);
		return r;
	}
	if (v.snap) {
		h->snap = v.snap;
		return 0;
	}
	h->fd = v.fd;
	h->owned = true;
	if (!gen || !keepable(d, &h->t, bgen))
		return 0;
	of = rcfs_ofile_new(h->fd, &v.st, c->ino, gen, v.cookie);
	if (of) {
		h->of = of;
		h->owned = false;
		rcfs_ofcache_put(d->files, of);
		/* a change came meanwhile: the flush may have run before the
		 * put, and nothing would close this file until the next one */
		if (rcfs_watch_gen(d->watch) != gen)
			rcfs_ofcache_flush(d->files);
	}
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
	r = find_caller(req, &c);
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
		r = map_caller(&c, &t);
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
	    rcfs_caller_kept_gen(&c) == h->eof_gen) {
		n = 0;
	} else {
		/* read before the pread: a change meanwhile moves it on */
		gen = h->writer ? 0 : rcfs_watch_gen(d->watch);
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

/* truncate(2) by path: an atomic replace of its own. */
static int truncate_target(struct rcfs_caller *c, const struct rcfs_target *t,
			   off_t size)
{
	struct rcfs_daemon *d = c->d;
	struct handle *h;
	int r;

	h = handle_new();
	if (!h)
		return -ENOMEM;
	r = writer_begin(c, t, h, size == 0);
	if (r == 0 && ftruncate(h->fd, size) < 0)
		r = -errno;
	if (r == 0) {
		h->dirty = true;
		r = writer_commit(d, h);
	}
	handle_free(d, h);
	return r;
}

/* The changes of TO_SET that C may make to a file with ST; ATTR gets
 * what to set (a mode without a set-group-ID bit C may not set). */
static int may_setattr(struct rcfs_caller *c, const struct stat *st,
		       struct stat *attr, int to_set)
{
	mode_t mode;
	int r = 0;

	if (to_set & FUSE_SET_ATTR_MODE) {
		r = rcfs_access_chmod(c, st, attr->st_mode & 07777, &mode);
		attr->st_mode = mode;
	}
	if (r == 0 && (to_set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)))
		r = rcfs_access_chown(c, st,
			(to_set & FUSE_SET_ATTR_UID) ? attr->st_uid : (uid_t)-1,
			(to_set & FUSE_SET_ATTR_GID) ? attr->st_gid : (gid_t)-1);
	if (r == 0 && (to_set & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME))) {
		bool now = (!(to_set & FUSE_SET_ATTR_ATIME) ||
			    (to_set & FUSE_SET_ATTR_ATIME_NOW)) &&
			   (!(to_set & FUSE_SET_ATTR_MTIME) ||
			    (to_set & FUSE_SET_ATTR_MTIME_NOW));

		r = rcfs_access_utimes(c, st, now);
	}
	return r;
}

static int set_meta(int fd, const struct stat *attr, int to_set)
{
	if ((to_set & FUSE_SET_ATTR_MODE) &&
	    fchmod(fd, attr->st_mode & 07777) < 0)
		return -errno;
	if (to_set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)) {
		uid_t uid = (to_set & FUSE_SET_ATTR_UID) ? attr->st_uid : (uid_t)-1;
		gid_t gid = (to_set & FUSE_SET_ATTR_GID) ? attr->st_gid : (gid_t)-1;

		if (fchown(fd, uid, gid) < 0)
			return -errno;
	}
	if (to_set & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME)) {
		struct timespec ts[2] = {
			{ .tv_nsec = UTIME_OMIT }, { .tv_nsec = UTIME_OMIT },
		};

		if (to_set & FUSE_SET_ATTR_ATIME_NOW)
			ts[0].tv_nsec = UTIME_NOW;
		else if (to_set & FUSE_SET_ATTR_ATIME)
			ts[0] = attr->st_atim;
		if (to_set & FUSE_SET_ATTR_MTIME_NOW)
			ts[1].tv_nsec = UTIME_NOW;
		else if (to_set & FUSE_SET_ATTR_MTIME)
			ts[1] = attr->st_mtim;
		if (futimens(fd, ts) < 0)
			return -errno;
	}
	return 0;
}

#define META_ATTRS	(FUSE_SET_ATTR_MODE | FUSE_SET_ATTR_UID | \
			 FUSE_SET_ATTR_GID | FUSE_SET_ATTR_ATIME | \
			 FUSE_SET_ATTR_MTIME | FUSE_SET_ATTR_ATIME_NOW | \
			 FUSE_SET_ATTR_MTIME_NOW)

/*
 * setattr on an open file (ftruncate(2): the kernel sends the handle):
 * it acts on the writer's copy, whatever namespace the caller is in now,
 * and is published with it.
 */
static int setattr_handle(struct rcfs_caller *c, struct handle *h,
			  struct stat *attr, int to_set, struct stat *ret)
{
	struct stat st;
	int r = 0;

	if (!h->writer)
		return -EBADF;
	pthread_mutex_lock(&h->lock);
	if ((to_set & META_ATTRS) && fstat(h->fd, &st) < 0)
		r = -errno;
	if (r == 0 && (to_set & META_ATTRS))
		r = may_setattr(c, &st, attr, to_set);
	if (r == 0)
		r = h->failed ? -h->failed : writer_prepare(h);
	if (r == 0 && (to_set & FUSE_SET_ATTR_SIZE) &&
	    ftruncate(h->fd, attr->st_size) < 0)
		r = -errno;
	if (r == 0 && (to_set & FUSE_SET_ATTR_SIZE))
		h->written = true;
	if (r == 0)
		r = set_meta(h->fd, attr, to_set & META_ATTRS);
	if (r == 0 && (to_set & (FUSE_SET_ATTR_SIZE | META_ATTRS)))
		h->dirty = true;
	if (r == 0)
		r = fstat(h->fd, ret) < 0 ? -errno : 0;
	pthread_mutex_unlock(&h->lock);
	return r;
}

/*
 * chmod, chown, utimes by path (and fchmod & co., which the kernel sends
 * without the handle): on the file the caller's namespace sees, only a
 * file of its own (changing the default's would change it for all), and
 * only as the caller may.
 */
static int setattr_meta(struct rcfs_caller *c, const struct rcfs_target *t,
			struct stat *attr, int to_set)
{
	struct rcfs_daemon *d = c->d;
	struct rcfs_view v;
	int r, fd;

	r = rcfs_view_open(c, t, 0, &v);
	if (r < 0)
		return r;
	if (v.kind == RCFS_SEES_DEFAULT)
		r = -EPERM;
	if (r == 0)
		r = may_setattr(c, &v.st, attr, to_set);
	if (r == 0) {
		fd = v.snap ? d->host.fd : v.fd;
		r = set_meta(fd, attr, to_set);
		/* a part may have been done even when a later part failed */
		rcfs_watch_touch(d->watch);
	}
	rcfs_view_close(&v);
	return r;
}

static void op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
		       int to_set, struct fuse_file_info *fi)
{
	struct rcfs_caller c;
	struct rcfs_target t;
	struct stat st;
	uint64_t need;
	int r;

	(void)ino;
	r = find_caller(req, &c);
	if (r < 0)
		goto out;
	if ((to_set & FUSE_SET_ATTR_SIZE) &&
	    (attr->st_size < 0 || attr->st_size > RCFS_MAX_FILE_SIZE)) {
		r = -EFBIG;
		goto out;
	}
	if (fi) {
		r = setattr_handle(&c, handle_of(fi), attr, to_set, &st);
		goto out;
	}
	r = map_caller(&c, &t);
	if (r == 0 && (to_set & FUSE_SET_ATTR_SIZE))
		r = truncate_target(&c, &t, attr->st_size);
	if (r == 0 && (to_set & META_ATTRS))
		r = setattr_meta(&c, &t, attr, to_set & META_ATTRS);
	if (r == 0)
		r = rcfs_view_stat(&c, &t, &st, &need);
out:
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
