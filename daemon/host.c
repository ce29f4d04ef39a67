// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The host's own file under the mount; see host.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backing.h"
#include "host.h"
#include "paths.h"

/*
 * A descriptor of our own for the record lock: reopened through procfs,
 * so it is a new open file description (FD itself is shared with the
 * keeper and every server, and OFD locks of one description never
 * conflict).  -1 where it cannot be had: the lock is then this
 * process's only.
 */
static int lockfd_open(int fd, int procfd)
{
	char rel[32];
	int acc = fcntl(fd, F_GETFL);

	if (acc < 0 || procfd < 0)
		return -1;
	snprintf(rel, sizeof(rel), "self/fd/%d", fd);
	return openat(procfd, rel, ((acc & O_ACCMODE) == O_RDWR ? O_RDWR :
				     O_RDONLY) | O_CLOEXEC | O_NOCTTY);
}

/* Set the record lock over the whole file to TYPE; waits for it. */
static void record_lock(int lockfd, short type)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET };

	if (lockfd < 0)
		return;
	while (fcntl(lockfd, F_OFD_SETLKW, &fl) < 0 && errno == EINTR)
		;
	/* any other failure leaves the lock this process's only */
}

/* A reader comes: the first takes the record lock for reading. */
static void shared_enter(struct rcfs_host_file *h)
{
	pthread_rwlock_rdlock(&h->lock);
	pthread_mutex_lock(&h->share_lock);
	if (h->sharers++ == 0)
		record_lock(h->lockfd, F_RDLCK);
	pthread_mutex_unlock(&h->share_lock);
}

/* A reader goes: the last drops the record lock. */
static void shared_leave(struct rcfs_host_file *h)
{
	pthread_mutex_lock(&h->share_lock);
	if (--h->sharers == 0)
		record_lock(h->lockfd, F_UNLCK);
	pthread_mutex_unlock(&h->share_lock);
	pthread_rwlock_unlock(&h->lock);
}

void rcfs_host_file_init(struct rcfs_host_file *h, int fd, int procfd)
{
	memset(h, 0, sizeof(*h));
	h->open = true;
	h->fd = fd;
	h->lockfd = lockfd_open(fd, procfd);
	pthread_rwlock_init(&h->lock, NULL);
	pthread_mutex_init(&h->share_lock, NULL);
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
	if (h->lockfd >= 0)
		close(h->lockfd);
	h->fd = -1;
	h->lockfd = -1;
	pthread_rwlock_destroy(&h->lock);
	pthread_mutex_destroy(&h->share_lock);
	pthread_mutex_destroy(&h->snap_lock);
}

int rcfs_host_file_stat(struct rcfs_host_file *h, struct stat *ret)
{
	int r;

	shared_enter(h);
	r = fstat(h->fd, ret) < 0 ? -errno : 0;
	shared_leave(h);
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

	shared_enter(h);
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
	shared_leave(h);
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
	record_lock(h->lockfd, F_WRLCK);
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
	record_lock(h->lockfd, F_UNLCK);
	pthread_rwlock_unlock(&h->lock);
	rcfs_snap_unref(old);
	free(buf);
	return r;
}
