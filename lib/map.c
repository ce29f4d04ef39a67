// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The mapping rule: network namespace -> key -> backing file; see map.h.
 * Written once, here; the daemon and netnsctl both call it.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "map-int.h"
#include "util.h"

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

int rcfs_map_entry(const struct rcfs_map *m, const char *name,
		   struct rcfs_target *ret)
{
	const struct rcfs_settings *s = m->settings;
	char path[PATH_MAX];
	struct stat st;
	int n;

	memset(ret, 0, sizeof(*ret));
	ret->kind = RCFS_TARGET_KEY;
	n = snprintf(ret->rel, sizeof(ret->rel),
		     s->layout == RCFS_LAYOUT_DIR ? "%s/%s" : "%s", name,
		     m->basename);
	if (n < 0 || (size_t)n >= sizeof(ret->rel) ||
	    rcfs_backing_key(s, m->basename, ret->rel, ret->key,
			     sizeof(ret->key)) < 0 || !rcfs_is_number(ret->key))
		return 0;
	/* digits in the netns directory are a name, not an inode */
	n = snprintf(path, sizeof(path), "%s/%s", s->netns_dir, ret->key);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	if (lstat(path, &st) == 0)
		return 0;
	ret->ino = (ino_t)strtoumax(ret->key, NULL, 10);
	return 1;
}

int rcfs_map_open(struct rcfs_map **ret, const struct rcfs_settings *s)
{
	struct rcfs_map *m;
	struct stat st;
	int r;

	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
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
	*ret = m;
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
	if (!m)
		return;
	if (m->procfd >= 0)
		close(m->procfd);
	if (m->backing_fd >= 0)
		close(m->backing_fd);
	rcfs_names_free(m->names);
	pthread_mutex_destroy(&m->reopen_lock);
	free(m);
}

int rcfs_map_procfd(const struct rcfs_map *m)
{
	return m->procfd;
}

int rcfs_map_backing_fd(const struct rcfs_map *m)
{
	return m->backing_fd;
}

struct rcfs_names *rcfs_map_names(const struct rcfs_map *m)
{
	return m->names;
}

ino_t rcfs_map_host_ino(const struct rcfs_map *m)
{
	return m->host_ino;
}

const char *rcfs_map_host_source(const struct rcfs_map *m)
{
	return m->host_source;
}

const char *rcfs_map_basename(const struct rcfs_map *m)
{
	return m->basename;
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
	r = rcfs_names_key(m->names, ino, ret->key, sizeof(ret->key));
	if (r < 0)
		return r;
	ret->named = r > 0;
	return rcfs_backing_rel(m->settings, m->basename, ret->key, ret->rel,
				sizeof(ret->rel));
}

void rcfs_map_set_host(struct rcfs_map *m, ino_t ino, const char *source)
{
	if (ino)
		m->host_ino = ino;
	m->host_source = source;
}
