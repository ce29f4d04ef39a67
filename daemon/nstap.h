/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RCFS_NSTAP_H
#define RCFS_NSTAP_H

#include <linux/types.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "nstap-slots.h"

/*
 * The caller tap: a BPF program on the kernel's fuse_request_send
 * tracepoint notes, for each request, the requesting thread's network
 * namespace and whether the daemon's inotify descriptor held unread
 * events, in a table the daemon reads without a system call.  Where it
 * cannot be loaded (no BPF, a kernel without the tracepoint, no
 * privilege), the daemon reads /proc/TID/ns/net as before.
 */
struct rcfs_nstap {
	const __u64 *slots;	/* RCFS_NSTAP_SLOTS, mapped from the kernel */
	const __u64 *cookies;	/* the slots' namespace cookies */
	void *skel;
};

/*
 * Load the tap (not attached yet: see rcfs_nstap_attach).  Returns 0, or
 * -errno: -EOPNOTSUPP when built without BPF, else libbpf's (-ESRCH: the
 * kernel has no such tracepoint or no BTF, -EPERM: not allowed).
 * libbpf's own messages go to LOG (NULL: nowhere).
 */
int rcfs_nstap_open(void (*log)(const char *msg), struct rcfs_nstap **ret);

/*
 * Attach T to the FUSE mount whose device is MAJOR:MINOR, and find the
 * inotify group of WATCH_FD (-1: no watch, nothing is kept) through the
 * daemon's own descriptor; PIDNS is the stat of the daemon's
 * /proc/self/ns/pid.  Returns 0, or -errno: -EXDEV when the daemon is not
 * in the first pid namespace (FUSE would number its callers in another),
 * libbpf's when attaching fails.  T stays the caller's to close.
 */
int rcfs_nstap_attach(struct rcfs_nstap *t, unsigned int major,
		      unsigned int minor, int watch_fd,
		      const struct stat *pidns);

/* Detach and free; NULL is fine. */
void rcfs_nstap_close(struct rcfs_nstap *t);

/* What the tap saw of the request being served. */
struct rcfs_nstap_seen {
	ino_t ino;		/* the sender's network namespace */
	uint64_t cookie;	/* its cookie (identity.h) */
	bool pending;		/* the watch had events unread at the send */
};

/*
 * What the tap saw of TID's request, if its slot names TID: the thread
 * waits for its answer, so nothing else writes a slot that names it.
 * The cookie beside the slot is TID's only if the slot read the same
 * before and after it (another thread sharing the slot clears it first).
 * False: ask /proc.
 */
static inline bool rcfs_nstap_read(const struct rcfs_nstap *t, pid_t tid,
				   struct rcfs_nstap_seen *ret)
{
	uint32_t i = (uint32_t)tid & (RCFS_NSTAP_SLOTS - 1);
	uint64_t w, again;

	if (!t || tid <= 0)
		return false;
	w = __atomic_load_n(&t->slots[i], __ATOMIC_ACQUIRE);
	if ((w & ~RCFS_NSTAP_PENDING) >> 32 != (uint32_t)tid || !(uint32_t)w)
		return false;
	ret->cookie = __atomic_load_n(&t->cookies[i], __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	again = __atomic_load_n(&t->slots[i], __ATOMIC_RELAXED);
	if (again != w)
		return false;
	ret->ino = (ino_t)(uint32_t)w;
	ret->pending = w & RCFS_NSTAP_PENDING;
	return true;
}

#endif
