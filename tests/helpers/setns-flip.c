// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * setns-flip N FILE NSPATH...: in one thread, N times over, enter each
 * network namespace NSPATH in turn with setns(2) and read FILE there;
 * print "I LINE" for every read, I the namespace's index from 0 and LINE
 * the file's first line.  The thread's id never changes, so the daemon
 * must tell the namespaces apart at every request.
 */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char buf[512];
	int n, nns, *fds;

	if (argc < 4 || (n = atoi(argv[1])) < 1) {
		fprintf(stderr, "usage: setns-flip N FILE NSPATH...\n");
		return 2;
	}
	nns = argc - 3;
	fds = calloc((size_t)nns, sizeof(*fds));
	if (!fds)
		return 1;
	for (int i = 0; i < nns; i++) {
		fds[i] = open(argv[3 + i], O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0) {
			perror(argv[3 + i]);
			return 1;
		}
	}
	for (int k = 0; k < n; k++) {
		for (int i = 0; i < nns; i++) {
			ssize_t len;
			int fd;

			if (setns(fds[i], CLONE_NEWNET) < 0) {
				perror("setns");
				return 1;
			}
			fd = open(argv[2], O_RDONLY | O_CLOEXEC);
			if (fd < 0) {
				perror(argv[2]);
				return 1;
			}
			len = read(fd, buf, sizeof(buf) - 1);
			close(fd);
			if (len < 0) {
				perror(argv[2]);
				return 1;
			}
			buf[len] = '\0';
			buf[strcspn(buf, "\n")] = '\0';
			printf("%d %s\n", i, buf);
		}
	}
	return 0;
}
