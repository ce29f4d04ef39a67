/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RCFS_TIDS_H
#define RCFS_TIDS_H

#include <stdbool.h>
#include <sys/types.h>

/*
 * Which network namespace a calling thread is in, for threads that ask
 * often.  Every request must read the caller's /proc/TID/ns/net link
 * again, since a thread may setns() between two requests; but the walk
 * to the link need not be repeated.  A thread seen RCFS_TIDS_ADMIT times
 * in a row in its slot gets a descriptor of the link itself (O_PATH),
 * and from then on one readlinkat() of that descriptor answers.
 *
 * The descriptor belongs to the thread, not to its number: once the
 * thread has exited, reading it fails, and a new thread given the same
 * number is looked up by path again.  A fixed table: at most one
 * descriptor per slot, whatever the number of threads; a thread that
 * loses its slot is looked up by path again.  Threads that ask a few
 * times and exit (most programs on a host) never cost a descriptor.
 */
struct rcfs_tids;

/* NSLOTS is rounded up to a power of two.  Returns 0 or -ENOMEM. */
int rcfs_tids_new(size_t nslots, struct rcfs_tids **ret);
/* Closes every descriptor held. */
void rcfs_tids_free(struct rcfs_tids *c);

/* Close the descriptors of threads that have exited (at most once a
 * second; a thread's own slot is otherwise swept only when reused). */
void rcfs_tids_sweep(struct rcfs_tids *c);

/* The network namespace of thread TID, as rcfs_netns_of_tid() (netns.h)
 * finds it relative to PROCFD.  C may be NULL (then: by path). */
int rcfs_tids_netns(struct rcfs_tids *c, int procfd, pid_t tid,
		    ino_t *ret_ino);


#endif
