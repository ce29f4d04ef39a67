// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A server's threads: read a request, serve it, again.  Ours rather than
 * fuse_session_loop_mt(): told to stop, libfuse's loop may drop a request
 * a thread has just read, and one dropped by a retiring server would
 * leave its caller waiting forever; these answer everything they read.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fuse.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "fuseio.h"
#include "fuseio-int.h"

/* Wakes a thread waiting in read(2) when the server stops. */
#define WAKE_SIGNAL	SIGUSR1

struct worker {
	pthread_t thread;
	struct rcfs_workers *all;
	int fd;			/* what it reads from and replies on */
	bool own_fd;		/* a clone, closed with it */
	char *buf;
	int in_read;		/* waiting for a request: may be woken */
	int done;
	bool started;
};

struct rcfs_workers {
	struct fuse_session *se;
	size_t bufsize;
	int done_fd;
	int stopping;
	int unmounted;
	unsigned int n;
	struct worker w[];
};

static void on_wake(int sig)
{
	(void)sig;
}

static void reply_status(int fd, uint64_t unique, int error)
{
	struct fuse_out_header out = {
		.len = sizeof(out), .error = error, .unique = unique,
	};

	if (write(fd, &out, sizeof(out)) < 0) {
		/* the caller was interrupted: nobody to answer */
	}
}

static void serve_one(struct worker *w, size_t len)
{
	struct fuse_buf buf = { .mem = w->buf, .size = len };
	const struct fuse_in_header *in = (const void *)w->buf;
	int r;

	r = rcfs_io_request(w->all->se, w->buf, len);
	if (r <= 0) {
		reply_status(w->fd, in->unique, r);
		return;
	}
	fuse_session_process_buf(w->all->se, &buf);
	if (rcfs_io_tl.release_id)
		rcfs_io_slot_free(rcfs_io_tl.release_id);
	rcfs_io_tl.opcode = 0;
}

static void *work(void *data)
{
	struct worker *w = data;
	struct rcfs_workers *all = w->all;
	uint64_t one = 1;
	ssize_t n;

	rcfs_io_tl.has_fd = w->own_fd;
	rcfs_io_tl.fd = w->fd;
	for (;;) {
		__atomic_store_n(&w->in_read, 1, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&all->stopping, __ATOMIC_SEQ_CST))
			break;
		n = read(w->fd, w->buf, all->bufsize);
		__atomic_store_n(&w->in_read, 0, __ATOMIC_SEQ_CST);
		if (n >= (ssize_t)sizeof(struct fuse_in_header)) {
			serve_one(w, (size_t)n);
			continue;
		}
		/* EINTR: woken (to stop, or by a stray signal); ENOENT: the
		 * request was interrupted as it was read */
		if (n < 0 && (errno == EINTR || errno == ENOENT ||
			      errno == EAGAIN))
			continue;
		if (n < 0 && errno == ENODEV) {
			__atomic_store_n(&all->unmounted, 1, __ATOMIC_SEQ_CST);
		} else {
			log_msg(LOG_ERR, "cannot read from /dev/fuse: %s",
				n < 0 ? strerror(errno) : "short read");
		}
		__atomic_store_n(&all->stopping, 1, __ATOMIC_SEQ_CST);
		if (write(all->done_fd, &one, sizeof(one)) < 0) {
			/* an eventfd write fails only on overflow */
		}
		break;
	}
	__atomic_store_n(&w->in_read, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&w->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

int rcfs_fuse_clone_fd(int se_fd)
{
	uint32_t master = (uint32_t)se_fd;
	int fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (ioctl(fd, FUSE_DEV_IOC_CLONE, &master) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

int rcfs_workers_start(struct fuse_session *se, unsigned int n,
		       bool clone, size_t bufsize, int done_fd,
		       struct rcfs_workers **ret)
{
	struct sigaction sa = { .sa_handler = on_wake };	/* no SA_RESTART */
	struct rcfs_workers *all;
	sigset_t wake, old;
	int r = 0;

	all = calloc(1, sizeof(*all) + n * sizeof(all->w[0]));
	if (!all)
		return -ENOMEM;
	all->se = se;
	all->bufsize = bufsize;
	all->done_fd = done_fd;
	all->n = n;
	sigemptyset(&sa.sa_mask);
	if (sigaction(WAKE_SIGNAL, &sa, NULL) < 0) {
		free(all);
		return -errno;
	}
	/* the threads, and only they, take the wake signal */
	sigemptyset(&wake);
	sigaddset(&wake, WAKE_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &wake, &old);
	for (unsigned int i = 0; i < n && r == 0; i++) {
		struct worker *w = &all->w[i];

		w->all = all;
		w->fd = fuse_session_fd(se);
		if (clone) {
			w->fd = rcfs_fuse_clone_fd(w->fd);
			if (w->fd < 0) {
				r = w->fd;
				break;
			}
			w->own_fd = true;
		}
		w->buf = malloc(bufsize);
		if (!w->buf) {
			r = -ENOMEM;
			break;
		}
		r = -pthread_create(&w->thread, NULL, work, w);
		w->started = r == 0;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r < 0) {
		rcfs_workers_stop(all);
		return r;
	}
	*ret = all;
	return 0;
}

bool rcfs_workers_stop(struct rcfs_workers *all)
{
	struct timespec tick = { .tv_nsec = 5 * 1000 * 1000 };
	bool waiting, unmounted;

	__atomic_store_n(&all->stopping, 1, __ATOMIC_SEQ_CST);
	/*
	 * Wake the threads waiting for a request, again and again: one may
	 * be between its last look at `stopping` and read(2).  A thread
	 * serving a request is left alone (a signal could cut short what it
	 * does); it stops before it reads again.
	 */
	do {
		waiting = false;
		for (unsigned int i = 0; i < all->n; i++) {
			struct worker *w = &all->w[i];

			if (!w->started ||
			    __atomic_load_n(&w->done, __ATOMIC_SEQ_CST))
				continue;
			waiting = true;
			if (__atomic_load_n(&w->in_read, __ATOMIC_SEQ_CST))
				pthread_kill(w->thread, WAKE_SIGNAL);
		}
		if (waiting)
			nanosleep(&tick, NULL);
	} while (waiting);
	for (unsigned int i = 0; i < all->n; i++) {
		struct worker *w = &all->w[i];

		if (w->started)
			pthread_join(w->thread, NULL);
		if (w->own_fd)
			close(w->fd);
		free(w->buf);
	}
	unmounted = all->unmounted;
	free(all);
	return unmounted;
}
