// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The table of shared read descriptors.  A slot is guarded by a spinlock
 * held only to swap or take a reference (a few instructions): a sleeping
 * lock could cost a futex() call on the hot path.
 */
#include <errno.h>
#include <stddef.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "netns.h"
#include "ofcache.h"

struct slot {
	pthread_spinlock_t lock;
	struct rcfs_ofile *of;
};

struct rcfs_ofcache {
	size_t mask;		/* first: see rcfs_netns_table_new() */
	struct slot slots[];
};
_Static_assert(offsetof(struct rcfs_ofcache, mask) == 0, "mask first");

int rcfs_ofcache_new(size_t nslots, struct rcfs_ofcache **ret)
{
	struct rcfs_ofcache *c;

	c = rcfs_netns_table_new(sizeof(*c), nslots, sizeof(c->slots[0]));
	if (!c)
		return -ENOMEM;
	for (size_t i = 0; i <= c->mask; i++)
		pthread_spin_init(&c->slots[i].lock, PTHREAD_PROCESS_PRIVATE);
	*ret = c;
	return 0;
}

void rcfs_ofcache_free(struct rcfs_ofcache *c)
{
	if (!c)
		return;
	rcfs_ofcache_flush(c);
	for (size_t i = 0; i <= c->mask; i++)
		pthread_spin_destroy(&c->slots[i].lock);
	free(c);
}

struct rcfs_ofile *rcfs_ofile_new(int fd, const struct stat *st, ino_t key,
				  uint64_t gen, uint64_t cookie)
{
	struct rcfs_ofile *of = malloc(sizeof(*of));

	if (!of)
		return NULL;
	of->fd = fd;
	of->st = *st;
	of->key = key;
	of->gen = gen;
	of->cookie = cookie;
	atomic_init(&of->refs, 1);
	return of;
}

void rcfs_ofile_unref(struct rcfs_ofile *of)
{
	if (of && atomic_fetch_sub(&of->refs, 1) == 1) {
		close(of->fd);
		free(of);
	}
}

static struct slot *slot_of(struct rcfs_ofcache *c, ino_t key)
{
	return &c->slots[rcfs_netns_hash(key) & c->mask];
}

struct rcfs_ofile *rcfs_ofcache_get(struct rcfs_ofcache *c, ino_t key,
				    uint64_t gen)
{
	struct slot *s = slot_of(c, key);
	struct rcfs_ofile *of;

	if (!gen)
		return NULL;
	pthread_spin_lock(&s->lock);
	of = s->of;
	if (of && of->key == key && of->gen == gen)
		atomic_fetch_add(&of->refs, 1);
	else
		of = NULL;
	pthread_spin_unlock(&s->lock);
	return of;
}

void rcfs_ofcache_put(struct rcfs_ofcache *c, struct rcfs_ofile *of)
{
	struct slot *s = slot_of(c, of->key);
	struct rcfs_ofile *old;

	atomic_fetch_add(&of->refs, 1);
	pthread_spin_lock(&s->lock);
	old = s->of;
	s->of = of;
	pthread_spin_unlock(&s->lock);
	rcfs_ofile_unref(old);
}

void rcfs_ofcache_flush(struct rcfs_ofcache *c)
{
	for (size_t i = 0; i <= c->mask; i++) {
		struct slot *s = &c->slots[i];
		struct rcfs_ofile *old;

		pthread_spin_lock(&s->lock);
		old = s->of;
		s->of = NULL;
		pthread_spin_unlock(&s->lock);
		rcfs_ofile_unref(old);
	}
}
