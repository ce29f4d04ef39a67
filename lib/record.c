// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The record of which network namespace an inode-keyed backing file was
 * written for: an extended attribute of the file; see identity.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/xattr.h>

#include "identity.h"

int rcfs_record_get(int fd, uint64_t *ret)
{
	char buf[32], *end;
	ssize_t n;

	n = fgetxattr(fd, RCFS_RECORD_XATTR, buf, sizeof(buf) - 1);
	if (n < 0)
		return errno == ENODATA ? 0 : -errno;
	buf[n] = '\0';
	errno = 0;
	*ret = strtoull(buf, &end, 10);
	/* a record nobody could have written: belongs to nobody */
	if (errno || end == buf || *end)
		*ret = 0;
	return 1;
}

static int record_write(int fd, uint64_t cookie, int flags)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%" PRIu64, cookie);

	return fsetxattr(fd, RCFS_RECORD_XATTR, buf, (size_t)n, flags) < 0 ?
	       -errno : 0;
}

int rcfs_record_set(int fd, uint64_t cookie)
{
	return record_write(fd, cookie, 0);
}

int rcfs_record_claim(int fd, uint64_t cookie)
{
	uint64_t rec;
	int r = rcfs_record_get(fd, &rec);

	if (r == -EOPNOTSUPP)
		return 1;
	if (r < 0)
		return r;
	if (r > 0)
		return rec == cookie;
	/* XATTR_CREATE: of two claims at once, one wins; the other reads
	 * the winner's record */
	r = record_write(fd, cookie, XATTR_CREATE);
	if (r == -EEXIST)
		return rcfs_record_claim(fd, cookie);
	if (r == -EOPNOTSUPP)
		return 1;
	return r < 0 ? r : 1;
}
