// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The mapping rule: caller thread -> network namespace -> key -> file.
 * Written once, here; the daemon and netnsctl both call it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "netns.h"
#include "paths.h"
#include "watch.h"

bool rcfs_name_is_safe(const char *name)
{
	size_t len;

	if (!name || !*name || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (len = 0; name[len]; len++) {
		unsigned char c = (unsigned char)name[len];

		if (c == '/' || c < 0x20 || c == 0x7f)
			return false;
	}
	/* Room for ".EXT" (or a separate BASENAME in the dir layout) and
	 * for the temporary names of an atomic replace, which must not be
	 * mistaken for a namespace's file. */
	return len <= NAME_MAX - 32 && !strstr(name, RCFS_TMP_INFIX);
}

void *rcfs_netns_table_new(size_t head, size_t nslots, size_t size)
{
	size_t n = 1;
	void *t;

	while (n < nslots)
		n <<= 1;
	t = calloc(1, head + n * size);
	if (t)
		*(size_t *)t = n - 1;
	return t;
}

void rcfs_netns_tid_rel(char *buf, pid_t tid)
{
	static const char tail[] = "/ns/net";
	char digits[16];
	unsigned int v = (unsigned int)tid;
	size_t n = 0;

	/* by hand: snprintf() costs more than the rest of a kept answer */
	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*buf++ = digits[--n];
	memcpy(buf, tail, sizeof(tail));
}

bool rcfs_netns_parse_link(const char *text, ino_t *ret_ino)
{
	unsigned long long ino;
	char *end;

	if (strncmp(text, "net:[", 5) || text[5] < '0' || text[5] > '9')
		return false;
	errno = 0;
	ino = strtoull(text + 5, &end, 10);
	if (errno || strcmp(end, "]"))
		return false;
	*ret_ino = (ino_t)ino;
	return true;
}

int rcfs_netns_of_tid(int procfd, pid_t tid, ino_t *ret_ino)
{
	char rel[RCFS_TID_REL_MAX], link[64];
	struct stat st;
	ssize_t n;

	/*
	 * readlink() of the link ("net:[4026531840]") names the inode
	 * without opening the namespace: half the cost of a stat() through
	 * the link, and this runs for every request.
	 */
	rcfs_netns_tid_rel(rel, tid);
	n = readlinkat(procfd, rel, link, sizeof(link) - 1);
	if (n < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	link[n] = '\0';
	if (rcfs_netns_parse_link(link, ret_ino))
		return 0;
	/* a form this code does not know: ask the inode itself */
	if (fstatat(procfd, rel, &st, 0) < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	*ret_ino = st.st_ino;
	return 0;
}

/* The device of nsfs, to tell a bound /run/netns entry from the empty
 * file ip-netns creates before binding onto it. */
static int nsfs_dev(dev_t *ret)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st) < 0)
		return -errno;
	*ret = st.st_dev;
	return 0;
}

int rcfs_netns_of_path(const char *path, ino_t *ret_ino)
{
	struct stat st;
	dev_t dev = 0;
	int r;

	r = nsfs_dev(&dev);
	if (r < 0)
		return r;
	if (stat(path, &st) < 0)
		return -errno;
	if (st.st_dev != dev)
		return -EINVAL;
	*ret_ino = st.st_ino;
	return 0;
}

/* ---- the inode -> name map ------------------------------------------ */

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
	r = nsfs_dev(&n->nsfs);
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

	r = nsfs_dev(&nsfs);
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

/* ---- the map --------------------------------------------------------- */

