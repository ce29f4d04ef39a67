// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * --detach: the parent exits with the child's verdict, so that whoever
 * started the daemon (mount(8), a service manager) knows whether the
 * mount is live.  The keeper gives the verdict once the first server
 * serves.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define PROG "resolvconffs"
#include "c.h"
#include "start.h"

int rcfs_detach_start(int *ret_pipe)
{
	int p[2];
	pid_t pid;
	char status;

	if (pipe2(p, O_CLOEXEC) < 0) {
		rcfs_warnx("cannot create pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		rcfs_warnx("cannot fork: %s", strerror(errno));
		return -1;
	}
	if (pid > 0) {
		close(p[1]);
		if (read(p[0], &status, 1) != 1)
			status = EXIT_FAILURE;
		_exit(status);
	}
	close(p[0]);
	setsid();
	*ret_pipe = p[1];
	return 0;
}

void rcfs_detach_report(int *pipe_fd, char status)
{
	if (*pipe_fd < 0)
		return;
	if (write(*pipe_fd, &status, 1) != 1) {
		/* the parent is gone: nobody to tell */
	}
	close(*pipe_fd);
	*pipe_fd = -1;
}
