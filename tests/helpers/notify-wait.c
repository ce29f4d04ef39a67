// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * notify-wait SOCKET PATH CMD [ARG...]: stand in for systemd's end of
 * Type=notify.  Binds the datagram socket SOCKET (a path, or "@name" for
 * an abstract one), runs CMD with NOTIFY_SOCKET=SOCKET, and waits up to
 * 30 s for one message.  Prints
 *   child=PID
 *   sender=PID          the message's sender, from its credentials
 *   READY=1 ...         the message, one assignment a line
 *   mounted=yes|no      whether PATH was a FUSE mount when it came
 * and exits 0; 1 if CMD exited or the time ran out first.  CMD is left
 * running, its standard output on /dev/null.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define FUSE_SUPER_MAGIC	0x65735546
#define WAIT_MS			30000

int main(int argc, char **argv)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct ucred))];
	} control;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char msg[4096];
	struct iovec iov = { msg, sizeof(msg) - 1 };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.buf, .msg_controllen = sizeof(control.buf),
	};
	struct cmsghdr *c;
	struct statfs st;
	struct pollfd pfd;
	size_t len;
	ssize_t n;
	pid_t child, sender = 0;
	int fd, one = 1, status, waited = 0;

	if (argc < 4) {
		fprintf(stderr, "usage: notify-wait SOCKET PATH CMD [ARG...]\n");
		return 2;
	}
	len = strlen(argv[1]);
	if (len < 2 || len >= sizeof(sa.sun_path)) {
		fprintf(stderr, "notify-wait: bad socket name\n");
		return 2;
	}
	memcpy(sa.sun_path, argv[1], len);
	if (sa.sun_path[0] == '@')
		sa.sun_path[0] = '\0';
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one,
				 sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa,
		 (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) < 0) {
		perror("notify-wait: socket");
		return 2;
	}
	child = fork();
	if (child < 0) {
		perror("notify-wait: fork");
		return 2;
	}
	if (child == 0) {
		/* our report is the only output: whoever reads it to its end
		 * must not wait for CMD */
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

		if (null < 0 || dup2(null, STDOUT_FILENO) < 0)
			_exit(127);
		setenv("NOTIFY_SOCKET", argv[1], 1);
		execvp(argv[3], argv + 3);
		perror(argv[3]);
		_exit(127);
	}
	printf("child=%d\n", (int)child);
	fflush(stdout);
	pfd.fd = fd;
	pfd.events = POLLIN;
	for (;;) {
		int r = poll(&pfd, 1, 100);

		if (r > 0)
			break;
		if (r < 0 && errno != EINTR)
			return 2;
		if (waitpid(child, &status, WNOHANG) == child) {
			printf("child exited: %d\n", WIFEXITED(status) ?
			       WEXITSTATUS(status) : 128 + WTERMSIG(status));
			return 1;
		}
		waited += 100;
		if (waited >= WAIT_MS) {
			printf("no message\n");
			return 1;
		}
	}
	n = recvmsg(fd, &mh, 0);
	/* first of all: was the mount live when the message came? */
	if (statfs(argv[2], &st) < 0)
		st.f_type = 0;
	if (n < 0) {
		perror("notify-wait: recvmsg");
		return 2;
	}
	msg[n] = '\0';
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SCM_CREDENTIALS) {
			struct ucred cred;

			memcpy(&cred, CMSG_DATA(c), sizeof(cred));
			sender = cred.pid;
		}
	printf("sender=%d\n%s%smounted=%s\n", (int)sender, msg,
	       n && msg[n - 1] == '\n' ? "" : "\n",
	       st.f_type == FUSE_SUPER_MAGIC ? "yes" : "no");
	return 0;
}
