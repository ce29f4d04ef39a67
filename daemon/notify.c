// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The readiness notification of systemd's Type=notify services, spoken
 * directly: one datagram on an AF_UNIX socket.  The protocol is a single
 * sendto(2); linking libsystemd for it would add a library to every
 * host's DNS path for nothing.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "notify.h"

#define NOTIFY_SOCKET_ENV	"NOTIFY_SOCKET"

/*
 * The address in $NOTIFY_SOCKET: a file system path, or an abstract
 * socket name written with a leading '@' (systemd's notation for the
 * leading NUL byte).  Returns the address's length, or -errno.
 */
static int notify_address(const char *name, struct sockaddr_un *ret_sa)
{
	size_t len = strlen(name);

	if (name[0] != '/' && name[0] != '@')
		return -EAFNOSUPPORT;	/* vsock:, or garbage */
	if (len < 2 || len > sizeof(ret_sa->sun_path))
		return -EINVAL;
	memset(ret_sa, 0, sizeof(*ret_sa));
	ret_sa->sun_family = AF_UNIX;
	memcpy(ret_sa->sun_path, name, len);
	if (name[0] == '@')
		ret_sa->sun_path[0] = '\0';
	/* an abstract name is exactly this long; a path needs no NUL */
	return (int)(offsetof(struct sockaddr_un, sun_path) + len);
}

/* Send STATE ("KEY=VALUE\n..." lines) to the service manager. */
static int notify_send(const char *name, const char *state)
{
	struct sockaddr_un sa;
	ssize_t n;
	int fd, len, r;

	len = notify_address(name, &sa);
	if (len < 0)
		return len;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* the kernel attaches our credentials: the manager checks the PID */
	do {
		n = sendto(fd, state, strlen(state), MSG_NOSIGNAL,
			   (const struct sockaddr *)&sa, (socklen_t)len);
	} while (n < 0 && errno == EINTR);
	r = n < 0 ? -errno : 0;
	close(fd);
	return r;
}

int rcfs_notify_ready(pid_t main_pid)
{
	const char *name = getenv(NOTIFY_SOCKET_ENV);
	char state[64];
	int r;

	if (!name || !*name)
		return 0;
	/* MAINPID: the process that keeps serving, whichever one the
	 * manager started (a --detach'ed daemon's parent exits) */
	snprintf(state, sizeof(state), "READY=1\nMAINPID=%ld\n",
		 (long)main_pid);
	r = notify_send(name, state);
	return r;
}
