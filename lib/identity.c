// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Network namespace identity beyond the inode number: the namespace
 * cookie, and its record on inode-keyed backing files.  See identity.h.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backing.h"
#include "identity.h"
#include "map-int.h"
#include "util.h"
#include "nsenum.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE	71
#endif
/* nsfs's own answer (Linux 6.18): the namespace's id, which for a
 * network namespace is its cookie.  Not in Debian 12's headers. */
#ifndef NS_GET_ID
#define NS_GET_ID	_IOR(0xb7, 13, uint64_t)
#endif

/* Enter NSFD with this thread for one socket, ask it, come back. */
static int cookie_by_socket(int nsfd, uint64_t *ret)
{
	socklen_t len = sizeof(*ret);
	int self, sock, r = 0;

	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return -errno;
	if (setns(nsfd, CLONE_NEWNET) < 0) {
		r = -errno;
		goto out;
	}
	sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		r = -errno;
	else if (getsockopt(sock, SOL_SOCKET, SO_NETNS_COOKIE, ret, &len) < 0)
		r = -errno;
	if (sock >= 0)
		close(sock);
	/* A thread left in the wrong namespace would make every socket it
	 * opens later in someone else's: there is no safe way on. */
	if (setns(self, CLONE_NEWNET) < 0)
		abort();
out:
	close(self);
	return r;
}

/* Whether NS_GET_ID answers, and answers the cookie: checked once,
 * against the socket's answer for the namespace we are in.  -1 unknown,
 * 0 no, 1 yes. */
static atomic_int ns_get_id_works = -1;

static bool use_ns_get_id(void)
{
	uint64_t a = 0, b = 0;
	int self, ok;

	ok = atomic_load(&ns_get_id_works);
	if (ok >= 0)
		return ok;
	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	ok = self >= 0 && ioctl(self, NS_GET_ID, &a) == 0 &&
	     cookie_by_socket(self, &b) == 0 && a == b;
	if (self >= 0)
		close(self);
	atomic_store(&ns_get_id_works, ok);
	return ok;
}

int rcfs_netns_cookie(int nsfd, uint64_t *ret)
{
	if (nsfd < 0) {
		int r;

		nsfd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
		if (nsfd < 0)
			return -errno;
		r = rcfs_netns_cookie(nsfd, ret);
		close(nsfd);
		return r;
	}
	if (use_ns_get_id())
		return ioctl(nsfd, NS_GET_ID, ret) < 0 ? -errno : 0;
	return cookie_by_socket(nsfd, ret);
}

int rcfs_netns_cookie_of_tid(int procfd, pid_t tid, uint64_t *ret)
{
	char rel[RCFS_TID_REL_MAX];
	int fd, r;

	rcfs_netns_tid_rel(rel, tid);
	fd = openat(procfd, rel, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	r = rcfs_netns_cookie(fd, ret);
	close(fd);
	return r;
}

int rcfs_netns_cookie_of_path(const char *path, uint64_t *ret)
{
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = rcfs_netns_cookie(fd, ret);
	close(fd);
	return r;
}

struct sweep {
	const struct rcfs_map *m;
	struct rcfs_nslist live;
	bool listed;
	unsigned int claimed, stale;
};

/* One backing entry NAME: judged if it is an inode key's file with no
 * record.  Returns 0 or -errno. */
static int sweep_one(struct sweep *w, const char *name)
{
	const struct rcfs_settings *s = w->m->settings;
	const struct rcfs_ns *ns;
	struct rcfs_target t;
	uint64_t cookie = 0;
	struct stat st;
	int fd, r;

	if (rcfs_map_entry(w->m, name, &t) <= 0)
		return 0;
	fd = rcfs_backing_open(w->m->backing_fd, t.rel, O_RDONLY | O_NONBLOCK,
			       0);
	if (fd < 0)
		return 0;
	r = fstat(fd, &st) < 0 ? -errno : S_ISREG(st.st_mode) ?
	    rcfs_record_get(fd, &cookie) : 1;
	if (r == 0 && !w->listed) {
		r = rcfs_nsenum(s->procfs, s->netns_dir, &w->live);
		w->listed = r == 0;
	}
	if (r == 0) {
		ns = rcfs_nslist_find(&w->live, t.ino);
		if (ns && ns->path &&
		    rcfs_netns_cookie_of_path(ns->path, &cookie) == 0) {
			r = rcfs_record_set(fd, cookie);
			w->claimed += r == 0;
		} else {
			r = rcfs_record_set(fd, 0);
			w->stale += r == 0;
		}
	}
	close(fd);
	return r > 0 ? 0 : r;
}

int rcfs_records_sweep(const struct rcfs_map *m, unsigned int *ret_claimed,
		       unsigned int *ret_stale)
{
	struct sweep w = { .m = m };
	struct dirent *de;
	DIR *d;
	int r;

	r = rcfs_opendirat(m->backing_fd, ".", &d);
	if (r < 0)
		return r;
	while (r == 0 && (de = readdir(d)))
		if (de->d_name[0] != '.')
			r = sweep_one(&w, de->d_name);
	closedir(d);
	if (w.listed)
		rcfs_nslist_free(&w.live);
	*ret_claimed = w.claimed;
	*ret_stale = w.stale;
	return r;
}
