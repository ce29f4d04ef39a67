// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rcfs-usermount [-n COUNT] OPTIONS MOUNTPOINT: what any local user can
 * do with the set-uid fusermount3: mount a FUSE file system of its own
 * on a file it owns, with OPTIONS (-o, such as
 * "subtype=resolvconffs,fsname=/some/dir").  fusermount3 hands the
 * /dev/fuse descriptor over the socket named by $_FUSE_COMMFD; we close
 * it, so the mount stays with no server (calls on it fail with
 * ENOTCONN, none hangs) until `fusermount3 -u`.
 *
 * With -n COUNT: mount and unmount COUNT times (a mount-table churn);
 * prints "mounts=N failed=N".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int run(char *const argv[], int keep_fd)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		char env[32];

		if (keep_fd >= 0) {
			snprintf(env, sizeof(env), "%d", keep_fd);
			setenv("_FUSE_COMMFD", env, 1);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* fusermount3's descriptor, received and closed */
static int take_fd(int sock)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	char byte;
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c;
	int fd;

	if (recvmsg(sock, &msg, MSG_DONTWAIT) < 0)
		return -1;
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	close(fd);
	return 0;
}

static int mount_once(const char *opts, const char *mp)
{
	char *argv[] = { "fusermount3", "-o", (char *)opts, "--", (char *)mp,
			 NULL };
	int sv[2], r;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return -1;
	r = run(argv, sv[1]);
	close(sv[1]);
	if (r == 0)
		r = take_fd(sv[0]);
	close(sv[0]);
	return r;
}

int main(int argc, char **argv)
{
	unsigned long count = 0, mounts = 0, failed = 0;
	int c;

	while ((c = getopt(argc, argv, "n:")) != -1) {
		if (c != 'n')
			goto usage;
		count = strtoul(optarg, NULL, 10);
	}
	if (argc - optind != 2)
		goto usage;
	if (!count)
		return mount_once(argv[optind], argv[optind + 1]) ? 1 : 0;
	for (unsigned long i = 0; i < count; i++) {
		char *um[] = { "fusermount3", "-u", "-z", "--",
			       argv[optind + 1], NULL };

		if (mount_once(argv[optind], argv[optind + 1]) ||
		    run(um, -1) != 0)
			failed++;
		else
			mounts++;
	}
	printf("mounts=%lu failed=%lu\n", mounts, failed);
	return failed ? 1 : 0;
usage:
	fputs("usage: rcfs-usermount [-n COUNT] OPTIONS MOUNTPOINT\n", stderr);
	return 2;
}
