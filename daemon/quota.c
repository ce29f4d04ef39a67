// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Per-user bounds on what the daemon holds; see quota.h.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "daemon.h"
#include "quota.h"

struct charge {
	uid_t uid;
	unsigned int units;
};

struct rcfs_quota {
	pthread_mutex_t lock;
	unsigned int per_uid, total, used;
	/* the users holding something: few at any time, kept dense */
	struct charge *v;
	size_t n, cap;
};

int rcfs_quota_new(struct rcfs_quota **ret)
{
	struct rcfs_quota *l = calloc(1, sizeof(*l));
	struct rlimit rl;
	rlim_t files = 1024;

	if (!l)
		return -ENOMEM;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		if (rl.rlim_cur < rl.rlim_max) {
			rlim_t cur = rl.rlim_cur;

			rl.rlim_cur = rl.rlim_max;
			if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
				rl.rlim_cur = cur;
		}
		files = rl.rlim_cur == RLIM_INFINITY ? 1 << 20 : rl.rlim_cur;
	}
	l->per_uid = files / 16 < 32 ? 32 : files / 16 > 4096 ? 4096 :
		     (unsigned int)(files / 16);
	l->total = files / 2 > (1u << 30) ? 1u << 30 : (unsigned int)(files / 2);
	if (l->total < l->per_uid)
		l->total = l->per_uid;
	pthread_mutex_init(&l->lock, NULL);
	*ret = l;
	return 0;
}

void rcfs_quota_free(struct rcfs_quota *l)
{
	if (!l)
		return;
	pthread_mutex_destroy(&l->lock);
	free(l->v);
	free(l);
}

static struct charge *find(struct rcfs_quota *l, uid_t uid)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].uid == uid)
			return &l->v[i];
	return NULL;
}

int rcfs_quota_take(struct rcfs_quota *l, uid_t uid, unsigned int n)
{
	struct charge *c;
	int r = 0;

	if (!l || uid == 0)
		return 0;
	pthread_mutex_lock(&l->lock);
	c = find(l, uid);
	if (l->used + n > l->total || (c && c->units + n > l->per_uid) ||
	    n > l->per_uid) {
		r = -EMFILE;
	} else if (!c) {
		if (l->n == l->cap) {
			size_t cap = l->cap ? l->cap * 2 : 16;
			struct charge *v = realloc(l->v, cap * sizeof(*v));

			if (!v) {
				r = -ENOMEM;
				goto out;
			}
			l->v = v;
			l->cap = cap;
		}
		c = &l->v[l->n++];
		c->uid = uid;
		c->units = 0;
	}
	if (r == 0) {
		c->units += n;
		l->used += n;
	}
out:
	pthread_mutex_unlock(&l->lock);
	if (r == -EMFILE)
		log_msg(LOG_WARNING, "user %u holds too many open files of the "
			"mount: refused another", (unsigned int)uid);
	return r;
}

void rcfs_quota_give(struct rcfs_quota *l, uid_t uid, unsigned int n)
{
	struct charge *c;

	if (!l || uid == 0 || !n)
		return;
	pthread_mutex_lock(&l->lock);
	c = find(l, uid);
	if (c) {
		c->units -= n < c->units ? n : c->units;
		l->used -= n < l->used ? n : l->used;
		if (!c->units)
			*c = l->v[--l->n];
	}
	pthread_mutex_unlock(&l->lock);
}

void rcfs_quota_get(const struct rcfs_quota *l, unsigned int *per_uid,
		     unsigned int *total)
{
	*per_uid = l ? l->per_uid : 0;
	*total = l ? l->total : 0;
}
