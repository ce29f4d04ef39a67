// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Placing the watches, and telling which events matter; see watch-int.h.
 *
 * A path that does not exist yet is watched through its nearest
 * existing ancestor, a file through the directories of every symlink on
 * the way to it, and a watched directory through its parent too (a
 * directory held open sends no IN_DELETE_SELF when it is removed).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "watch-int.h"


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

bool rcfs_watch_arm_all(struct rcfs_watch *w, bool rescan)
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
bool rcfs_watch_relevant(const struct rcfs_watch *w, const struct inotify_event *ev)
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
bool rcfs_watch_arm_new_subdir(struct rcfs_watch *w,
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
