/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RCFS_ATTRCACHE_H
#define RCFS_ATTRCACHE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

/*
 * What stat() answered for a namespace, kept with the watch generation
 * (watch.h) it was found at, so that a later request of the same
 * namespace at the same generation needs no system call.  A fixed table,
 * one entry per slot: its memory does not grow with the number of
 * namespaces, and a namespace that lost its slot is simply looked up
 * again.  Readers take no lock (each slot is a seqlock).
 */
struct rcfs_attrcache;

/* NSLOTS is rounded up to a power of two.  Returns 0 or -ENOMEM. */
int rcfs_attrcache_new(size_t nslots, struct rcfs_attrcache **ret);
void rcfs_attrcache_free(struct rcfs_attrcache *c);

/* Whether namespace KEY has an entry made at generation GEN; then its
 * result (0 or -errno) in *RET_R and, for 0, the attributes in *RET_ST,
 * and in *RET_COOKIE the namespace cookie the answer holds for alone
 * (0: any namespace with inode KEY; identity.h). */
bool rcfs_attrcache_get(struct rcfs_attrcache *c, ino_t key, uint64_t gen,
			int *ret_r, struct stat *ret_st, uint64_t *ret_cookie);
/* Keep R and ST for KEY, found at GEN (read before looking them up),
 * for the namespace with COOKIE alone (0: for any).  A slot being
 * written by another thread is left to it. */
void rcfs_attrcache_put(struct rcfs_attrcache *c, ino_t key, uint64_t gen,
			int r, const struct stat *st, uint64_t cookie);

#endif
