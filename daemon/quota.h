/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RCFS_QUOTA_H
#define RCFS_QUOTA_H

#include <stdbool.h>
#include <sys/types.h>

/*
 * What one local user can make the daemon hold.  Every open file costs
 * the daemon memory and up to two descriptors for as long as the caller
 * keeps it open, and any user may open /etc/resolv.conf: without a
 * bound, one user holding opens (from many namespaces, or while the
 * files keep changing so that none is shared) would leave the daemon no
 * descriptors for anyone else.  Root (uid 0) is not counted.
 */
struct rcfs_quota;

/*
 * Raise RLIMIT_NOFILE to its hard limit and size the bounds from it: one
 * uid holds at most a sixteenth of it (32 to 4096 units), all of them
 * together at most half.  Returns 0 or -ENOMEM.
 */
int rcfs_quota_new(struct rcfs_quota **ret);
void rcfs_quota_free(struct rcfs_quota *l);

/* Charge UID for N units (an open file: one, plus one per descriptor it
 * holds).  Returns 0, or -EMFILE when UID (or all users) hold their
 * share already.  L may be NULL (nothing is counted). */
int rcfs_quota_take(struct rcfs_quota *l, uid_t uid, unsigned int n);
void rcfs_quota_give(struct rcfs_quota *l, uid_t uid, unsigned int n);

/* The bounds, for the log: per uid, and all users together. */
void rcfs_quota_get(const struct rcfs_quota *l, unsigned int *per_uid,
		     unsigned int *total);

#endif
