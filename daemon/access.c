// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Access decisions; see access.h.
 */
#include <errno.h>
#include <unistd.h>

#include "access.h"

int rcfs_access_open(struct rcfs_caller *c, const struct stat *st, int mask)
{
	unsigned int bits;

	/* the owner's bits alone for the owner, as the kernel does, even
	 * where the group's or others' would allow more */
	if (c->uid == st->st_uid)
		bits = (st->st_mode >> 6) & 7;
	else if (rcfs_caller_in_group(c, st->st_gid))
		bits = (st->st_mode >> 3) & 7;
	else
		bits = st->st_mode & 7;
	if ((bits & (unsigned int)mask) == (unsigned int)mask)
		return 0;
	if (rcfs_caller_capable(c, RCFS_CAP_DAC_OVERRIDE))
		return 0;
	if (mask == R_OK && rcfs_caller_capable(c, RCFS_CAP_DAC_READ_SEARCH))
		return 0;
	return -EACCES;
}

static bool owner_or_capable(struct rcfs_caller *c, const struct stat *st)
{
	return c->uid == st->st_uid ||
	       rcfs_caller_capable(c, RCFS_CAP_FOWNER);
}

int rcfs_access_chmod(struct rcfs_caller *c, const struct stat *st,
		      mode_t mode, mode_t *ret_mode)
{
	if (!owner_or_capable(c, st))
		return -EPERM;
	/* the kernel's rule for a file whose group the caller is not in */
	if ((mode & S_ISGID) && !rcfs_caller_in_group(c, st->st_gid) &&
	    !rcfs_caller_capable(c, RCFS_CAP_FSETID))
		mode &= ~S_ISGID;
	*ret_mode = mode;
	return 0;
}

int rcfs_access_chown(struct rcfs_caller *c, const struct stat *st,
		      uid_t uid, gid_t gid)
{
	bool capable = rcfs_caller_capable(c, RCFS_CAP_CHOWN);

	if (capable)
		return 0;
	/* without CAP_CHOWN: only the owner, keeping the owner, and giving
	 * the file to a group of its own */
	if (uid != (uid_t)-1 && (c->uid != st->st_uid || uid != st->st_uid))
		return -EPERM;
	if (gid != (gid_t)-1 && (c->uid != st->st_uid ||
	    (gid != st->st_gid && !rcfs_caller_in_group(c, gid))))
		return -EPERM;
	return 0;
}

int rcfs_access_utimes(struct rcfs_caller *c, const struct stat *st,
		       bool now)
{
	if (owner_or_capable(c, st))
		return 0;
	if (now)
		return rcfs_access_open(c, st, W_OK);
	return -EPERM;
}
