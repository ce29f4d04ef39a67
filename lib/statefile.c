// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Publishing a daemon's state in RCFS_STATE_DIR/MAJOR:MINOR, for
 * netnsctl and the package's maintainer scripts (the reader is
 * daemonstate.c).  libc only: the daemon's keeper is linked statically
 * with this file, lib/settings.c and lib/mounts.c, and nothing else.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemonstate.h"
#include "paths.h"
#include "settings.h"

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int rcfs_state_publish(const char *dev, const char *text, size_t len)
{
	char path[PATH_MAX], tmp[PATH_MAX + 32];
	int fd, r;

	if (mkdir(RCFS_STATE_DIR, 0755) < 0 && errno != EEXIST)
		return -errno;
	r = rcfs_state_path(dev, path, sizeof(path));
	if (r < 0)
		return r;
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	r = write_all(fd, text, len);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}

int rcfs_state_unpublish(const char *dev)
{
	char path[PATH_MAX];
	int r = rcfs_state_path(dev, path, sizeof(path));

	if (r < 0)
		return r;
	return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
}
