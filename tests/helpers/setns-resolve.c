// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * setns-resolve NSPATH NAME: enter the network namespace NSPATH with
 * setns(2) from a running process, as a VPN helper does, then resolve
 * NAME with getaddrinfo(3) and print its IPv4 addresses, one a line.
 * glibc reads /etc/resolv.conf only after the setns, at the first lookup.
 * Exit status: 0 resolved, 1 an error, 2 not found.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct addrinfo hints = { .ai_family = AF_INET,
				  .ai_socktype = SOCK_STREAM };
	struct addrinfo *res, *ai;
	char addr[INET_ADDRSTRLEN];
	int nsfd, r;

	if (argc != 3) {
		fprintf(stderr, "usage: setns-resolve NSPATH NAME\n");
		return 1;
	}
	nsfd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (nsfd < 0 || setns(nsfd, CLONE_NEWNET) < 0) {
		perror(argv[1]);
		return 1;
	}
	close(nsfd);
	r = getaddrinfo(argv[2], NULL, &hints, &res);
	if (r) {
		fprintf(stderr, "%s: %s\n", argv[2], gai_strerror(r));
		return r == EAI_NONAME || r == EAI_NODATA ? 2 : 1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		const struct sockaddr_in *sin = (const void *)ai->ai_addr;

		if (inet_ntop(AF_INET, &sin->sin_addr, addr, sizeof(addr)))
			puts(addr);
	}
	freeaddrinfo(res);
	return 0;
}
