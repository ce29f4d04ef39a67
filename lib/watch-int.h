/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RCFS_WATCH_INT_H
#define RCFS_WATCH_INT_H

/*
 * What lib/watch.c (the thread and the generation) and lib/watcharm.c
 * (placing the watches, and what an event is about) share.  Private to
 * the two.
 */
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/inotify.h>

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

/* Place every item's watches (RESCAN: a tree's subdirectories too), and
 * note what each watch is for.  Returns whether every change is seen. */
bool rcfs_watch_arm_all(struct rcfs_watch *w, bool rescan);
/* Whether EV may change what is served: anything but another entry of a
 * directory watched for one entry only. */
bool rcfs_watch_relevant(const struct rcfs_watch *w,
			 const struct inotify_event *ev);
/* A subdirectory made in a tree item's directory: watch it before the
 * generation moves on.  Returns false if that failed. */
bool rcfs_watch_arm_new_subdir(struct rcfs_watch *w,
			       const struct inotify_event *ev);

#endif
