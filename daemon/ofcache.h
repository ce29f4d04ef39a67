/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RCFS_OFCACHE_H
#define RCFS_OFCACHE_H

#include <stdatomic.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

/*
 * Open descriptors of what each namespace sees, shared by its readers.
 * Reads use pread(), so one descriptor serves any number of handles.
 * An entry holds for one watch generation (watch.h): a reader that opens
 * while nothing has changed since the entry was made gets its descriptor
 * without a system call, and its close costs none either.  A fixed table:
 * at most one descriptor per slot is kept open.
 */
struct rcfs_ofile {
	int fd;
	ino_t key;		/* the namespace */
	uint64_t gen;		/* the generation it was opened at */
	uint64_t cookie;	/* the namespace cookie it holds for alone,
				 * 0 for any (identity.h) */
	struct stat st;		/* what the access checks see */
	int kind;		/* enum rcfs_sees: own file or default */
	atomic_uint refs;
};

struct rcfs_ofcache;

/* Returns 0 or -ENOMEM. */
int rcfs_ofcache_new(size_t nslots, struct rcfs_ofcache **ret);
/* Drops every entry (their descriptors close with their last handle). */
void rcfs_ofcache_free(struct rcfs_ofcache *c);
void rcfs_ofcache_flush(struct rcfs_ofcache *c);

/* A reference to the entry of namespace KEY made at generation GEN, or
 * NULL. */
struct rcfs_ofile *rcfs_ofcache_get(struct rcfs_ofcache *c, ino_t key,
				    uint64_t gen);
/* Keep OF (the table takes a reference of its own). */
void rcfs_ofcache_put(struct rcfs_ofcache *c, struct rcfs_ofile *of);

/* A new entry for FD (whose attributes are ST), with one reference (the
 * caller's); NULL on ENOMEM. */
struct rcfs_ofile *rcfs_ofile_new(int fd, const struct stat *st, ino_t key,
				  uint64_t gen, uint64_t cookie);
/* Drop a reference: the last one closes the descriptor. */
void rcfs_ofile_unref(struct rcfs_ofile *of);

#endif
