// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rcfs-fdops STEP...: system calls on one descriptor, step by step, so
 * that a test can say exactly which call it makes, in which namespace,
 * and see each call's result.  Every step prints "STEP ok" or "STEP
 * ERRNO-NAME" on a line of its own (fstat prints what it saw); the exit
 * status is 0 when every step succeeded, 1 otherwise, 2 on bad usage.
 *
 *   open:FLAGS:PATH    FLAGS: r, w, rw, and t (O_TRUNC), a (O_APPEND)
 *   setns:NSPATH       enter a network namespace (needs CAP_SYS_ADMIN)
 *   write:TEXT         write TEXT and a newline
 *   ftruncate:N        fsync         fchmod:MODE (octal)
 *   fchown:UID:GID     futimens:SECONDS (both times)
 *   fstat              print "fstat mode=%o uid=%u gid=%u size=%lld"
 *   close              close the descriptor
 *   sendfd:SOCKET      connect to the unix socket SOCKET (waiting for it
 *                      to appear), send the descriptor
 *   recvfd:SOCKET      listen on SOCKET, take the descriptor sent there
 *   forkexit           fork a child that exits at once (closing its
 *                      inherited copy), and wait for it
 *   hold:FILE          fork a child that keeps the descriptor until
 *                      FILE exists (an hour at most), then exits; not
 *                      waited for; its stdout and stderr are /dev/null
 *   touch:FILE         create FILE (tell the test where we are)
 *   waitfor:FILE       wait until FILE exists (at most 120 s)
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int fd = -1;

static void usage(void)
{
	fputs("usage: rcfs-fdops STEP...\n", stderr);
	exit(2);
}

static const char *errname(int e)
{
	switch (e) {
	case 0:		return "ok";
	case EACCES:	return "EACCES";
	case EPERM:	return "EPERM";
	case ENOENT:	return "ENOENT";
	case EBADF:	return "EBADF";
	case EIO:	return "EIO";
	case ENOSPC:	return "ENOSPC";
	case EROFS:	return "EROFS";
	case EISDIR:	return "EISDIR";
	case EINVAL:	return "EINVAL";
	case EMFILE:	return "EMFILE";
	case ENOTCONN:	return "ENOTCONN";
	case EFBIG:	return "EFBIG";
	}
	return strerror(e);
}

/* FILE exists, or DEADLINE seconds have passed or FILE's directory is
 * gone (the test is over): then false. */
static bool wait_for(const char *file, int deadline)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	time_t end = time(NULL) + deadline;
	char dir[4096], *slash;

	snprintf(dir, sizeof(dir), "%s", file);
	slash = strrchr(dir, '/');
	if (slash && slash != dir)
		*slash = '\0';
	else
		strcpy(dir, slash ? "/" : ".");
	while (access(file, F_OK) < 0) {
		if (time(NULL) > end || access(dir, F_OK) < 0)
			return false;
		nanosleep(&ts, NULL);
	}
	return true;
}

static int unix_socket(const char *path, struct sockaddr_un *sa)
{
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa->sun_path, path);
	return s;
}

static int send_fd(const char *path)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct sockaddr_un sa;
	char byte = 'x';
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c;
	int s, e = 0;

	if (!wait_for(path, 120))
		return ETIMEDOUT;
	s = unix_socket(path, &sa);
	if (s < 0)
		return errno;
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    sendmsg(s, &msg, 0) != 1)
		e = errno;
	close(s);
	return e;
}

static int recv_fd(const char *path)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct sockaddr_un sa;
	char byte;
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c;
	int s, conn, e = 0;

	s = unix_socket(path, &sa);
	if (s < 0)
		return errno;
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(s, 1) < 0 || (conn = accept(s, NULL, NULL)) < 0) {
		e = errno;
		close(s);
		return e;
	}
	if (recvmsg(conn, &msg, 0) != 1)
		e = errno ? errno : EPROTO;
	c = CMSG_FIRSTHDR(&msg);
	if (!e && c && c->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	else if (!e)
		e = EPROTO;
	close(conn);
	close(s);
	unlink(path);
	return e;
}

static int open_flags(const char *f)
{
	int flags = 0, acc = -1;

	if (!strncmp(f, "rw", 2)) {
		acc = O_RDWR;
		f += 2;
	} else if (*f == 'r') {
		acc = O_RDONLY;
		f++;
	} else if (*f == 'w') {
		acc = O_WRONLY;
		f++;
	}
	for (; *f; f++) {
		if (*f == 't')
			flags |= O_TRUNC;
		else if (*f == 'a')
			flags |= O_APPEND;
		else
			usage();
	}
	if (acc < 0)
		usage();
	return acc | flags;
}