int rcfs_backing_rel(const struct rcfs_settings *s, const char *basename,
		     const char *key, char *buf, size_t len)
{
	int n;

	if (!rcfs_name_is_safe(key))
		return -EINVAL;
	if (s->layout == RCFS_LAYOUT_DIR)
		n = snprintf(buf, len, "%s/%s", key, basename);
	else if (s->extension && *s->extension)
		n = snprintf(buf, len, "%s.%s", key, s->extension);
	else
		n = snprintf(buf, len, "%s", key);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

int rcfs_backing_key(const struct rcfs_settings *s, const char *basename,
		     const char *rel, char *buf, size_t len)
{
	size_t klen;
	const char *slash = strchr(rel, '/');

	if (s->layout == RCFS_LAYOUT_DIR) {
		if (!slash || strcmp(slash + 1, basename))
			return -EINVAL;
		klen = (size_t)(slash - rel);
	} else {
		size_t elen = s->extension ? strlen(s->extension) : 0;

		if (slash)
			return -EINVAL;
		klen = strlen(rel);
		if (elen) {
			if (klen <= elen + 1 || rel[klen - elen - 1] != '.' ||
			    strcmp(rel + klen - elen, s->extension))
				return -EINVAL;
			klen -= elen + 1;
		}
	}
	if (klen >= len)
		return -ENAMETOOLONG;
	memcpy(buf, rel, klen);
	buf[klen] = '\0';
	return rcfs_name_is_safe(buf) ? 0 : -EINVAL;
}

int rcfs_map_open(struct rcfs_map *m, const struct rcfs_settings *s)
{
	struct stat st;
	int r;

	memset(m, 0, sizeof(*m));
	pthread_mutex_init(&m->reopen_lock, NULL);
	m->procfd = m->backing_fd = -1;
	m->settings = s;
	m->basename = s->mountpoint ? strrchr(s->mountpoint, '/') : NULL;
	m->basename = m->basename ? m->basename + 1 : (s->mountpoint ?
		      s->mountpoint : "resolv.conf");

	m->procfd = open(s->procfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (m->procfd < 0)
		goto fail;
	if (s->backing_dir) {
		m->backing_fd = open(s->backing_dir,
				     O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (m->backing_fd < 0)
			goto fail;
	}
	if (fstatat(m->procfd, "self/ns/net", &st, 0) < 0)
		goto fail;
	m->host_ino = st.st_ino;
	r = rcfs_names_new(s->netns_dir, &m->names);
	if (r < 0) {
		errno = -r;
		goto fail;
	}
	return 0;
fail:
	r = -errno;
	rcfs_map_close(m);
	return r;
}

int rcfs_map_reopen_backing(struct rcfs_map *m, bool by_path)
{
	struct stat held, now;
	int fd = -1, r = 0;

	if (m->backing_fd < 0)
		return 0;
	/* checks and swap as one: two threads could otherwise each open a
	 * different directory at the path, and the older one win */
	pthread_mutex_lock(&m->reopen_lock);
	if (fstat(m->backing_fd, &held) < 0 || (held.st_nlink > 0 && !by_path))
		goto out;
	fd = open(m->settings->backing_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		/* renamed away, nothing in its place yet: keep it */
		r = held.st_nlink > 0 ? 0 : -errno;
		goto out;
	}
	if (fstat(fd, &now) < 0 ||
	    (now.st_dev == held.st_dev && now.st_ino == held.st_ino))
		goto out;
	/* dup3 replaces the descriptor atomically; closing it and opening
	 * anew would let another thread's openat() use a recycled number */
	/* odd while it happens: a lookup then cannot tell which it used */
	atomic_fetch_add(&m->backing_gen, 1);
	r = dup3(fd, m->backing_fd, O_CLOEXEC) < 0 ? -errno :
	    held.st_nlink > 0 ? 2 : 1;
	atomic_fetch_add(&m->backing_gen, 1);
out:
	pthread_mutex_unlock(&m->reopen_lock);
	if (fd >= 0)
		close(fd);
	return r;
}

unsigned int rcfs_map_backing_gen(struct rcfs_map *m)
{
	return atomic_load(&m->backing_gen);
}

void rcfs_map_close(struct rcfs_map *m)
{
	/* never opened (a zeroed map), or closed already */
	if (!m->settings)
		return;
	if (m->procfd >= 0)
		close(m->procfd);
	if (m->backing_fd >= 0)
		close(m->backing_fd);
	rcfs_names_free(m->names);
	m->procfd = m->backing_fd = -1;
	m->names = NULL;
	m->settings = NULL;
	pthread_mutex_destroy(&m->reopen_lock);
}

int rcfs_map_ino(struct rcfs_map *m, ino_t ino, struct rcfs_target *ret)
{
	int r;

	ret->ino = ino;
	ret->named = false;
	ret->key[0] = ret->rel[0] = '\0';
	if (!m->settings->map_host && ino == m->host_ino) {
		ret->kind = RCFS_TARGET_HOST;
		return 0;
	}
	ret->kind = RCFS_TARGET_KEY;
	r = rcfs_names_lookup(m->names, ino, ret->key, sizeof(ret->key));
	if (r < 0)
		return r;
	if (r > 0)
		ret->named = true;
	else
		snprintf(ret->key, sizeof(ret->key), "%ju", (uintmax_t)ino);
	return rcfs_backing_rel(m->settings, m->basename, ret->key, ret->rel,
				sizeof(ret->rel));
}

int rcfs_map_tid(struct rcfs_map *m, pid_t tid, struct rcfs_target *ret)
{
	ino_t ino;
	int r;

	r = rcfs_netns_of_tid(m->procfd, tid, &ino);
	if (r < 0)
		return r;
	return rcfs_map_ino(m, ino, ret);
}
