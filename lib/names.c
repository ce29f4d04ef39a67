// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The inode -> name map of a netns directory (ip-netns's names): the
 * mapping rule's key step; see names.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "names.h"
#include "netns.h"
#include "watch.h"

struct name_entry {
	ino_t ino;
	char *name;
};

struct rcfs_names {
	char *dir;
	dev_t nsfs;
	pthread_rwlock_t lock;
	/* what the directory looked like when read */
	bool valid;
	struct stat dir_st;
	/* an entry was not yet bound: read again until this time */
	atomic_bool unsettled;
	struct timespec settle_until;
	struct name_entry *v;	/* sorted by ino, then name */
	size_t n;
	/* rcfs_names_set_watch(): the watch drops the map whenever the
	 * directory changes, so a name found in the map needs no stat */
	struct rcfs_watch *watch;
};

static int cmp_entry(const void *a, const void *b)
{
	const struct name_entry *x = a, *y = b;

	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void entries_free(struct name_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

struct scan_ctx {
	struct name_entry *v;
	size_t n, cap;
	bool unsettled;
};

static int entries_push(struct scan_ctx *c, const char *name, ino_t ino)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct name_entry *v = realloc(c->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n].ino = ino;
	c->v[c->n].name = strdup(name);
	if (!c->v[c->n].name)
		return -ENOMEM;
	c->n++;
	return 0;
}

/* Read DIR: every entry with its nsfs inode.  Entries that are not nsfs
 * (not bound yet) set UNSETTLED.  CB gets every entry. */
static int scan_dir(const char *dir, dev_t nsfs,
		    int (*cb)(const char *name, const struct stat *st,
			      bool is_ns, void *data),
		    void *data)
{
	DIR *d;
	struct dirent *de;
	int r = 0;

	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((errno = 0, de = readdir(d))) {
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;	/* removed meanwhile */
		r = cb(de->d_name, &st, st.st_dev == nsfs, data);
		if (r)
			break;
	}
	if (!r && errno)
		r = -errno;
	closedir(d);
	return r;
}

static int collect(const char *name, const struct stat *st, bool is_ns,
		   void *data)
{
	struct scan_ctx *c = data;

	if (!is_ns) {
		if (S_ISREG(st->st_mode))
			c->unsettled = true;
		return 0;
	}
	if (!rcfs_name_is_safe(name))
		return 0;
	return entries_push(c, name, st->st_ino);
}

static bool same_dir(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	       a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

static bool timespec_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* Whether the map must be read again; ST gets the directory's stat. */
static bool names_stale(struct rcfs_names *n, struct stat *st, bool *exists)
{
	*exists = stat(n->dir, st) == 0;
	if (!n->valid)
		return true;
	if (!*exists)
		return n->dir_st.st_ino != 0;
	if (!same_dir(st, &n->dir_st))
		return true;
	if (atomic_load(&n->unsettled)) {
		struct timespec now;

		clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
		return timespec_before(&now, &n->settle_until);
	}
	return false;
}

/* Called with the write lock held. */
static int names_reload(struct rcfs_names *n, const struct stat *st,
			bool exists)
{
	struct scan_ctx c = { 0 };
	size_t out = 0;
	int r;

	r = scan_dir(n->dir, n->nsfs, collect, &c);
	if (r < 0) {
		entries_free(c.v, c.n);
		return r;
	}
	/* one entry per inode: the first name in byte order (qsort's
	 * array may not be NULL, even when empty) */
	if (c.n > 1)
		qsort(c.v, c.n, sizeof(*c.v), cmp_entry);
	for (size_t i = 0; i < c.n; i++) {
		if (out && c.v[out - 1].ino == c.v[i].ino) {
			free(c.v[i].name);
			continue;
		}
		c.v[out++] = c.v[i];
	}
	entries_free(n->v, n->n);
	n->v = c.v;
	n->n = out;
	n->valid = true;
	if (exists)
		n->dir_st = *st;
	else
		memset(&n->dir_st, 0, sizeof(n->dir_st));
	/* ip-netns creates the file, then binds the namespace onto it: the
	 * bind changes nothing in the directory, so look again for a while. */
	atomic_store(&n->unsettled, c.unsettled);
	if (c.unsettled) {
		clock_gettime(CLOCK_MONOTONIC_COARSE, &n->settle_until);
		n->settle_until.tv_sec += 2;
	}
	return 0;
}

int rcfs_names_new(const char *netns_dir, struct rcfs_names **ret)
{
	struct rcfs_names *n;
	int r;

	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->dir = strdup(netns_dir);
	if (!n->dir) {
		free(n);
		return -ENOMEM;
	}
	r = rcfs_nsfs_dev(&n->nsfs);
	if (r < 0) {
		free(n->dir);
		free(n);
		return r;
	}
	pthread_rwlock_init(&n->lock, NULL);
	*ret = n;
	return 0;
}

void rcfs_names_set_watch(struct rcfs_names *n, struct rcfs_watch *w)
{
	n->watch = w;
	rcfs_names_invalidate(n);
}

bool rcfs_names_settled(struct rcfs_names *n)
{
	struct timespec now;
	bool settled;

	if (!atomic_load(&n->unsettled))
		return true;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
	pthread_rwlock_rdlock(&n->lock);
	settled = !timespec_before(&now, &n->settle_until);
	pthread_rwlock_unlock(&n->lock);
	return settled;
}

void rcfs_names_free(struct rcfs_names *n)
{
	if (!n)
		return;
	entries_free(n->v, n->n);
	pthread_rwlock_destroy(&n->lock);
	free(n->dir);
	free(n);
}

void rcfs_names_invalidate(struct rcfs_names *n)
{
	pthread_rwlock_wrlock(&n->lock);
	n->valid = false;
	pthread_rwlock_unlock(&n->lock);
}

static int names_find(const struct rcfs_names *n, ino_t ino, char *buf,
		      size_t len)
{
	size_t lo = 0, hi = n->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (n->v[mid].ino < ino)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == n->n || n->v[lo].ino != ino)
		return 0;
	if (strlen(n->v[lo].name) >= len)
		return -ENAMETOOLONG;
	strcpy(buf, n->v[lo].name);
	return 1;
}

int rcfs_names_lookup(struct rcfs_names *n, ino_t ino, char *buf, size_t len)
{
	struct stat st;
	bool exists;
	int r;

	pthread_rwlock_rdlock(&n->lock);
	/*
	 * Watched, a name in the map is current: the watcher drops the map
	 * at any change of the directory.  A miss may be a name given a
	 * moment ago, before the watcher ran, or one not bound yet: look at
	 * the directory then, as without a watcher.
	 */
	if (n->valid && rcfs_watch_gen(n->watch)) {
		r = names_find(n, ino, buf, len);
		if (r != 0) {
			pthread_rwlock_unlock(&n->lock);
			return r;
		}
	}
	if (!names_stale(n, &st, &exists)) {
		r = names_find(n, ino, buf, len);
		pthread_rwlock_unlock(&n->lock);
		return r;
	}
	pthread_rwlock_unlock(&n->lock);

	pthread_rwlock_wrlock(&n->lock);
	/* another thread may have read it meanwhile */
	if (names_stale(n, &st, &exists)) {
		r = names_reload(n, &st, exists);
		if (r < 0) {
			pthread_rwlock_unlock(&n->lock);
			return r;
		}
	}
	r = names_find(n, ino, buf, len);
	pthread_rwlock_unlock(&n->lock);
	return r;
}

static int collect_all(const char *name, const struct stat *st, bool is_ns,
		       void *data)
{
	struct scan_ctx *c = data;

	if (!is_ns)
		return 0;
	return entries_push(c, name, st->st_ino);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(((const struct name_entry *)a)->name,
		      ((const struct name_entry *)b)->name);
}

int rcfs_names_foreach(const char *netns_dir,
		       int (*fn)(const char *name, ino_t ino, bool safe,
				 void *data),
		       void *data)
{
	struct scan_ctx c = { 0 };
	dev_t nsfs = 0;
	int r;

	r = rcfs_nsfs_dev(&nsfs);
	if (r < 0)
		return r;
	r = scan_dir(netns_dir, nsfs, collect_all, &c);
	if (r == 0) {
		if (c.n > 1)
			qsort(c.v, c.n, sizeof(*c.v), cmp_name);
		for (size_t i = 0; i < c.n && !r; i++)
			r = fn(c.v[i].name, c.v[i].ino,
			       rcfs_name_is_safe(c.v[i].name), data);
	}
	entries_free(c.v, c.n);
	return r;
}

int rcfs_names_key(struct rcfs_names *n, ino_t ino, char *buf, size_t len)
{
	int r = rcfs_names_lookup(n, ino, buf, len);

	if (r != 0)
		return r;
	if ((size_t)snprintf(buf, len, "%ju", (uintmax_t)ino) >= len)
		return -ENAMETOOLONG;
	return 0;
}
