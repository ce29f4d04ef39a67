/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RCFS_CALLER_H
#define RCFS_CALLER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "daemon.h"

/*
 * Who sent a request: its thread, network namespace, credentials.  What
 * costs a system call (the namespace's cookie, the supplementary groups,
 * the capabilities) is looked up only when a decision needs it, once
 * per request.
 */

#define RCFS_CALLER_GROUPS	64

struct rcfs_caller {
	fuse_req_t req;
	struct rcfs_daemon *d;
	pid_t tid;
	uid_t uid;		/* fsuid, as the kernel checks with */
	gid_t gid;		/* fsgid */
	ino_t ino;		/* its network namespace */
	bool tapped;		/* the tap saw the request: cookie, pending */
	bool pending;
	bool has_cookie;
	uint64_t cookie;
	int ngroups;		/* -1: not read yet */
	gid_t groups[RCFS_CALLER_GROUPS];
	int caps_state;		/* -1: not read yet, 0 none, 1 read */
	uint64_t caps;		/* effective, in the first user namespace */
};

/* Capabilities the access decisions use (linux/capability.h). */
#define RCFS_CAP_CHOWN		0
#define RCFS_CAP_DAC_OVERRIDE	1
#define RCFS_CAP_DAC_READ_SEARCH 2
#define RCFS_CAP_FOWNER		3
#define RCFS_CAP_FSETID		4

/*
 * Find REQ's caller.  Returns 0, or -EIO when its namespace cannot be
 * found (a pid of 0: a caller in a pid namespace the daemon cannot see
 * into; a thread gone): such a caller must get an error, never a file.
 */
int rcfs_caller_find(fuse_req_t req, struct rcfs_caller *ret);

/* Its namespace's cookie (identity.h).  0 or -EIO. */
int rcfs_caller_cookie(struct rcfs_caller *c, uint64_t *ret);

/* Whether GID is its fsgid or one of its supplementary groups. */
bool rcfs_caller_in_group(struct rcfs_caller *c, gid_t gid);

/* Whether it holds capability CAP, effective, in the first user
 * namespace (root of another user namespace holds none there). */
bool rcfs_caller_capable(struct rcfs_caller *c, int cap);

/*
 * Whether PROCFD, a procfs, numbers processes as our pid namespace does
 * (FUSE gives callers' thread ids in it).  Returns 0, or -EXDEV when it
 * belongs to another pid namespace.  A directory that is not a procfs
 * (a test's stand-in) is not judged.
 */
int rcfs_procfs_check(int procfd);

/* The thread group (process) of thread TID, by the daemon's procfs.
 * Returns it, or -errno. */
pid_t rcfs_proc_tgid(int procfd, pid_t tid);

/* Whether thread TID's process still has a descriptor open for writing
 * on mount MNT_ID (a close of one of its copies is not its last).  True
 * when that cannot be read (MNT_ID 0 included): wait for the last close. */
bool rcfs_proc_writing(int procfd, pid_t tid, int mnt_id);

/* Whether thread TID is exiting because a signal killed it: its closes
 * must not publish a half-written file. */
bool rcfs_proc_killed(int procfd, pid_t tid);

#endif
