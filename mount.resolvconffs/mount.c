// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mount.resolvconffs: the mount(8) helper, so that /etc/fstab and
 * `mount -t resolvconffs` work; installed as mount.fuse.resolvconffs too,
 * which mount(8) runs for type fuse.resolvconffs instead of mount.fuse3.  It drops the options that only mount(8)
 * and fstab use, starts the daemon detached, and returns once the daemon
 * says the mount is live.
 *
 *   mount.resolvconffs SPEC DIR [-sfnvh] [-N NS] [-o OPTIONS] [-t TYPE]
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "paths.h"
#include "options.h"
#include "settings.h"
#include "util.h"

#define PROG "mount.resolvconffs"
#include "c.h"

/*
 * Only for running the test suite from a build tree: the daemon's path
 * is fixed at build time, since mount(8) resets PATH.  Read with
 * secure_getenv(), so a set-user-ID caller cannot use it.
 */
#define DAEMON_ENV	"RESOLVCONFFS_DAEMON"

/* What the daemon may print before it detaches: a few lines at most. */
#define MAX_DAEMON_OUTPUT	4096

struct helper {
	const char *spec;
	const char *dir;
	const char *ns;
	char *opts;		/* daemon options, comma-separated */
	size_t opts_len;
	bool fake;
	bool verbose;
};

#define usage_error(...) rcfs_usage_exit(MNT_EX_USAGE, __VA_ARGS__)

static void usage(void)
{
	fputs(
"Usage: " PROG " BACKING_DIR MOUNTPOINT [-sfnvh] [-N NS] [-o OPTIONS] [-t TYPE]\n"
"\n"
"The mount(8) helper for resolvconffs: starts the daemon detached and\n"
"returns once the mount is live.  `umount MOUNTPOINT' stops the daemon.\n"
"mount(8) runs it as mount.resolvconffs for type resolvconffs, and as\n"
"mount.fuse.resolvconffs for type fuse.resolvconffs.\n"
"\n"
"Options:\n"
"  -o OPTIONS   the daemon's -o options (see resolvconffs(8)); mount-only\n"
"               options (defaults, auto, noauto, nofail, _netdev, user,\n"
"               users, x-*, comment=...) are dropped\n"
"  -N NS        mount in that mount namespace (a PID or a namespace file)\n"
"  -t TYPE      resolvconffs or fuse.resolvconffs\n"
"  -f           fake: check the command line, mount nothing\n"
"  -v           print the daemon's command line (with -f: without\n"
"               running it)\n"
"  -s, -n       accepted for mount(8), no effect\n"
"  -h, --help   print this help and exit\n"
"  -V, --version  print the version and exit\n"
"\n"
"Exit status: 0 mounted, 1 bad usage, 2 system error, 32 mount failure.\n",
	stdout);
}

/* Append OPT to the daemon's options unless only mount(8) wants it. */
static int add_opt(struct helper *h, const char *opt, size_t len)
{
	char buf[PATH_MAX + 64];
	char *p;

	if (!len)
		return 0;
	if (len >= sizeof(buf))
		return -E2BIG;
	memcpy(buf, opt, len);
	buf[len] = '\0';
	if (rcfs_option_is_mount_only(buf))
		return 0;
	p = realloc(h->opts, h->opts_len + len + 2);
	if (!p)
		return -ENOMEM;
	h->opts = p;
	if (h->opts_len)
		p[h->opts_len++] = ',';
	memcpy(p + h->opts_len, buf, len + 1);
	h->opts_len += len;
	return 0;
}

static void add_opts(struct helper *h, const char *list)
{
	const char *item;
	size_t len;
	int r;

	while ((item = rcfs_option_next(&list, &len))) {
		r = add_opt(h, item, len);
		if (r == -E2BIG)
			usage_error("option too long: \"%.*s...\"", 32, item);
		if (r < 0) {
			rcfs_warnx("out of memory");
			exit(MNT_EX_SYSERR);
		}
	}
}

static void parse_args(struct helper *h, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help",	no_argument,	   NULL, 'h' },
		{ "version",	no_argument,	   NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "sfnvN:o:t:hV", longopts,
				NULL)) != -1) {
		switch (c) {
		case 's':
		case 'n':
			break;
		case 'f':
			h->fake = true;
			break;
		case 'v':
			h->verbose = true;
			break;
		case 'N':
			h->ns = optarg;
			break;
		case 'o':
			add_opts(h, optarg);
			break;
		case 't':
			if (strcmp(optarg, RCFS_FSNAME) &&
			    strcmp(optarg, RCFS_FSTYPE))
				usage_error("unsupported file system type \"%s\"",
					    optarg);
			break;
		case 'h':
			usage();
			exit(MNT_EX_SUCCESS);
		case 'V':
			printf(PROG " %s\n", PACKAGE_VERSION);
			exit(MNT_EX_SUCCESS);
		default:
			fputs("Try '" PROG " --help' for more information.\n",
			      stderr);
			exit(MNT_EX_USAGE);
		}
	}
	if (argc - optind != 2)
		usage_error("%s", argc - optind < 2 ?
			    "expected BACKING_DIR and MOUNTPOINT" :
			    "too many arguments");
	h->spec = argv[optind];
	h->dir = argv[optind + 1];
	if (!*h->spec || !*h->dir)
		usage_error("empty BACKING_DIR or MOUNTPOINT");
}

/* -N: a PID, or a file that is a mount namespace (/proc/PID/ns/mnt, or
 * the descriptor mount(8) passes as /proc/PID/fd/N). */
