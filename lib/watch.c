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
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "watch.h"

#define WATCH_MAX_ITEMS	8

/* a directory's entries, and the directory itself going away */
#define DIR_MASK	(IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | \
			 IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | \
			 IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)
/* a file written, truncated, chmod-ed, unlinked or renamed over */
#define FILE_MASK	(IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | \
			 IN_DELETE_SELF | IN_MOVE_SELF)
/* an ancestor of a path that does not exist yet, or the parent of a
 * watched directory: its entries made, removed or renamed */
#define ANCESTOR_MASK	(IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | \
			 IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

enum item_kind {
	ITEM_DIR,
	ITEM_TREE,	/* a directory and its subdirectories */
	ITEM_FILE,
	ITEM_INODE,
};

struct item {
	char *path;
	enum item_kind kind;
	int wd;		/* ITEM_TREE: the directory's own watch, or -1 */
};

/* A watch placed for one entry of a directory only: events on other
 * entries of it do not matter (the default file's directory is /etc). */
struct context {
	int wd;
	char name[NAME_MAX + 1];
};

#define WATCH_MAX_ROLES	64

struct rcfs_watch {
	_Atomic uint64_t gen;
	atomic_bool trusted;
	/* events are being read: what was kept may be out of date */
	atomic_bool busy;
	int ifd;		/* inotify */
	int mfd;		/* /proc/self/mountinfo */
	int stop[2];		/* a pipe: rcfs_watch_free() wakes the thread */
	struct item items[WATCH_MAX_ITEMS];
	size_t n;
	void (*on_change)(void *data);
	void *data;
	pthread_t thread;
	bool running;
	/* what the watches are for, as of the last arm_all(); a wd in
	 * neither table (an old inode's, a subdirectory's) always counts */
	int own[WATCH_MAX_ROLES];
	size_t n_own;
	struct context ctx[WATCH_MAX_ROLES];
	size_t n_ctx;
	bool roles_full;
};

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

/* The directory part of PATH ("/" for "/x", "." for "x"), in BUF. */
static void dir_of(const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');
	size_t n;

	if (!slash) {
		snprintf(buf, len, ".");
		return;
	}
	n = slash == path ? 1 : (size_t)(slash - path);
	if (n >= len)
		n = len - 1;
	memcpy(buf, path, n);
	buf[n] = '\0';
}

static void role_own(struct rcfs_watch *w, int wd)
{
	if (w->n_own < WATCH_MAX_ROLES)
		w->own[w->n_own++] = wd;
	else
		w->roles_full = true;
}

static void role_context(struct rcfs_watch *w, int wd, const char *name)
{
	struct context *c;

	if (w->n_ctx == WATCH_MAX_ROLES || strlen(name) > NAME_MAX) {
		w->roles_full = true;
		return;
	}
	c = &w->ctx[w->n_ctx++];
	c->wd = wd;
	strcpy(c->name, name);
}

static const char *base_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/*
 * Watch PATH with MASK, for all its events or, with ENTRY, for those of
 * that entry of it only.  If PATH does not exist, watch its nearest
 * existing ancestor for the creation that will make it exist.  Masks
 * are added to what a watch has (one directory may serve several
 * items).  Returns the wd of PATH itself, -2 when an ancestor stands in,
 * or -1 on failure.
 */
static int arm_path(struct rcfs_watch *w, const char *path, uint32_t mask,
		    const char *entry)
{
	char buf[PATH_MAX], below[NAME_MAX + 1];
	int wd;

	wd = inotify_add_watch(w->ifd, path, mask | IN_MASK_ADD);
	if (wd >= 0) {
		if (entry)
			role_context(w, wd, entry);
		else
			role_own(w, wd);
		return wd;
	}
	if (errno != ENOENT && errno != ENOTDIR)
		return -1;
	snprintf(buf, sizeof(buf), "%s", path);
	while (strcmp(buf, "/") && strcmp(buf, ".")) {
		char up[PATH_MAX];

		if (strlen(base_of(buf)) > NAME_MAX)
			return -1;
		strcpy(below, base_of(buf));
		dir_of(buf, up, sizeof(up));
		memcpy(buf, up, sizeof(buf));
		wd = inotify_add_watch(w->ifd, buf, ANCESTOR_MASK | IN_MASK_ADD);
		if (wd >= 0) {
			role_context(w, wd, below);
			return -2;
		}
		if (errno != ENOENT && errno != ENOTDIR)
			return -1;
	}
	return -1;
}

/*
 * A file by path: the directory of the path and of every symlink on the
 * way to the file (each may be replaced, removed or made anew), then the
 * file itself when it exists.
 */
