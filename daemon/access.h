/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RCFS_ACCESS_H
#define RCFS_ACCESS_H

#include <stdbool.h>
#include <sys/stat.h>

#include "caller.h"

/*
 * Access decisions, made by the daemon for the file each caller maps to.
 *
 * Every namespace shares one kernel inode, whose cached attributes are
 * those of whichever caller asked last: the kernel's own check
 * (default_permissions) is only a first filter.  These follow the
 * kernel's rules (generic_permission, setattr_prepare) against ST, the
 * attributes of the caller's own file, with the caller's fsuid, fsgid,
 * supplementary groups and capabilities in the first user namespace.
 * Each returns 0 or the errno the kernel would give (-EACCES, -EPERM).
 */

/* Opening (or truncating) for MASK: R_OK, W_OK or both. */
int rcfs_access_open(struct rcfs_caller *c, const struct stat *st, int mask);

/* chmod to MODE; *RET_MODE gets the mode to set (the set-group-ID bit
 * dropped as the kernel drops it). */
int rcfs_access_chmod(struct rcfs_caller *c, const struct stat *st,
		      mode_t mode, mode_t *ret_mode);

/* chown to UID and GID ((uid_t)-1 / (gid_t)-1: unchanged). */
int rcfs_access_chown(struct rcfs_caller *c, const struct stat *st,
		      uid_t uid, gid_t gid);

/* Setting times: to the current time (NOW) or to chosen ones. */
int rcfs_access_utimes(struct rcfs_caller *c, const struct stat *st,
		       bool now);

#endif
