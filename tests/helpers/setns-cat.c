// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * setns-cat NSPATH FILE: enter the network namespace NSPATH with
 * setns(2) from a running thread — as pyroute2, Go's netns or a VPN
 * helper do, with no new mount namespace — then print FILE.
 */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char buf[4096];
	ssize_t n;
	int nsfd, fd;

	if (argc != 3) {
		fprintf(stderr, "usage: setns-cat NSPATH FILE\n");
		return 2;
	}
	nsfd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (nsfd < 0 || setns(nsfd, CLONE_NEWNET) < 0) {
		perror(argv[1]);
		return 1;
	}
	fd = open(argv[2], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror(argv[2]);
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(STDOUT_FILENO, buf, (size_t)n) != n)
			return 1;
	return n < 0;
}
