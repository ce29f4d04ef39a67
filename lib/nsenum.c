// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Namespace enumeration for netnsctl: named, and anonymous ones kept
 * alive by a process, a thread, a bind mount or an open descriptor
 * (util-linux lsns sees only those with a process).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mounts.h"
#include "names.h"
#include "netns.h"
#include "nsenum.h"
#include "util.h"

struct enum_ctx {
	struct rcfs_nslist *l;
	size_t cap;
	size_t last;		/* lookups come in runs of one inode */
	const char *procfs;
	const char *netns_dir;
	char mnt_prefix[PATH_MAX];	/* procfs/PID/root of a foreign mount ns */
};

static struct rcfs_ns *ns_get(struct enum_ctx *c, ino_t ino)
{
	struct rcfs_nslist *l = c->l;
	struct rcfs_ns *v;

	if (c->last < l->n && l->v[c->last].ino == ino)
		return &l->v[c->last];
	for (size_t i = 0; i < l->n; i++) {
		if (l->v[i].ino == ino) {
			c->last = i;
			return &l->v[i];
		}
	}
	if (l->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 32;

		v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return NULL;
		l->v = v;
		c->cap = cap;
	}
	v = &l->v[l->n];
	memset(v, 0, sizeof(*v));
	v->ino = ino;
	c->last = l->n++;
	return v;
}

__attribute__((format(printf, 2, 3)))
static int set_path(struct rcfs_ns *ns, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (ns->path)
		return 0;
	va_start(ap, fmt);
	n = vasprintf(&ns->path, fmt, ap);
	va_end(ap);
	if (n < 0) {
		ns->path = NULL;
		return -ENOMEM;
	}
	return 0;
}

