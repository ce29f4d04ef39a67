// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Change notification: inotify for the paths, poll(POLLPRI) on
 * /proc/self/mountinfo for the mount table (ip-netns names a namespace
 * by a bind mount, which no directory event shows), and a generation
 * number that moves on at every change.
 *
 * The watches are placed again after every batch of events: a file
 * replaced by a rename is a new inode, and a directory removed and made
 * anew is another one.  Our own reads and opens cause no event in the
 * masks below, so serving requests never moves the generation.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "watch-int.h"

int rcfs_watch_new(struct rcfs_watch **ret)
{
	struct rcfs_watch *w = calloc(1, sizeof(*w));

	if (!w)
		return -ENOMEM;
	atomic_init(&w->gen, 1);
	atomic_init(&w->trusted, false);
	atomic_init(&w->busy, false);
	w->ifd = w->mfd = w->stop[0] = w->stop[1] = -1;
	*ret = w;
	return 0;
}

void rcfs_watch_free(struct rcfs_watch *w)
{
	if (!w)
		return;
	if (w->running) {
		char c = 0;

		if (write(w->stop[1], &c, 1) == 1)
			pthread_join(w->thread, NULL);
	}
	if (w->ifd >= 0)
		close(w->ifd);
	if (w->mfd >= 0)
		close(w->mfd);
	if (w->stop[0] >= 0)
		close(w->stop[0]);
	if (w->stop[1] >= 0)
		close(w->stop[1]);
	for (size_t i = 0; i < w->n; i++)
		free(w->items[i].path);
	free(w);
}

static int add_item(struct rcfs_watch *w, const char *path,
		    enum item_kind kind)
{
	struct item *it;

	if (w->n == WATCH_MAX_ITEMS)
		return -E2BIG;
	it = &w->items[w->n];
	it->path = strdup(path);
	if (!it->path)
		return -ENOMEM;
	/* "/run/netns/" has the parent "/run" */
	for (size_t n = strlen(it->path); n > 1 && it->path[n - 1] == '/'; n--)
		it->path[n - 1] = '\0';
	it->kind = kind;
	it->wd = -1;
	w->n++;
	return 0;
}

int rcfs_watch_dir(struct rcfs_watch *w, const char *path, bool subdirs)
{
	return add_item(w, path, subdirs ? ITEM_TREE : ITEM_DIR);
}

int rcfs_watch_file(struct rcfs_watch *w, const char *path)
{
	return add_item(w, path, ITEM_FILE);
}

int rcfs_watch_inode(struct rcfs_watch *w, const char *path)
{
	return add_item(w, path, ITEM_INODE);
}

uint64_t rcfs_watch_gen(struct rcfs_watch *w)
{
	uint64_t gen;
	bool busy;

	if (!w)
		return 0;
	/*
	 * Busy before the generation: the thread is busy from before it
	 * reads an event until after the generation has moved on, so an
	 * event read before this call shows as busy or as a moved
	 * generation.  (The caller tap relies on it: it reports events
	 * not read yet, and only those.)
	 */
	busy = atomic_load(&w->busy);
	/*
	 * The generation first: the thread makes trusted false before it
	 * moves the generation on, so whoever reads the moved generation
	 * then reads trusted false too.  (The other order could pair the
	 * trusted of before a lost watch with the generation of after it.)
	 */
	gen = atomic_load(&w->gen);
	if (busy || !atomic_load_explicit(&w->trusted, memory_order_acquire))
		return 0;
	return gen;
}

int rcfs_watch_fd(const struct rcfs_watch *w)
{
	return w ? w->ifd : -1;
}

bool rcfs_watch_queued(const struct rcfs_watch *w)
{
	int n;

	if (!w || w->ifd < 0)
		return false;
	return ioctl(w->ifd, FIONREAD, &n) < 0 || n > 0;
}

