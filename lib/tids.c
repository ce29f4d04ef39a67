// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Descriptors of the /proc/TID/ns/net links of threads that ask often.
 *
 * Each slot holds at most one descriptor, packed with its thread's id in
 * one word, so that whoever takes the word out of the slot (an atomic
 * exchange with 0) owns the descriptor until it puts it back: no other
 * thread can close it meanwhile and let its number be reused.  A slot
 * also counts the requests of the last thread seen in it; at
 * RCFS_TIDS_ADMIT, that thread gets the slot's descriptor.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "netns.h"
#include "tids.h"

/*
 * Requests of one thread, without another thread seen in its slot in
 * between, before it gets a descriptor: a program that reads resolv.conf
 * once costs three requests (stat, the permission check, open), and each
 * of its later name lookups one more.
 */
#define RCFS_TIDS_ADMIT		16

struct slot {
	_Atomic uint64_t held;	/* tid << 32 | fd, or 0 */
	_Atomic uint64_t seen;	/* tid << 32 | requests */
};

struct rcfs_tids {
	size_t mask;		/* first: see rcfs_netns_table_new() */
	_Atomic time_t swept;	/* second of the last sweep */
	struct slot slots[];
};
_Static_assert(offsetof(struct rcfs_tids, mask) == 0, "mask first");

static inline uint64_t pack(pid_t tid, uint32_t low)
{
	return (uint64_t)(uint32_t)tid << 32 | low;
}

static inline pid_t word_tid(uint64_t w)
{
	return (pid_t)(uint32_t)(w >> 32);
}

static inline int word_fd(uint64_t w)
{
	return (int)(uint32_t)w;
}

int rcfs_tids_new(size_t nslots, struct rcfs_tids **ret)
{
	struct rcfs_tids *c;

	/* zeroed: no slot holds a descriptor */
	c = rcfs_netns_table_new(sizeof(*c), nslots, sizeof(c->slots[0]));
	if (!c)
		return -ENOMEM;
	*ret = c;
	return 0;
}

void rcfs_tids_free(struct rcfs_tids *c)
{
	uint64_t w;
	size_t i;

	if (!c)
		return;
	for (i = 0; i <= c->mask; i++) {
		w = atomic_exchange(&c->slots[i].held, 0);
		if (w)
			close(word_fd(w));
	}
	free(c);
}

/* Give W back to S; if another descriptor came meanwhile, it stays. */
static void put_back(struct slot *s, uint64_t w)
{
	uint64_t empty = 0;

	if (!atomic_compare_exchange_strong(&s->held, &empty, w))
		close(word_fd(w));
}

/* Read the link through FD: whether it names a network namespace (not
 * once the thread has exited: the descriptor is of no use any more). */
static bool read_held(int fd, ino_t *ret_ino)
{
	char link[64];
	ssize_t n;

	n = readlinkat(fd, "", link, sizeof(link) - 1);
	if (n < 0)
		return false;
	link[n] = '\0';
	return rcfs_netns_parse_link(link, ret_ino);
}

/* One more request of TID in S: at the admission count, a descriptor. */
static void count(struct slot *s, int procfd, pid_t tid)
{
	uint64_t seen = atomic_load_explicit(&s->seen, memory_order_relaxed);
	char rel[RCFS_TID_REL_MAX];
	uint64_t old;
	int fd;

	/* racy by design: a lost count only delays the descriptor */
	if (word_tid(seen) != tid) {
		atomic_store_explicit(&s->seen, pack(tid, 1),
				      memory_order_relaxed);
		return;
	}
	if ((uint32_t)seen + 1 < RCFS_TIDS_ADMIT) {
		atomic_store_explicit(&s->seen, seen + 1,
				      memory_order_relaxed);
		return;
	}
	atomic_store_explicit(&s->seen, 0, memory_order_relaxed);
	rcfs_netns_tid_rel(rel, tid);
	fd = openat(procfd, rel, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	old = atomic_exchange(&s->held, pack(tid, (uint32_t)fd));
	if (old)
		close(word_fd(old));
}

void rcfs_tids_sweep(struct rcfs_tids *c)
{
	struct timespec now;
	ino_t ino;
	uint64_t w;
	size_t i;

	if (!c)
		return;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
	if (now.tv_sec == atomic_load(&c->swept))
		return;
	atomic_store(&c->swept, now.tv_sec);
	for (i = 0; i <= c->mask; i++) {
		w = atomic_exchange(&c->slots[i].held, 0);
		if (!w)
			continue;
		if (read_held(word_fd(w), &ino))
			put_back(&c->slots[i], w);
		else
			close(word_fd(w));
	}
}

int rcfs_tids_netns(struct rcfs_tids *c, int procfd, pid_t tid,
		    ino_t *ret_ino)
{
	struct slot *s;
	uint64_t w;
	int r;

	if (!c || tid <= 0)
		return rcfs_netns_of_tid(procfd, tid, ret_ino);
	/* ids are handed out in sequence: neighbours get distinct slots */
	s = &c->slots[(uint32_t)tid & c->mask];
	w = atomic_exchange(&s->held, 0);
	if (w && word_tid(w) == tid) {
		if (read_held(word_fd(w), ret_ino)) {
			put_back(s, w);
			return 0;
		}
		/* the thread that had this number is gone */
		close(word_fd(w));
	} else if (w) {
		put_back(s, w);
	}
	r = rcfs_netns_of_tid(procfd, tid, ret_ino);
	if (r == 0)
		count(s, procfd, tid);
	return r;
}
