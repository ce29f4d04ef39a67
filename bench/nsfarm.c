// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nsfarm - create many network namespaces quickly and hold them until
 * SIGTERM or SIGINT, then remove every one of them.
 *
 * Named ones are what ip-netns(8) makes: an nsfs bind mount on an empty
 * file in the netns directory (without ip's mount propagation set-up,
 * which only matters outside the benchmark's private mount namespace).
 * Anonymous ones are held by a descriptor each, in this process: a
 * namespace without a name, entered through /proc/PID/fd/N.  (Held by a
 * process each, as "unshare -n sleep" would, 5,000 of them kept a host
 * monitor that reads every process's network namespace busy on one of
 * the two CPUs of the machine the results come from, which then measured
 * that monitor more than the namespaces.)
 *
 * Usage: nsfarm [-d NETNS_DIR] [-p PREFIX] -o LIST NAMED ANON
 *
 * LIST receives one path per namespace, usable with setns(2), named and
 * anonymous ones alternating; it appears (by rename) only when every
 * namespace exists.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#define NSFARM_NAME	"nsfarm"

struct farm {
	const char *dir;
	const char *prefix;
	unsigned long named, anon;
	unsigned long named_made, anon_made;
	int *fds;
};

/* Asked to stop while building?  Checked between namespaces, since
 * building ten thousand of them takes seconds. */
static bool farm_stopped(const sigset_t *stop)
{
	sigset_t pending;

	if (sigpending(&pending) < 0)
		return false;
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(stop, sig) == 1 && sigismember(&pending, sig) == 1)
			return true;
	return false;
}

static int farm_named_path(const struct farm *f, unsigned long i,
			   char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s%lu", f->dir, f->prefix, i);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* One named namespace: a fresh netns bound onto DIR/PREFIXi. */
static int farm_add_named(struct farm *f, unsigned long i, int homefd)
{
	char path[PATH_MAX];
	int fd, r;

	r = farm_named_path(f, i, path, sizeof(path));
	if (r < 0)
		return r;
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	close(fd);
	if (unshare(CLONE_NEWNET) < 0) {
		r = -errno;
		goto out_unlink;
	}
	if (mount("/proc/thread-self/ns/net", path, "none", MS_BIND, NULL) < 0)
		r = -errno;
	if (setns(homefd, CLONE_NEWNET) < 0) {
		/* Stuck in the wrong namespace: nothing sane can follow. */
		fprintf(stderr, NSFARM_NAME ": cannot return to the initial "
			"network namespace: %s\n", strerror(errno));
		exit(1);
	}
	if (r < 0)
		goto out_unlink;
	return 0;

out_unlink:
	unlink(path);
	return r;
}

/* Room for a descriptor per anonymous namespace, and a few more. */
static int farm_fd_room(unsigned long n)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -errno;
	if (rl.rlim_cur >= n + 64)
		return 0;
	rl.rlim_cur = n + 64;
	if (rl.rlim_max < rl.rlim_cur)
		rl.rlim_max = rl.rlim_cur;
	return setrlimit(RLIMIT_NOFILE, &rl) < 0 ? -errno : 0;
}

/* Anonymous namespaces: unshare, keep a descriptor, go home. */
static int farm_add_anon(struct farm *f, int homefd, const sigset_t *stop)
{
	int fd, r;

	if (!f->anon)
		return 0;
	r = farm_fd_room(f->anon);
	if (r < 0)
		return r;
	for (; f->anon_made < f->anon; f->anon_made++) {
		if (farm_stopped(stop))
			return -EINTR;
		if (unshare(CLONE_NEWNET) < 0)
			return -errno;
		fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
		r = fd < 0 ? -errno : 0;
		if (setns(homefd, CLONE_NEWNET) < 0) {
			fprintf(stderr, NSFARM_NAME ": cannot return to the "
				"initial network namespace: %s\n",
				strerror(errno));
			exit(1);
		}
		if (r < 0)
			return r;
		f->fds[f->anon_made] = fd;
	}
	return 0;
}

