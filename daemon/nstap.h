/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RCFS_NSTAP_H
#define RCFS_NSTAP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "nstap-slots.h"

/*
 * The caller tap: a BPF program on the kernel's fuse_request_send
 * tracepoint notes each requesting thread's network namespace in a table
 * the daemon reads directly, so that a request costs no readlinkat() of
 * /proc/TID/ns/net.  Where it cannot be loaded (no BPF, a kernel without
 * the tracepoint, no privilege), the daemon reads /proc as before.
 */
struct rcfs_nstap {
	/* RCFS_NSTAP_SLOTS words, mapped from the kernel (__u64) */
	const unsigned long long *slots;
	void *skel;
};

/*
 * Load and attach the tap for the FUSE mount whose device is
 * MAJOR:MINOR.  Returns 0, or -errno: -EOPNOTSUPP when built without
 * BPF, else libbpf's (-ESRCH: the kernel has no such tracepoint, -EPERM:
 * not allowed).  libbpf's own messages go to LOG (NULL: nowhere).
 */
int rcfs_nstap_open(unsigned int major, unsigned int minor,
		    void (*log)(const char *msg), struct rcfs_nstap **ret);

/* Detach and free; NULL is fine. */
void rcfs_nstap_close(struct rcfs_nstap *t);

/*
 * The network namespace TID was in when it sent the request being
 * served, if the tap saw it.  False: ask /proc.
 */
static inline bool rcfs_nstap_netns(const struct rcfs_nstap *t, pid_t tid,
				    ino_t *ret_ino)
{
	uint64_t w;

	if (!t || tid <= 0)
		return false;
	w = __atomic_load_n(&t->slots[(uint32_t)tid & (RCFS_NSTAP_SLOTS - 1)],
			    __ATOMIC_RELAXED);
	if ((uint32_t)(w >> 32) != (uint32_t)tid || !(uint32_t)w)
		return false;
	*ret_ino = (ino_t)(uint32_t)w;
	return true;
}

#endif
