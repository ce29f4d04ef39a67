// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a caller sees; see view.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "backing.h"
#include "identity.h"
#include "view.h"

/* Open a file by an administrator's path (host source, default): any
 * symlinks there are the administrator's own.  Never a FIFO or device. */
static int open_path(const char *path, struct stat *st)
{
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

int rcfs_reopen_backing(struct rcfs_daemon *d, bool by_path)
{
	int r = rcfs_map_reopen_backing(&d->map, by_path);

	if (r > 0)
		log_msg(LOG_NOTICE, "backing directory %s was %s: opened %s",
			d->settings.backing_dir,
			r == 1 ? "removed" : "replaced",
			r == 1 ? "it again" : "the new one");
	return r;
}

/*
 * Whether a lookup that failed with R, made when the backing directory's
 * generation was BGEN, failed because the directory was removed, and a
 * directory made anew at its path is now used: by this call, or by
 * another thread's meanwhile (without that check, the thread that lost
 * the race would take the old ENOENT for the new directory's).  Checked
 * only after a failure, to keep the fstat off the hot path.
 */
static bool backing_recovered(struct rcfs_daemon *d, int r, unsigned int bgen)
{
	if (r != -ENOENT)
		return false;
	if (rcfs_reopen_backing(d, false) > 0)
		return true;
	return rcfs_map_backing_gen(&d->map) != bgen;
}

static int open_backing(struct rcfs_daemon *d, const char *rel,
			struct stat *st)
{
	unsigned int bgen = rcfs_map_backing_gen(&d->map);
	int fd;

	fd = rcfs_backing_open(d->map.backing_fd, rel, O_RDONLY | O_NONBLOCK,
			       0);
	if (backing_recovered(d, fd, bgen))
		fd = rcfs_backing_open(d->map.backing_fd, rel,
				       O_RDONLY | O_NONBLOCK, 0);
	if (fd < 0)
		return fd;
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

/*
 * T's own file, if it is C's: a descriptor, or -ENOENT when there is
 * none or it is stale.  *RET_COOKIE: the cookie the answer holds for
 * alone (set whenever an inode-keyed file was there to judge).
 */
static int open_own(struct rcfs_caller *c, const struct rcfs_target *t,
		    struct stat *st, uint64_t *ret_cookie)
{
	uint64_t cookie;
	int fd, r;

	*ret_cookie = 0;
	fd = open_backing(c->d, t->rel, st);
	if (fd < 0 || t->named)
		return fd;
	r = rcfs_caller_cookie(c, &cookie);
	if (r == 0) {
		*ret_cookie = cookie;
		r = rcfs_record_claim(fd, cookie);
	}
	if (r <= 0) {
		close(fd);
		return r < 0 ? r : -ENOENT;
	}
	return fd;
}

int rcfs_view_stat(struct rcfs_caller *c, const struct rcfs_target *t,
		   struct stat *st, uint64_t *ret_cookie)
{
	struct rcfs_daemon *d = c->d;
	unsigned int bgen;
	int r, fd;

	*ret_cookie = 0;
	if (t->kind == RCFS_TARGET_HOST) {
		if (d->host_kind == RCFS_HOST_ORIGINAL)
			return rcfs_host_file_stat(&d->host, st);
		r = stat(d->host_path, st) < 0 ? -errno : 0;
		goto check;
	}
	if (t->named) {
		/* a name needs no record: the plain stat of the hot path */
		bgen = rcfs_map_backing_gen(&d->map);
		r = rcfs_backing_stat(d->map.backing_fd, t->rel, st);
		if (backing_recovered(d, r, bgen))
			r = rcfs_backing_stat(d->map.backing_fd, t->rel, st);
	} else {
		fd = open_own(c, t, st, ret_cookie);
		r = fd < 0 ? fd : 0;
		if (fd >= 0)
			close(fd);
	}
	if (r == -ENOENT && d->settings.default_file)
		r = stat(d->settings.default_file, st) < 0 ? -errno : 0;
check:
	/* A directory or FIFO where the file should be: the kernel would
	 * mark our one inode bad when its type changes, and every caller
	 * in every namespace would get EIO until the unmount. */
	if (r == 0 && !S_ISREG(st->st_mode))
		r = -EINVAL;
	return r;
}

int rcfs_view_open(struct rcfs_caller *c, const struct rcfs_target *t,
		   uint64_t gen, struct rcfs_view *v)
{
	struct rcfs_daemon *d = c->d;
	int r;

	memset(v, 0, sizeof(*v));
	v->fd = -1;
	if (t->kind == RCFS_TARGET_HOST) {
		v->kind = RCFS_VIEW_HOST;
		if (d->host_kind == RCFS_HOST_ORIGINAL) {
			r = rcfs_host_file_snap(&d->host, gen, &v->snap);
			if (r == 0)
				v->st = v->snap->st;
			return r;
		}
		v->fd = open_path(d->host_path, &v->st);
		return v->fd < 0 ? v->fd : 0;
	}
	v->kind = RCFS_VIEW_OWN;
	v->fd = open_own(c, t, &v->st, &v->cookie);
	if (v->fd != -ENOENT || !d->settings.default_file)
		return v->fd < 0 ? v->fd : 0;
	v->kind = RCFS_VIEW_DEFAULT;
	v->fd = open_path(d->settings.default_file, &v->st);
	return v->fd < 0 ? v->fd : 0;
}

void rcfs_view_close(struct rcfs_view *v)
{
	if (v->fd >= 0)
		close(v->fd);
	rcfs_snap_unref(v->snap);
	v->fd = -1;
	v->snap = NULL;
}