static int add_name(const char *name, ino_t ino, bool safe, void *data)
{
	struct enum_ctx *c = data;
	struct rcfs_ns *ns = ns_get(c, ino);
	char **v;

	(void)safe;
	if (!ns)
		return -ENOMEM;
	v = realloc(ns->names, (ns->n_names + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	ns->names = v;
	v[ns->n_names] = strdup(name);
	if (!v[ns->n_names])
		return -ENOMEM;
	ns->n_names++;
	return set_path(ns, "%s/%s", c->netns_dir, name);
}

static void read_comm(int procfd, const char *pid, char *buf, size_t len)
{
	char rel[64];
	ssize_t n;
	int fd;

	buf[0] = '\0';
	snprintf(rel, sizeof(rel), "%.20s/comm", pid);
	fd = openat(procfd, rel, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/* The distinct mount namespaces, each with one process that is in it. */
struct mntns {
	ino_t ino;
	pid_t pid;
};

struct mntns_set {
	struct mntns *v;
	size_t n;
};

static int mntns_add(struct mntns_set *s, ino_t ino, pid_t pid)
{
	struct mntns *v;

	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].ino == ino)
			return 0;
	v = realloc(s->v, (s->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	s->v = v;
	v[s->n].ino = ino;
	v[s->n].pid = pid;
	s->n++;
	return 0;
}

/* Descriptors that refer to a network namespace: "net:[INO]". */
static int scan_fds(struct enum_ctx *c, int procfd, const char *pid)
{
	char rel[64];
	struct dirent *de;
	DIR *d;
	int fd, r = 0;

	snprintf(rel, sizeof(rel), "%.20s/fd", pid);
	fd = openat(procfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;	/* gone, or not ours to see */
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	while ((de = readdir(d)) && r == 0) {
		char link[64];
		uintmax_t ino;
		struct rcfs_ns *ns;
		ssize_t n;

		if (!rcfs_is_number(de->d_name))
			continue;
		n = readlinkat(dirfd(d), de->d_name, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (sscanf(link, "net:[%ju]", &ino) != 1)
			continue;
		ns = ns_get(c, (ino_t)ino);
		if (!ns) {
			r = -ENOMEM;
			break;
		}
		if (!ns->path && asprintf(&ns->path, "%s/%s/fd/%s", c->procfs,
					  pid, de->d_name) < 0) {
			ns->path = NULL;
			r = -ENOMEM;
		}
	}
	closedir(d);
	return r;
}

/* Every thread of process PID: count the process once per namespace. */
static int scan_process(struct enum_ctx *c, int procfd, const char *pid,
			struct mntns_set *mnts)
{
	char rel[PATH_MAX];
	ino_t seen[8];
	size_t n_seen = 0;
	struct dirent *de;
	struct stat st;
	DIR *d;
	int fd, r = 0;

	snprintf(rel, sizeof(rel), "%.20s/ns/mnt", pid);
	if (fstatat(procfd, rel, &st, 0) == 0) {
		r = mntns_add(mnts, st.st_ino, (pid_t)atoi(pid));
		if (r < 0)
			return r;
	}
	snprintf(rel, sizeof(rel), "%.20s/task", pid);
	fd = openat(procfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	while ((de = readdir(d)) && r == 0) {
		struct rcfs_ns *ns;
		bool dup = false;

		if (!rcfs_is_number(de->d_name))
			continue;
		if (rcfs_netns_link_path(rel, sizeof(rel), NULL, de->d_name) < 0 ||
		    fstatat(dirfd(d), rel, &st, 0) < 0)
			continue;
		for (size_t i = 0; i < n_seen; i++)
			dup |= seen[i] == st.st_ino;
		if (dup)
			continue;
		if (n_seen < sizeof(seen) / sizeof(*seen))
			seen[n_seen++] = st.st_ino;
		ns = ns_get(c, st.st_ino);
		if (!ns) {
			r = -ENOMEM;
			break;
		}
		ns->nprocs++;
		if (!ns->pid || atoi(pid) < ns->pid) {
			ns->pid = (pid_t)atoi(pid);
			read_comm(procfd, pid, ns->comm, sizeof(ns->comm));
		}
		if (!ns->path) {
			char who[64], link[PATH_MAX];

			/* the process's own link when the thread is it */
			if (strcmp(de->d_name, pid))
				snprintf(who, sizeof(who), "%.20s/task/%.20s",
					 pid, de->d_name);
			else
				snprintf(who, sizeof(who), "%.20s", pid);
			r = rcfs_netns_link_path(link, sizeof(link), c->procfs,
						 who);
			if (r == 0)
				r = set_path(ns, "%s", link);
		}
	}
	closedir(d);
	if (r == 0)
		r = scan_fds(c, procfd, pid);
	return r;
}

static int add_mount(const struct rcfs_mount *m, void *data)
{
	struct enum_ctx *c = data;
	struct rcfs_ns *ns;
	uintmax_t ino;

	if (strcmp(m->fstype, "nsfs") || sscanf(m->root, "net:[%ju]", &ino) != 1)
		return 0;
	ns = ns_get(c, (ino_t)ino);
	if (!ns)
		return -ENOMEM;
	return set_path(ns, "%s%s", c->mnt_prefix, m->mountpoint);
}

static int scan_mounts(struct enum_ctx *c, const struct mntns_set *mnts)
{
	struct stat self;
	char path[PATH_MAX];
	int r;

	if (stat("/proc/self/ns/mnt", &self) < 0)
		self.st_ino = 0;
	c->mnt_prefix[0] = '\0';
	r = rcfs_mounts_foreach(NULL, add_mount, c);
	if (r < 0)
		return r;
	for (size_t i = 0; i < mnts->n; i++) {
		if (mnts->v[i].ino == self.st_ino)
			continue;
		snprintf(c->mnt_prefix, sizeof(c->mnt_prefix), "%s/%d/root",
			 c->procfs, (int)mnts->v[i].pid);
		snprintf(path, sizeof(path), "%s/%d/mountinfo", c->procfs,
			 (int)mnts->v[i].pid);
		r = rcfs_mounts_foreach(path, add_mount, c);
		if (r < 0 && r != -ENOENT && r != -EACCES && r != -ESRCH)
			return r;
	}
	return 0;
}

static int scan_procs(struct enum_ctx *c)
{
	struct mntns_set mnts = { 0 };
	struct dirent *de;
	DIR *d;
	int r = 0;

	d = opendir(c->procfs);
	if (!d)
		return -errno;
	while ((de = readdir(d)) && r == 0)
		if (rcfs_is_number(de->d_name))
			r = scan_process(c, dirfd(d), de->d_name, &mnts);
	closedir(d);
	if (r == 0)
		r = scan_mounts(c, &mnts);
	free(mnts.v);
	return r;
}

static int cmp_ns(const void *a, const void *b)
{
	const struct rcfs_ns *x = a, *y = b;

	if (x->n_names && y->n_names)
		return strcmp(x->names[0], y->names[0]);
	if (x->n_names != y->n_names)
		return x->n_names ? -1 : 1;
	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

int rcfs_nsenum(const char *procfs, const char *netns_dir,
		struct rcfs_nslist *ret)
{
	struct enum_ctx c = {
		.l = ret, .procfs = procfs, .netns_dir = netns_dir,
	};
	int r;

	ret->v = NULL;
	ret->n = 0;
	r = rcfs_names_foreach(netns_dir, add_name, &c);
	if (r == 0)
		r = scan_procs(&c);
	if (r < 0) {
		rcfs_nslist_free(ret);
		return r;
	}
	qsort(ret->v, ret->n, sizeof(*ret->v), cmp_ns);
	return 0;
}

void rcfs_nslist_free(struct rcfs_nslist *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++) {
		for (size_t j = 0; j < l->v[i].n_names; j++)
			free(l->v[i].names[j]);
		free(l->v[i].names);
		free(l->v[i].path);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

const struct rcfs_ns *rcfs_nslist_find(const struct rcfs_nslist *l, ino_t ino)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].ino == ino)
			return &l->v[i];
	return NULL;
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return x < y ? -1 : x > y;
}

static bool process_in(int procfd, const char *pid, ino_t ino)
{
	char rel[64];
	struct dirent *de;
	struct stat st;
	bool found = false;
	DIR *d;
	int fd;

	snprintf(rel, sizeof(rel), "%.20s/task", pid);
	fd = openat(procfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return false;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return false;
	}
	while (!found && (de = readdir(d))) {
		if (!rcfs_is_number(de->d_name))
			continue;
		found = rcfs_netns_link_path(rel, sizeof(rel), NULL,
					     de->d_name) == 0 &&
			fstatat(dirfd(d), rel, &st, 0) == 0 && st.st_ino == ino;
	}
	closedir(d);
	return found;
}

int rcfs_ns_pids(const char *procfs, ino_t ino, pid_t **ret, size_t *ret_n)
{
	pid_t *v = NULL, *nv;
	size_t n = 0;
	struct dirent *de;
	DIR *d;

	d = opendir(procfs);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (!rcfs_is_number(de->d_name) || !process_in(dirfd(d), de->d_name, ino))
			continue;
		nv = realloc(v, (n + 1) * sizeof(*v));
		if (!nv) {
			free(v);
			closedir(d);
			return -ENOMEM;
		}
		v = nv;
		v[n++] = (pid_t)atoi(de->d_name);
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), cmp_pid);
	*ret = v;
	*ret_n = n;
	return 0;
}
