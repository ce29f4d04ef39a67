// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The host's own file under the mount; see host.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backing.h"
#include "host.h"
#include "paths.h"

void rcfs_host_file_init(struct rcfs_host_file *h, int fd)
{
	memset(h, 0, sizeof(*h));
	h->open = true;
	h->fd = fd;
	pthread_rwlock_init(&h->lock, NULL);
	pthread_mutex_init(&h->snap_lock, NULL);
}

void rcfs_host_file_close(struct rcfs_host_file *h)
{
	if (!h->open)
		return;
	h->open = false;
	rcfs_snap_unref(h->snap);
	h->snap = NULL;
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
	pthread_rwlock_destroy(&h->lock);
	pthread_mutex_destroy(&h->snap_lock);
}

int rcfs_host_file_stat(struct rcfs_host_file *h, struct stat *ret)
{
	int r;

	pthread_rwlock_rdlock(&h->lock);
	r = fstat(h->fd, ret) < 0 ? -errno : 0;
	pthread_rwlock_unlock(&h->lock);
	return r;
}

void rcfs_snap_unref(struct rcfs_snap *s)
{
	if (s && atomic_fetch_sub(&s->refs, 1) == 1)
		free(s);
}

static int snap_read(struct rcfs_host_file *h, uint64_t gen,
		     struct rcfs_snap **ret)
{
	struct rcfs_snap *s;
	char *buf;
	size_t len;
	int r;

	pthread_rwlock_rdlock(&h->lock);
	r = rcfs_read_fd(h->fd, &buf, &len);
	if (r == 0) {
		s = malloc(sizeof(*s) + len);
		if (!s)
			r = -ENOMEM;
		else if (fstat(h->fd, &s->st) < 0)
			r = -errno;
		if (r == 0) {
			atomic_init(&s->refs, 1);
			s->gen = gen;
			s->len = len;
			memcpy(s->data, buf, len);
			/* what was read, whatever the file says now */
			s->st.st_size = (off_t)len;
			*ret = s;
		} else {
			free(s);
		}
		free(buf);
	}
	pthread_rwlock_unlock(&h->lock);
	return r;
}

int rcfs_host_file_snap(struct rcfs_host_file *h, uint64_t gen,
			struct rcfs_snap **ret)
{
	struct rcfs_snap *s, *old;
	int r;

	pthread_mutex_lock(&h->snap_lock);
	s = h->snap;
	if (s && gen && s->gen == gen) {
		atomic_fetch_add(&s->refs, 1);
		pthread_mutex_unlock(&h->snap_lock);
		*ret = s;
		return 0;
	}
	pthread_mutex_unlock(&h->snap_lock);
	r = snap_read(h, gen, &s);
	if (r < 0)
		return r;
	if (gen) {
		atomic_fetch_add(&s->refs, 1);
		pthread_mutex_lock(&h->snap_lock);
		old = h->snap;
		h->snap = s;
		pthread_mutex_unlock(&h->snap_lock);
		rcfs_snap_unref(old);
	}
	*ret = s;
	return 0;
}

static int write_all(int fd, const char *p, size_t len, off_t off)
{
	while (len > 0) {
		ssize_t w = pwrite(fd, p, len, off);

		if (w < 0)
			return -errno;
		if (w == 0)
			return -ENOSPC;
		p += w;
		len -= (size_t)w;
		off += w;
	}
	return 0;
}

int rcfs_host_file_commit(struct rcfs_host_file *h, int src)
{
	struct rcfs_snap *old;
	struct stat st;
	size_t len;
	char *buf;
	int r;

	r = rcfs_read_fd(src, &buf, &len);
	if (r < 0)
		return r;
	pthread_rwlock_wrlock(&h->lock);
	if (fstat(h->fd, &st) < 0) {
		r = -errno;
		goto out;
	}
	/* Room first: a full file system refuses here, or at the first
	 * byte past the old end, and the old content stays.  Only then
	 * the bytes the file already has room for are overwritten. */
	if (fallocate(h->fd, 0, 0, (off_t)len) < 0 && errno != EOPNOTSUPP) {
		r = errno == EBADF ? -EROFS : -errno;
		goto out;
	}
	if ((off_t)len > st.st_size) {
		r = write_all(h->fd, buf + st.st_size, len - (size_t)st.st_size,
			      st.st_size);
		if (r < 0) {
			if (ftruncate(h->fd, st.st_size) < 0) {
				/* cut back failed: the tail stays, the old
				 * bytes before it are intact */
			}
			goto out;
		}
	}
	r = write_all(h->fd, buf, (size_t)st.st_size < len ?
		      (size_t)st.st_size : len, 0);
	if (r == 0 && ftruncate(h->fd, (off_t)len) < 0)
		r = -errno;
	if (r == 0 && fsync(h->fd) < 0)
		r = -errno;
out:
	/* whatever happened, what is kept may be out of date */
	pthread_mutex_lock(&h->snap_lock);
	old = h->snap;
	h->snap = NULL;
	pthread_mutex_unlock(&h->snap_lock);
	pthread_rwlock_unlock(&h->lock);
	rcfs_snap_unref(old);
	free(buf);
	return r;
}