static int enter_mount_ns(const char *ns)
{
	char path[PATH_MAX];
	int fd, r;

	if (rcfs_is_number(ns))
		snprintf(path, sizeof(path), "/proc/%s/ns/mnt", ns);
	else
		snprintf(path, sizeof(path), "%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = setns(fd, CLONE_NEWNS) < 0 ? -errno : 0;
	close(fd);
	return r;
}

static const char *daemon_path(void)
{
	const char *p = secure_getenv(DAEMON_ENV);

	return p && *p ? p : RCFS_DAEMON_PATH;
}

/* The daemon's command line, in ARGV (8 entries). */
static void daemon_argv(const struct helper *h, char **argv)
{
	int argc = 0;

	argv[argc++] = RCFS_FSNAME;
	if (h->opts_len) {
		argv[argc++] = "-o";
		argv[argc++] = h->opts;
	}
	/* last, so that no -o option can keep it in the foreground */
	argv[argc++] = "--detach";
	argv[argc++] = "--";
	argv[argc++] = (char *)h->spec;
	argv[argc++] = (char *)h->dir;
	argv[argc] = NULL;
}

static void print_command(const struct helper *h)
{
	char *argv[8];

	daemon_argv(h, argv);
	printf(PROG ": %s %s", h->fake ? "would run" : "running",
	       daemon_path());
	for (int i = 1; argv[i]; i++)
		printf(" %s", argv[i]);
	putchar('\n');
	fflush(stdout);
}

/* Start the daemon with its stderr on a pipe; returns its PID or -errno. */
static pid_t daemon_start(const struct helper *h, int *ret_fd)
{
	const char *path = daemon_path();
	char *argv[8];
	int p[2];
	pid_t pid;

	daemon_argv(h, argv);
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(p[0]);
		close(p[1]);
		return -e;
	}
	if (pid == 0) {
		if (dup2(p[1], STDERR_FILENO) < 0)
			_exit(MNT_EX_SYSERR);
		execv(path, argv);
		fprintf(stderr, PROG ": cannot run %s: %s\n", path,
			strerror(errno));
		_exit(127);
	}
	close(p[1]);
	*ret_fd = p[0];
	return pid;
}

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

/*
 * Collect what the daemon prints until it exits.  Its detached child
 * keeps the pipe until the mount is live, and writes everything before
 * the parent exits; so read until EOF, or until the parent is gone
 * (the child may hold the pipe a little longer).
 */
static size_t daemon_output(pid_t pid, int fd, char *buf, size_t size)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct pollfd pfd[2] = {
		{ .fd = fd, .events = POLLIN },
		{ .fd = pidfd, .events = POLLIN },
	};
	bool exited = false;
	size_t len = 0;
	char discard[512];
	ssize_t n;

	for (;;) {
		if (!exited && poll(pfd, pidfd >= 0 ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pidfd >= 0 && (pfd[1].revents & POLLIN)) {
			exited = true;
			fcntl(fd, F_SETFL, O_NONBLOCK);
		}
		if (len < size - 1)
			n = read(fd, buf + len, size - 1 - len);
		else
			n = read(fd, discard, sizeof(discard));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (len < size - 1)
			len += (size_t)n;
	}
	buf[len] = '\0';
	if (pidfd >= 0)
		close(pidfd);
	return len;
}

/* Print the daemon's messages, without its hint about its own --help. */
static bool print_output(char *out)
{
	bool printed = false;
	char *line, *save = NULL;

	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "Try '", 5))
			continue;
		fprintf(stderr, "%s\n", line);
		printed = true;
	}
	return printed;
}

static int run_daemon(const struct helper *h)
{
	char out[MAX_DAEMON_OUTPUT];
	int fd = -1, status;
	pid_t pid, r;

	pid = daemon_start(h, &fd);
	if (pid < 0) {
		rcfs_warnx("cannot start %s: %s", daemon_path(), strerror(-pid));
		return MNT_EX_SYSERR;
	}
	daemon_output(pid, fd, out, sizeof(out));
	close(fd);
	do {
		r = waitpid(pid, &status, 0);
	} while (r < 0 && errno == EINTR);
	if (r < 0) {
		rcfs_warnx("cannot wait for %s: %s", daemon_path(), strerror(errno));
		return MNT_EX_SYSERR;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		print_output(out);	/* warnings */
		return MNT_EX_SUCCESS;
	}
	if (!print_output(out)) {
		if (WIFSIGNALED(status))
			rcfs_warnx("mounting %s on %s failed: %s killed by signal %d",
			       h->spec, h->dir, daemon_path(), WTERMSIG(status));
		else
			rcfs_warnx("mounting %s on %s failed: %s exited with %d",
			       h->spec, h->dir, daemon_path(),
			       WEXITSTATUS(status));
	}
	return MNT_EX_FAIL;
}

int main(int argc, char **argv)
{
	struct helper h = { 0 };
	int r;

	parse_args(&h, argc, argv);
	if (h.ns) {
		r = enter_mount_ns(h.ns);
		if (r < 0) {
			rcfs_warnx("cannot enter mount namespace \"%s\": %s", h.ns,
			       strerror(-r));
			free(h.opts);
			return MNT_EX_FAIL;
		}
	}
	if (h.verbose)
		print_command(&h);
	if (h.fake) {
		free(h.opts);
		return MNT_EX_SUCCESS;
	}
	r = run_daemon(&h);
	free(h.opts);
	return r;
}
