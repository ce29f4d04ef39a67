// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The caller of a request; see caller.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/magic.h>
#include <sys/vfs.h>

#include "caller.h"
#include "identity.h"
#include "nstap.h"
#include "tids.h"
#include "watch.h"

int rcfs_caller_find(fuse_req_t req, struct rcfs_caller *c)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	struct rcfs_daemon *d = fuse_req_userdata(req);
	struct rcfs_nstap_seen seen;
	int r;

	memset(c, 0, sizeof(*c));
	c->req = req;
	c->d = d;
	c->tid = ctx->pid;
	c->uid = ctx->uid;
	c->gid = ctx->gid;
	c->ngroups = -1;
	c->caps_state = -1;
	/* 0: the caller is in a pid namespace we cannot see into */
	if (c->tid <= 0)
		return -EIO;
	/* The tap, where it runs, saw the thread send this very request;
	 * otherwise the thread's /proc link says where it is now. */
	if (rcfs_nstap_read(d->tap, c->tid, &seen)) {
		c->ino = seen.ino;
		c->cookie = seen.cookie;
		c->has_cookie = seen.cookie != 0;
		c->pending = seen.pending;
		c->tapped = true;
		return 0;
	}
	r = rcfs_tids_netns(d->tids, rcfs_map_procfd(d->map), c->tid, &c->ino);
	if (r < 0) {
		if (r != -ESRCH)
			log_msg(LOG_ERR, "cannot find the network namespace "
				"of thread %d: %s", (int)c->tid, strerror(-r));
		return -EIO;
	}
	return 0;
}

int rcfs_caller_cookie(struct rcfs_caller *c, uint64_t *ret)
{
	int r;

	if (!c->has_cookie) {
		r = rcfs_netns_cookie_of_tid(rcfs_map_procfd(c->d->map), c->tid,
					     &c->cookie);
		if (r < 0) {
			if (r != -ESRCH)
				log_msg(LOG_ERR, "cannot identify the network "
					"namespace of thread %d: %s",
					(int)c->tid, strerror(-r));
			return -EIO;
		}
		c->has_cookie = true;
	}
	*ret = c->cookie;
	return 0;
}

bool rcfs_caller_in_group(struct rcfs_caller *c, gid_t gid)
{
	if (gid == c->gid)
		return true;
	if (c->ngroups < 0) {
		int n = fuse_req_getgroups(c->req, RCFS_CALLER_GROUPS,
					   c->groups);

		/* more than we keep: as if in none of the rest, which
		 * can only refuse what the kernel would allow */
		c->ngroups = n < 0 ? 0 : n > RCFS_CALLER_GROUPS ?
			     RCFS_CALLER_GROUPS : n;
	}
	for (int i = 0; i < c->ngroups; i++)
		if (c->groups[i] == gid)
			return true;
	return false;
}

/* A line "KEY:\tVALUE" of WHO's status file ("TID", "self"), into BUF. */
static int status_line(int procfd, const char *who, const char *key,
		       char *buf, size_t len)
{
	char rel[64], text[4096], *p, *end;
	size_t klen = strlen(key);
	ssize_t n;
	int fd;

	snprintf(rel, sizeof(rel), "%s/status", who);
	fd = openat(procfd, rel, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n < 0)
		return -errno;
	text[n] = '\0';
	for (p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, key, klen) || p[klen] != ':')
			continue;
		p += klen + 1;
		p += strspn(p, " \t");
		end = strchrnul(p, '\n');
		snprintf(buf, len, "%.*s", (int)(end - p), p);
		return 0;
	}
	return -ENOENT;
}

static int proc_status(int procfd, pid_t tid, const char *key, char *buf,
		       size_t len)
{
	char who[16];

	snprintf(who, sizeof(who), "%d", (int)tid);
	return status_line(procfd, who, key, buf, len);
}

/* Whether TID is in the daemon's own user namespace (the first one:
 * the only one whose capabilities count on the host's files). */
static bool in_our_userns(int procfd, pid_t tid)
{
	char rel[64], theirs[64], ours[64];
	ssize_t a, b;

	snprintf(rel, sizeof(rel), "%d/ns/user", (int)tid);
	a = readlinkat(procfd, rel, theirs, sizeof(theirs) - 1);
	b = readlinkat(procfd, "self/ns/user", ours, sizeof(ours) - 1);
	return a > 0 && a == b && !memcmp(theirs, ours, (size_t)a);
}

