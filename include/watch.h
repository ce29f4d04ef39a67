/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RCFS_WATCH_H
#define RCFS_WATCH_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Change notification for the files a daemon serves from: directories
 * and files watched with inotify, and the mount table.  One thread reads
 * the events and counts them in a generation number, so that whatever a
 * request computed at generation G stays true while the generation is G.
 *
 * A path that does not exist yet is covered by a watch on its nearest
 * existing ancestor.  While any watch cannot be placed (no inotify
 * watches left, say), the generation reads as 0: nothing may be taken
 * from a cache then.
 */
struct rcfs_watch;

/* The generation also moves after this long without an event, so that a
 * change no event shows (a hard link written elsewhere, a network file
 * system changed by another host) is seen within that time. */
#define RCFS_WATCH_REFRESH_MS	5000

/* Returns 0 or -errno. */
int rcfs_watch_new(struct rcfs_watch **ret);
/* Stops the thread; accepts NULL. */
void rcfs_watch_free(struct rcfs_watch *w);

/*
 * What to watch, before rcfs_watch_start():
 *   rcfs_watch_dir:   a directory's entries (created, removed, renamed,
 *                     written, attributes changed), and with SUBDIRS the
 *                     entries of each of its subdirectories too;
 *   rcfs_watch_file:  a file by path, symlinks followed, and the
 *                     directories that hold it (it may be replaced by a
 *                     rename, or not exist yet);
 *   rcfs_watch_inode: the file PATH leads to now and nothing else (a
 *                     /proc/self/fd/N that stays open).
 * Return 0, -ENOMEM, or -E2BIG when too many paths are given.
 */
int rcfs_watch_dir(struct rcfs_watch *w, const char *path, bool subdirs);
int rcfs_watch_file(struct rcfs_watch *w, const char *path);
int rcfs_watch_inode(struct rcfs_watch *w, const char *path);

/*
 * Place the watches and start the thread (after any fork).  ON_CHANGE,
 * if not NULL, is called from that thread after each batch of events,
 * before the generation moves on.  Returns 0 or -errno.
 */
int rcfs_watch_start(struct rcfs_watch *w, void (*on_change)(void *data),
		     void *data);

/* The generation: 0 while changes could go unseen, or are being read
 * (or W is NULL). */
uint64_t rcfs_watch_gen(struct rcfs_watch *w);
/* The inotify descriptor, for the caller tap to recognise; -1 when W is
 * NULL or not started. */
int rcfs_watch_fd(const struct rcfs_watch *w);
/* Whether events wait to be read (one system call; true if it fails):
 * a change they report has not moved the generation yet.  False when W
 * is NULL. */
bool rcfs_watch_queued(const struct rcfs_watch *w);
/* A change the caller made itself: move the generation on now rather
 * than when the event is read.  Async-signal-safe; accepts NULL. */
void rcfs_watch_touch(struct rcfs_watch *w);

#endif