static bool arm_file(struct rcfs_watch *w, const char *path)
{
	char cur[PATH_MAX], dir[PATH_MAX], up[PATH_MAX], link[PATH_MAX];
	int hops, wd;

	snprintf(cur, sizeof(cur), "%s", path);
	for (hops = 0; hops < 16; hops++) {
		struct stat st;
		ssize_t n;

		dir_of(cur, dir, sizeof(dir));
		if (arm_path(w, dir, DIR_MASK, base_of(cur)) == -1)
			return false;
		/* the directory may be held open (by our own readers) and
		 * then sends no IN_DELETE_SELF: its parent tells */
		dir_of(dir, up, sizeof(up));
		if (strcmp(up, dir) &&
		    arm_path(w, up, ANCESTOR_MASK, base_of(dir)) == -1)
			return false;
		if (lstat(cur, &st) < 0 || !S_ISLNK(st.st_mode))
			break;
		n = readlink(cur, link, sizeof(link) - 1);
		if (n < 0)
			break;
		link[n] = '\0';
		if (link[0] == '/')
			snprintf(cur, sizeof(cur), "%s", link);
		else if (snprintf(cur, sizeof(cur), "%s/%s", dir, link) >=
			 (int)sizeof(cur))
			return false;
	}
	/* missing is fine: a directory watched above shows it coming */
	wd = inotify_add_watch(w->ifd, path, FILE_MASK | IN_MASK_ADD);
	if (wd >= 0)
		role_own(w, wd);
	else if (errno != ENOENT && errno != ELOOP)
		return false;
	return true;
}

/* Every subdirectory of a tree item: each holds one namespace's file. */
static bool arm_subdirs(int ifd, const char *path)
{
	struct dirent *de;
	bool ok = true;
	DIR *d;

	d = opendir(path);
	if (!d)
		return errno == ENOENT;	/* the ancestor's watch sees it come */
	while ((de = readdir(d))) {
		char sub[PATH_MAX];

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN))
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name) >=
		    (int)sizeof(sub))
			continue;
		if (inotify_add_watch(ifd, sub, DIR_MASK | IN_DONT_FOLLOW |
				      IN_MASK_ADD) < 0 &&
		    errno != ENOENT && errno != ENOTDIR) {
			ok = false;
			break;
		}
	}
	closedir(d);
	return ok;
}

/* Place ITEM's watches.  Returns whether every change to it is seen. */
static bool arm_item(struct rcfs_watch *w, struct item *it, bool rescan)
{
	char parent[PATH_MAX];
	int wd;

	switch (it->kind) {
	case ITEM_DIR:
	case ITEM_TREE:
		/*
		 * Its parent too: a directory still open somewhere (the
		 * daemon holds the backing directory) sends no IN_DELETE_SELF
		 * when removed, so only the parent tells.
		 */
		dir_of(it->path, parent, sizeof(parent));
		if (strcmp(parent, it->path) &&
		    arm_path(w, parent, ANCESTOR_MASK, base_of(it->path)) == -1)
			return false;
		wd = arm_path(w, it->path, DIR_MASK, NULL);
		if (wd == -1)
			return false;
		if (it->kind == ITEM_DIR)
			return true;
		/* a directory made anew has subdirectories nobody watches */
		if (wd != it->wd)
			rescan = true;
		it->wd = wd;
		return wd < 0 || !rescan || arm_subdirs(w->ifd, it->path);
	case ITEM_FILE:
		return arm_file(w, it->path);
	case ITEM_INODE:
		wd = inotify_add_watch(w->ifd, it->path,
				       FILE_MASK | IN_MASK_ADD);
		if (wd >= 0)
			role_own(w, wd);
		return wd >= 0;
	}
	return false;
}

static bool arm_all(struct rcfs_watch *w, bool rescan)
{
	bool ok = true;

	w->n_own = w->n_ctx = 0;
	w->roles_full = false;
	for (size_t i = 0; i < w->n; i++)
		ok &= arm_item(w, &w->items[i], rescan);
	return ok;
}

/* Whether EV may change what is served: anything but another entry of a
 * directory watched for one entry only. */
static bool relevant(const struct rcfs_watch *w, const struct inotify_event *ev)
{
	bool context = false;

	if (w->roles_full || (ev->mask & (IN_Q_OVERFLOW | IN_IGNORED |
					  IN_DELETE_SELF | IN_MOVE_SELF)) ||
	    !ev->len)
		return true;
	for (size_t i = 0; i < w->n_own; i++)
		if (w->own[i] == ev->wd)
			return true;
	for (size_t i = 0; i < w->n_ctx; i++) {
		if (w->ctx[i].wd != ev->wd)
			continue;
		if (!strcmp(w->ctx[i].name, ev->name))
			return true;
		context = true;
	}
	return !context;
}

/* A subdirectory made in a tree item's directory: watch it before the
 * generation moves on, so that nothing written in it goes unseen. */
static bool arm_new_subdir(struct rcfs_watch *w,
			   const struct inotify_event *ev)
{
	char sub[PATH_MAX];

	if (!(ev->mask & IN_ISDIR) || !(ev->mask & (IN_CREATE | IN_MOVED_TO)) ||
	    !ev->len)
		return true;
	for (size_t i = 0; i < w->n; i++) {
		const struct item *it = &w->items[i];

		if (it->kind != ITEM_TREE || it->wd != ev->wd)
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%s", it->path, ev->name) >=
		    (int)sizeof(sub))
			return true;
		if (inotify_add_watch(w->ifd, sub, DIR_MASK | IN_DONT_FOLLOW |
				      IN_MASK_ADD) < 0 &&
		    errno != ENOENT && errno != ENOTDIR)
			return false;
	}
	return true;
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
				ok &= arm_new_subdir(w, ev);
			*changed |= relevant(w, ev);
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
		ok &= arm_all(w, rescan);
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
	atomic_store(&w->trusted, arm_all(w, true));
	r = pthread_create(&w->thread, NULL, watch_thread, w);
	if (r) {
		atomic_store(&w->trusted, false);
		return -r;
	}
	w->running = true;
	return 0;
}