bool rcfs_caller_capable(struct rcfs_caller *c, int cap)
{
	char buf[64];

	if (c->caps_state < 0) {
		c->caps_state = 0;
		if (proc_status(rcfs_map_procfd(c->d->map), c->tid, "CapEff", buf,
				sizeof(buf)) == 0 &&
		    in_our_userns(rcfs_map_procfd(c->d->map), c->tid)) {
			c->caps = strtoull(buf, NULL, 16);
			c->caps_state = 1;
		}
	}
	return c->caps_state > 0 && (c->caps & (UINT64_C(1) << cap));
}

int rcfs_procfs_check(int procfd)
{
	char buf[128], *end;
	struct statfs sf;
	long pid;

	if (fstatfs(procfd, &sf) < 0)
		return -errno;
	if (sf.f_type != PROC_SUPER_MAGIC)
		return 0;
	/* NSpid lists our pid in every pid namespace from procfs's own
	 * down to ours: one number, ours, when they are the same.  A
	 * procfs of a namespace below ours cannot see us at all. */
	if (status_line(procfd, "self", "NSpid", buf, sizeof(buf)) < 0)
		return -EXDEV;
	pid = strtol(buf, &end, 10);
	if (*end || pid != getpid())
		return -EXDEV;
	return 0;
}

pid_t rcfs_proc_tgid(int procfd, pid_t tid)
{
	char buf[32];
	int r;

	if (tid <= 0)
		return -ESRCH;
	r = proc_status(procfd, tid, "Tgid", buf, sizeof(buf));
	if (r < 0)
		return r == -ENOENT ? -ESRCH : r;
	return (pid_t)atoi(buf);
}

/* Whether the fdinfo file FD (already open) names mount MNT_ID and a
 * descriptor open for writing. */
static bool fdinfo_writes(int fd, int mnt_id)
{
	char text[512], *p;
	unsigned long flags = 0;
	int id = -1;
	ssize_t n;

	n = read(fd, text, sizeof(text) - 1);
	if (n <= 0)
		return false;
	text[n] = '\0';
	for (p = text; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (!strncmp(p, "flags:", 6))
			flags = strtoul(p + 6, NULL, 8);
		else if (!strncmp(p, "mnt_id:", 7))
			id = atoi(p + 7);
	}
	return id == mnt_id && (flags & O_ACCMODE) != O_RDONLY;
}

bool rcfs_proc_writing(int procfd, pid_t tid, int mnt_id)
{
	char rel[64];
	struct dirent *de;
	bool writing = false;
	int dfd, fd;
	DIR *dir;

	if (mnt_id <= 0 || tid <= 0)
		return true;
	snprintf(rel, sizeof(rel), "%d/fdinfo", (int)tid);
	dfd = openat(procfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return errno != ENOENT;
	dir = fdopendir(dfd);
	if (!dir) {
		close(dfd);
		return true;
	}
	while (!writing && (de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		fd = openat(dirfd(dir), de->d_name, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;	/* closed meanwhile */
		writing = fdinfo_writes(fd, mnt_id);
		close(fd);
	}
	closedir(dir);
	return writing;
}

bool rcfs_proc_killed(int procfd, pid_t tid)
{
	char rel[64], buf[1024], *p;
	unsigned long flags = 0;
	int fd, code = 0, field;
	ssize_t n;

	if (tid <= 0)
		return false;
	snprintf(rel, sizeof(rel), "%d/stat", (int)tid);
	fd = openat(procfd, rel, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p)
		return false;
	/* The exit code is set before the kernel closes the files of an
	 * exiting task, so a flush can see it.  Fields after the command:
	 * 3 state ... 9 flags ... 52 exit_code. */
	for (field = 2; p && *p; field++) {
		p = strchr(p + 1, ' ');
		if (!p)
			break;
		if (field + 1 == 9)
			flags = strtoul(p + 1, NULL, 10);
		if (field + 1 == 52)
			code = atoi(p + 1);
	}
	return (flags & 0x4 /* PF_EXITING */) && (code & 0x7f);
}