/* One step; returns 0 or an errno value. */
static int step(char *s)
{
	char *arg = strchr(s, ':');
	struct stat st;
	pid_t pid;
	int e = 0, ns, status;

	if (arg)
		*arg++ = '\0';
	if (!strcmp(s, "open") && arg) {
		char *path = strchr(arg, ':');

		if (!path)
			usage();
		*path++ = '\0';
		fd = open(path, open_flags(arg));
		e = fd < 0 ? errno : 0;
	} else if (!strcmp(s, "setns") && arg) {
		ns = open(arg, O_RDONLY | O_CLOEXEC);
		if (ns < 0 || setns(ns, CLONE_NEWNET) < 0)
			e = errno;
		if (ns >= 0)
			close(ns);
	} else if (!strcmp(s, "write") && arg) {
		size_t n = strlen(arg);
		char *buf = malloc(n + 1);

		if (!buf)
			return ENOMEM;
		memcpy(buf, arg, n);
		buf[n] = '\n';
		if (write(fd, buf, n + 1) != (ssize_t)(n + 1))
			e = errno ? errno : EIO;
		free(buf);
	} else if (!strcmp(s, "ftruncate") && arg) {
		e = ftruncate(fd, atoll(arg)) < 0 ? errno : 0;
	} else if (!strcmp(s, "fsync")) {
		e = fsync(fd) < 0 ? errno : 0;
	} else if (!strcmp(s, "fchmod") && arg) {
		e = fchmod(fd, (mode_t)strtoul(arg, NULL, 8)) < 0 ? errno : 0;
	} else if (!strcmp(s, "fchown") && arg) {
		char *g = strchr(arg, ':');

		if (!g)
			usage();
		e = fchown(fd, (uid_t)atol(arg), (gid_t)atol(g + 1)) < 0 ?
		    errno : 0;
	} else if (!strcmp(s, "futimens") && arg) {
		struct timespec ts[2] = {
			{ .tv_sec = atol(arg) }, { .tv_sec = atol(arg) },
		};

		e = futimens(fd, ts) < 0 ? errno : 0;
	} else if (!strcmp(s, "fstat")) {
		if (fstat(fd, &st) < 0)
			return errno;
		printf("fstat mode=%o uid=%u gid=%u size=%lld\n",
		       (unsigned int)(st.st_mode & 07777),
		       (unsigned int)st.st_uid, (unsigned int)st.st_gid,
		       (long long)st.st_size);
		return -1;
	} else if (!strcmp(s, "close")) {
		e = close(fd) < 0 ? errno : 0;
		fd = -1;
	} else if (!strcmp(s, "sendfd") && arg) {
		e = send_fd(arg);
	} else if (!strcmp(s, "recvfd") && arg) {
		e = recv_fd(arg);
	} else if (!strcmp(s, "forkexit")) {
		pid = fork();
		if (pid == 0)
			_exit(0);
		if (pid < 0 || waitpid(pid, &status, 0) != pid)
			e = errno;
	} else if (!strcmp(s, "hold") && arg) {
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			/* not our output's: whoever reads it to its end
			 * must not wait for the child */
			int null = open("/dev/null", O_WRONLY);

			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
			_exit(wait_for(arg, 3600) ? 0 : 1);
		}
		if (pid < 0)
			e = errno;
	} else if (!strcmp(s, "touch") && arg) {
		int t = open(arg, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

		e = t < 0 ? errno : 0;
		if (t >= 0)
			close(t);
	} else if (!strcmp(s, "waitfor") && arg) {
		e = wait_for(arg, 120) ? 0 : ETIMEDOUT;
	} else {
		usage();
	}
	return e;
}

int main(int argc, char **argv)
{
	int failed = 0;

	if (argc < 2)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 1; i < argc; i++) {
		char name[64];
		int e;

		snprintf(name, sizeof(name), "%.*s", (int)strcspn(argv[i], ":"),
			 argv[i]);
		e = step(argv[i]);
		if (e < 0)
			continue;	/* printed its own line */
		printf("%s %s\n", name, errname(e));
		failed |= e != 0;
	}
	return failed;
}