static int farm_write_list(const struct farm *f, const char *list)
{
	char tmp[PATH_MAX], path[PATH_MAX];
	unsigned long i, j;
	FILE *out;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", list) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	out = fopen(tmp, "we");
	if (!out)
		return -errno;
	for (i = 0, j = 0; i < f->named_made || j < f->anon_made;) {
		if (i < f->named_made) {
			if (farm_named_path(f, i++, path, sizeof(path)) == 0)
				fprintf(out, "%s\n", path);
		}
		if (j < f->anon_made)
			fprintf(out, "/proc/%d/fd/%d\n", (int)getpid(),
				f->fds[j++]);
	}
	if (fclose(out) != 0)
		return -errno;
	if (rename(tmp, list) < 0)
		return -errno;
	return 0;
}

static void farm_clear(struct farm *f)
{
	char path[PATH_MAX];
	unsigned long i;

	for (i = 0; i < f->named_made; i++) {
		if (farm_named_path(f, i, path, sizeof(path)) < 0)
			continue;
		umount2(path, MNT_DETACH);
		unlink(path);
	}
	for (i = 0; i < f->anon_made; i++)
		close(f->fds[i]);
}

static unsigned long parse_count(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || end == s || v > 1000000) {
		fprintf(stderr, NSFARM_NAME ": bad count \"%s\"\n", s);
		exit(2);
	}
	return v;
}

int main(int argc, char *argv[])
{
	struct farm f = { .dir = "/run/netns", .prefix = "bench-" };
	const char *list = NULL;
	pid_t parent = getppid();
	struct sigaction sa;
	sigset_t sigs;
	int homefd, opt, r, sig;

	while ((opt = getopt(argc, argv, "d:p:o:")) != -1) {
		switch (opt) {
		case 'd':
			f.dir = optarg;
			break;
		case 'p':
			f.prefix = optarg;
			break;
		case 'o':
			list = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (!list || optind != argc - 2)
		goto usage;
	f.named = parse_count(argv[optind]);
	f.anon = parse_count(argv[optind + 1]);

	/* Block the stop signals first, so no child or half-built farm is
	 * left behind by a signal that arrives while building. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	/* A shell starts background jobs with SIGINT ignored: keep it so,
	 * or Ctrl-C would pull the namespaces from under the benchmark
	 * before the benchmark itself has stopped. */
	sigaction(SIGINT, NULL, &sa);
	if (sa.sa_handler != SIG_IGN)
		sigaddset(&sigs, SIGINT);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	/* Never outlive the benchmark, however it ends. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		return 1;

	f.fds = calloc(f.anon ? f.anon : 1, sizeof(*f.fds));
	if (!f.fds)
		return 1;
	homefd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (homefd < 0) {
		fprintf(stderr, NSFARM_NAME ": cannot open network namespace: %s\n",
			strerror(errno));
		return 1;
	}
	for (; f.named_made < f.named; f.named_made++) {
		if (farm_stopped(&sigs)) {
			r = 0;
			goto out_clear;
		}
		r = farm_add_named(&f, f.named_made, homefd);
		if (r < 0) {
			fprintf(stderr, NSFARM_NAME ": cannot add namespace %s%lu "
				"in \"%s\": %s\n", f.prefix, f.named_made, f.dir,
				strerror(-r));
			goto out_clear;
		}
	}
	r = farm_add_anon(&f, homefd, &sigs);
	if (r < 0) {
		fprintf(stderr, NSFARM_NAME ": cannot add anonymous namespaces: %s\n",
			strerror(-r));
		goto out_clear;
	}
	r = farm_write_list(&f, list);
	if (r < 0) {
		fprintf(stderr, NSFARM_NAME ": cannot write \"%s\": %s\n", list,
			strerror(-r));
		goto out_clear;
	}
	while (sigwait(&sigs, &sig) != 0)
		;
	r = 0;

out_clear:
	farm_clear(&f);
	close(homefd);
	free(f.fds);
	return r < 0 ? 1 : 0;

usage:
	fprintf(stderr, "Usage: " NSFARM_NAME
		" [-d NETNS_DIR] [-p PREFIX] -o LIST NAMED ANON\n");
	return 2;
}
