// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "util.h"

bool rcfs_is_number(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

int rcfs_netns_link_path(char *buf, size_t len, const char *procfs,
			 const char *pid)
{
	int n;

	if (procfs)
		n = snprintf(buf, len, "%s/%s/ns/net", procfs, pid);
	else
		n = snprintf(buf, len, "%s/ns/net", pid);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int rcfs_netns_link_path_pid(char *buf, size_t len, const char *procfs,
			     pid_t pid)
{
	char digits[24];

	snprintf(digits, sizeof(digits), "%d", (int)pid);
	return rcfs_netns_link_path(buf, len, procfs, digits);
}

int rcfs_opendirat(int dfd, const char *name, DIR **ret)
{
	int fd;

	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
	if (fd < 0)
		return -errno;
	*ret = fdopendir(fd);
	if (!*ret) {
		int r = -errno;

		close(fd);
		return r;
	}
	return 0;
}