void rcfs_watch_touch(struct rcfs_watch *w)
{
	if (w)
		atomic_fetch_add_explicit(&w->gen, 1, memory_order_acq_rel);
}

/* Read the pending events.  Returns false if some may have been lost;
 * *CHANGED tells whether any may change what is served. */
static bool drain(struct rcfs_watch *w, bool *rescan, bool *changed)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool ok = true;
	ssize_t len;

	while ((len = read(w->ifd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + len;) {
			const struct inotify_event *ev = (const void *)p;

			if (ev->mask & IN_Q_OVERFLOW)
				*rescan = true;
			else
				ok &= rcfs_watch_arm_new_subdir(w, ev);
			*changed |= rcfs_watch_relevant(w, ev);
			p += sizeof(*ev) + ev->len;
		}
	}
	return ok;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds until the next look without an event: the refresh, or
 * while not every watch could be placed, a second (to try again). */
static int64_t period(struct rcfs_watch *w)
{
	return atomic_load(&w->trusted) ? RCFS_WATCH_REFRESH_MS : 1000;
}

static void *watch_thread(void *data)
{
	struct rcfs_watch *w = data;
	struct pollfd p[3] = {
		{ .fd = w->ifd, .events = POLLIN },
		{ .fd = w->mfd, .events = POLLPRI },
		{ .fd = w->stop[0], .events = POLLIN },
	};
	int64_t due;

	/*
	 * Until this thread has read an event, requests get what was found
	 * before the change: let it run before busy request threads.
	 * (Linux: PRIO_PROCESS 0 is the calling thread.)  As root only.
	 */
	(void)setpriority(PRIO_PROCESS, 0, -10);

	/* the next look without an event: counted from the last one, not
	 * from the last wake-up, or a busy neighbour file would put it off
	 * for ever */
	due = now_ms() + period(w);
	for (;;) {
		bool trusted = atomic_load(&w->trusted), rescan = false;
		bool changed, expired, ok;
		int64_t left = due - now_ms();
		int n = poll(p, 3, left > 0 ? (int)left : 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || (p[2].revents & POLLIN))
			break;
		/* not every watch could be placed: try again; or what no
		 * event shows (a hard link written elsewhere, a network file
		 * system) is looked up again now and then */
		expired = now_ms() >= due;
		if (expired && !trusted)
			rescan = true;
		if (n > 0 && (p[1].revents & (POLLPRI | POLLERR)))
			rescan = true;	/* a mount may hide a watched inode */
		ok = true;
		changed = rescan || !trusted || expired;
		if (n > 0 && (p[0].revents & POLLIN)) {
			atomic_store(&w->busy, true);
			ok = drain(w, &rescan, &changed);
		}
		if (!changed) {
			atomic_store(&w->busy, false);
			continue;	/* another file in a watched directory */
		}
		ok &= rcfs_watch_arm_all(w, rescan);
		if (!ok)
			atomic_store(&w->trusted, false);
		if (w->on_change)
			w->on_change(w->data);
		rcfs_watch_touch(w);
		atomic_store(&w->busy, false);
		if (ok)
			atomic_store(&w->trusted, true);
		due = now_ms() + period(w);
	}
	atomic_store(&w->trusted, false);
	return NULL;
}

int rcfs_watch_start(struct rcfs_watch *w, void (*on_change)(void *data),
		     void *data)
{
	int r;

	w->on_change = on_change;
	w->data = data;
	w->ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (w->ifd < 0)
		return -errno;
	if (pipe2(w->stop, O_CLOEXEC) < 0)
		return -errno;
	/* without it, a name given by a bind mount alone would go unseen */
	w->mfd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	if (w->mfd < 0)
		return -errno;
	atomic_store(&w->trusted, rcfs_watch_arm_all(w, true));
	r = pthread_create(&w->thread, NULL, watch_thread, w);
	if (r) {
		atomic_store(&w->trusted, false);
		return -r;
	}
	w->running = true;
	return 0;
}
