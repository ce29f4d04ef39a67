// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a namespace sees: its own file, the default, the host's source,
 * or nothing; see rcfs_map_see() in map.h.  The daemon answers its
 * callers with it, and netnsctl shows and edits with it, so the two
 * never disagree.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backing.h"
#include "identity.h"
#include "map-int.h"

/* The file at an administrator's PATH (host source, default): any
 * symlinks there are the administrator's own.  Never a FIFO or device:
 * O_NONBLOCK, and anything but a regular file is -EINVAL.  An fd when
 * OPEN, else 0; or -errno. */
static int see_path(const char *path, bool open_it, struct stat *st)
{
	int fd;

	if (!open_it) {
		if (stat(path, st) < 0)
			return -errno;
		return S_ISREG(st->st_mode) ? 0 : -EINVAL;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

/* REL beneath the backing directory: an fd when OPEN, else 0. */
static int see_backing(struct rcfs_map *m, const char *rel, bool open_it,
		       struct stat *st)
{
	int fd;

	if (!open_it) {
		fd = rcfs_backing_stat(m->backing_fd, rel, st);
		if (fd == 0 && !S_ISREG(st->st_mode))
			fd = -EINVAL;
		return fd;
	}
	fd = rcfs_backing_open(m->backing_fd, rel, O_RDONLY | O_NONBLOCK, 0);
	if (fd < 0)
		return fd;
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

/*
 * The same, once more when it failed because the backing directory was
 * removed and one made anew at its path is used now: by this call, or
 * by another thread's meanwhile (without that check, the thread that
 * lost the race would take the old ENOENT for the new directory's).
 * Checked only after a failure, to keep the fstat off the hot path.
 */
static int see_backing_again(struct rcfs_map *m, const char *rel,
			     bool open_it, struct stat *st, int *reopened)
{
	unsigned int bgen = rcfs_map_backing_gen(m);
	int r = see_backing(m, rel, open_it, st);

	if (r != -ENOENT)
		return r;
	*reopened = rcfs_map_reopen_backing(m, false);
	if (*reopened > 0 || rcfs_map_backing_gen(m) != bgen)
		r = see_backing(m, rel, open_it, st);
	if (*reopened < 0)
		*reopened = 0;
	return r;
}

/*
 * Whether FD, an inode key's file, is the asker's: it carries the
 * cookie of the asker's namespace, or no record (a file written by
 * hand; CLAIM gives it to the asker).  1 yes, 0 stale, or -errno.
 */
static int judge(int fd, int flags, const struct rcfs_asker *who,
		 uint64_t *ret_cookie)
{
	uint64_t rec = 0, cookie;
	int r;

	if (!(flags & RCFS_SEE_CLAIM)) {
		/* no record, no question to ask the namespace */
		r = rcfs_record_get(fd, &rec);
		if (r == -EOPNOTSUPP || r == 0)
			return 1;
		if (r < 0)
			return r;
	}
	r = who->cookie(who->data, &cookie);
	if (r < 0)
		return r;
	*ret_cookie = cookie;
	if (flags & RCFS_SEE_CLAIM)
		return rcfs_record_claim(fd, cookie);
	return rec == cookie;
}

/* T's own file: 0 (or an fd with OPEN), -ENOENT when it has none or
 * the one there is stale, or -errno. */
static int see_own(struct rcfs_map *m, const struct rcfs_target *t,
		   int flags, const struct rcfs_asker *who,
		   struct rcfs_sight *ret)
{
	bool open_it = flags & RCFS_SEE_OPEN;
	int fd, r;

	/* a name needs no record: the plain stat of the hot path */
	if (t->named && !open_it)
		return see_backing_again(m, t->rel, false, &ret->st,
					 &ret->reopened);
	fd = see_backing_again(m, t->rel, true, &ret->st, &ret->reopened);
	if (fd < 0 || t->named)
		return fd;
	r = judge(fd, flags, who, &ret->cookie);
	if (r <= 0 || !open_it)
		close(fd);
	if (r == 0)
		ret->stale = true;
	if (r <= 0)
		return r < 0 ? r : -ENOENT;
	return open_it ? fd : 0;
}

int rcfs_map_see(struct rcfs_map *m, const struct rcfs_target *t, int flags,
		 const struct rcfs_asker *who, struct rcfs_sight *ret)
{
	bool open_it = flags & RCFS_SEE_OPEN;
	int r;

	memset(ret, 0, sizeof(*ret));
	ret->fd = -1;
	if (t->kind == RCFS_TARGET_HOST) {
		ret->kind = RCFS_SEES_HOST;
		ret->path = m->host_source;
		if (!ret->path)
			return 0;
		goto by_path;
	}
	ret->kind = RCFS_SEES_OWN;
	r = see_own(m, t, flags, who, ret);
	if (r != -ENOENT)
		goto out;
	ret->path = m->settings->default_file;
	ret->kind = ret->path ? RCFS_SEES_DEFAULT : RCFS_SEES_NONE;
	if (!ret->path)
		return 0;
by_path:
	r = see_path(ret->path, open_it, &ret->st);
out:
	if (r < 0)
		return r;
	if (open_it)
		ret->fd = r;
	return 0;
}

void rcfs_sight_close(struct rcfs_sight *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

int rcfs_map_path(const struct rcfs_map *m, const struct rcfs_target *t,
		  char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s", m->settings->backing_dir, t->rel);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}
