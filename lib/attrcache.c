// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A lock-free table of stat() results.  Each slot is a seqlock: the
 * writer makes the sequence odd, stores, makes it even again; a reader
 * copies the slot and keeps the copy only if the sequence was even and
 * unchanged around it.  The words are copied with relaxed atomics, so
 * that a torn copy is a discarded copy, never undefined behaviour.
 */
#include <errno.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "attrcache.h"
#include "netns.h"

struct entry {
	uint64_t key;
	uint64_t gen;
	uint64_t cookie;
	int64_t r;
	struct stat st;
};

#define ENTRY_WORDS	(sizeof(struct entry) / sizeof(uint64_t))
_Static_assert(sizeof(struct entry) % sizeof(uint64_t) == 0,
	       "an entry is copied in 64-bit words");

struct slot {
	_Atomic uint32_t seq;
	_Atomic uint64_t w[ENTRY_WORDS];
};

struct rcfs_attrcache {
	size_t mask;		/* first: see rcfs_netns_table_new() */
	struct slot slots[];
};
_Static_assert(offsetof(struct rcfs_attrcache, mask) == 0, "mask first");

int rcfs_attrcache_new(size_t nslots, struct rcfs_attrcache **ret)
{
	struct rcfs_attrcache *c;

	/* zeroed: generation 0 is never current, so no slot matches */
	c = rcfs_netns_table_new(sizeof(*c), nslots, sizeof(c->slots[0]));
	if (!c)
		return -ENOMEM;
	*ret = c;
	return 0;
}

void rcfs_attrcache_free(struct rcfs_attrcache *c)
{
	free(c);
}

static struct slot *slot_of(struct rcfs_attrcache *c, ino_t key)
{
	return &c->slots[rcfs_netns_hash(key) & c->mask];
}

bool rcfs_attrcache_get(struct rcfs_attrcache *c, ino_t key, uint64_t gen,
			int *ret_r, struct stat *ret_st, uint64_t *ret_cookie)
{
	struct slot *s = slot_of(c, key);
	uint64_t w[ENTRY_WORDS];
	struct entry e;
	uint32_t seq;

	seq = atomic_load_explicit(&s->seq, memory_order_acquire);
	if (seq & 1)
		return false;
	for (size_t i = 0; i < ENTRY_WORDS; i++)
		w[i] = atomic_load_explicit(&s->w[i], memory_order_relaxed);
	atomic_thread_fence(memory_order_acquire);
	if (atomic_load_explicit(&s->seq, memory_order_relaxed) != seq)
		return false;
	memcpy(&e, w, sizeof(e));
	if (e.key != (uint64_t)key || e.gen != gen || !gen)
		return false;
	*ret_r = (int)e.r;
	*ret_cookie = e.cookie;
	if (e.r == 0)
		*ret_st = e.st;
	return true;
}

void rcfs_attrcache_put(struct rcfs_attrcache *c, ino_t key, uint64_t gen,
			int r, const struct stat *st, uint64_t cookie)
{
	struct slot *s = slot_of(c, key);
	uint64_t w[ENTRY_WORDS];
	struct entry e;
	uint32_t seq;

	memset(&e, 0, sizeof(e));
	e.key = (uint64_t)key;
	e.gen = gen;
	e.cookie = cookie;
	e.r = r;
	if (r == 0)
		e.st = *st;
	memcpy(w, &e, sizeof(w));

	seq = atomic_load_explicit(&s->seq, memory_order_relaxed);
	if ((seq & 1) ||
	    !atomic_compare_exchange_strong_explicit(&s->seq, &seq, seq + 1,
						     memory_order_acquire,
						     memory_order_relaxed))
		return;
	/* the odd sequence must be visible before any word changes */
	atomic_thread_fence(memory_order_release);
	for (size_t i = 0; i < ENTRY_WORDS; i++)
		atomic_store_explicit(&s->w[i], w[i], memory_order_relaxed);
	atomic_store_explicit(&s->seq, seq + 2, memory_order_release);
}
