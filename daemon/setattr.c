// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * setattr: truncate, chmod, chown, utimes.  On an open file it acts on
 * the writer's copy; by path, on the file the caller's namespace sees,
 * as the caller may (access.h): never by the kernel's cached attributes,
 * which are whichever namespace asked last.
 */
#include <errno.h>
#include <pthread.h>
#include <unistd.h>
#include <sys/stat.h>

#include "access.h"
#include "fresh.h"
#include "handle.h"
#include "paths.h"
#include "view.h"

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
		rcfs_fresh_touch(d);
	}
	rcfs_view_close(&v);
	return r;
}

int rcfs_setattr(struct rcfs_caller *c, struct handle *h, struct stat *attr,
		 int to_set, struct stat *ret)
{
	struct rcfs_target t;
	uint64_t need;
	int r;

	if ((to_set & FUSE_SET_ATTR_SIZE) &&
	    (attr->st_size < 0 || attr->st_size > RCFS_MAX_FILE_SIZE))
		return -EFBIG;
	if (h)
		return setattr_handle(c, h, attr, to_set, ret);
	r = rcfs_view_map(c, &t);
	if (r == 0 && (to_set & FUSE_SET_ATTR_SIZE))
		r = truncate_target(c, &t, attr->st_size);
	if (r == 0 && (to_set & META_ATTRS))
		r = setattr_meta(c, &t, attr, to_set & META_ATTRS);
	if (r == 0)
		r = rcfs_view_stat(c, &t, ret, &need);
	return r;
}
