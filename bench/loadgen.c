// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * loadgen - T threads, each in a network namespace of its own choosing,
 * hammer one path for S seconds and count what they managed.
 *
 *   stat  stat(2) only: glibc's check for a changed resolv.conf, made at
 *         every name lookup;
 *   read  stat + open + read to end of file + close: what a resolver
 *         reload does (stdio reads until read(2) returns 0).
 *
 * Usage: loadgen [-m stat|read] [-t THREADS] [-s SECONDS] [-r OPS]
 *                [-n NSLIST] [-j] PATH [NSPATH...]
 *
 * The namespaces are NSPATH arguments and the lines of NSLIST (paths such
 * as /run/netns/NAME, /proc/PID/ns/net or /proc/PID/fd/N).  Thread i starts at namespace
 * i*M/T, so threads are spread over the list; with -r OPS a thread moves
 * on to the next namespace every OPS operations, so over a run the daemon
 * meets many namespaces, not T of them.
 *
 * Output, one line: ops=N seconds=S ops_per_s=R errors=E (or JSON, -j).
 * Exit status 1 if any operation failed.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LOADGEN_NAME	"loadgen"

enum lg_mode { LG_STAT, LG_READ };

struct lg {
	const char *path;
	enum lg_mode mode;
	unsigned long rotate;
	char **ns;
	size_t nns, nalloc;
	pthread_barrier_t start;
	atomic_bool stop;
	atomic_int first_errno;
};

struct lg_thread {
	struct lg *lg;
	pthread_t tid;
	size_t ns_idx;
	unsigned long long ops, errors;
	int setup_err;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int lg_enter(const struct lg *lg, size_t idx)
{
	int fd, r = 0;

	fd = open(lg->ns[idx], O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* setns(2) moves this thread only: the FUSE request carries its TID. */
	if (setns(fd, CLONE_NEWNET) < 0)
		r = -errno;
	close(fd);
	return r;
}

static int lg_op(const struct lg *lg)
{
	char buf[4096];
	struct stat st;
	ssize_t n;
	int fd;

	if (stat(lg->path, &st) < 0)
		return -errno;
	if (lg->mode == LG_STAT)
		return 0;
	fd = open(lg->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do
		n = read(fd, buf, sizeof(buf));
	while (n > 0);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	return 0;
}

static void *lg_run(void *arg)
{
	struct lg_thread *t = arg;
	struct lg *lg = t->lg;
	unsigned long since = 0;
	int r, expected = 0;

	if (lg->nns)
		t->setup_err = lg_enter(lg, t->ns_idx);
	pthread_barrier_wait(&lg->start);
	if (t->setup_err)
		return NULL;
	while (!atomic_load_explicit(&lg->stop, memory_order_relaxed)) {
		r = lg_op(lg);
		if (r < 0) {
			t->errors++;
			atomic_compare_exchange_strong(&lg->first_errno,
						       &expected, -r);
		} else {
			t->ops++;
		}
		if (lg->rotate && lg->nns > 1 && ++since == lg->rotate) {
			since = 0;
			t->ns_idx = (t->ns_idx + 1) % lg->nns;
			r = lg_enter(lg, t->ns_idx);
			if (r < 0) {
				t->setup_err = r;
				break;
			}
		}
	}
	return NULL;
}

static int lg_add_ns(struct lg *lg, const char *path)
{
	char **n;

	if (lg->nns == lg->nalloc) {
		lg->nalloc = lg->nalloc ? 2 * lg->nalloc : 64;
		n = realloc(lg->ns, lg->nalloc * sizeof(*n));
		if (!n)
			return -ENOMEM;
		lg->ns = n;
	}
	lg->ns[lg->nns] = strdup(path);
	if (!lg->ns[lg->nns])
		return -ENOMEM;
	lg->nns++;
	return 0;
}

static int lg_read_list(struct lg *lg, const char *file)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *in;
	int r = 0;

	in = fopen(file, "re");
	if (!in)
		return -errno;
	while ((n = getline(&line, &cap, in)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (!n)
			continue;
		r = lg_add_ns(lg, line);
		if (r < 0)
			break;
	}
	free(line);
	fclose(in);
	return r;
}

static unsigned long parse_ulong(const char *s, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end) {
		fprintf(stderr, LOADGEN_NAME ": bad %s \"%s\"\n", what, s);
		exit(2);
	}
	return v;
}

static void usage(FILE *out)
{
	fprintf(out, "Usage: " LOADGEN_NAME " [-m stat|read] [-t THREADS] "
		"[-s SECONDS] [-r OPS] [-n NSLIST] [-j] PATH [NSPATH...]\n");
}

int main(int argc, char *argv[])
{
	struct lg lg = { .mode = LG_STAT };
	struct lg_thread *th;
	unsigned long threads = 1, i;
	unsigned long long ops = 0, errors = 0;
	double seconds = 5, t0, t1;
	const char *list = NULL;
	int json = 0, opt, r, setup_err = 0;
	struct timespec ts;

	while ((opt = getopt(argc, argv, "m:t:s:r:n:jh")) != -1) {
		switch (opt) {
		case 'm':
			if (!strcmp(optarg, "stat")) {
				lg.mode = LG_STAT;
			} else if (!strcmp(optarg, "read")) {
				lg.mode = LG_READ;
			} else {
				fprintf(stderr, LOADGEN_NAME ": bad mode \"%s\"\n",
					optarg);
				return 2;
			}
			break;
		case 't':
			threads = parse_ulong(optarg, "thread count");
			break;
		case 's':
			seconds = strtod(optarg, NULL);
			break;
		case 'r':
			lg.rotate = parse_ulong(optarg, "rotation");
			break;
		case 'n':
			list = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc || !threads || threads > 4096 || seconds <= 0) {
		usage(stderr);
		return 2;
	}
	lg.path = argv[optind++];
	for (; optind < argc; optind++)
		if (lg_add_ns(&lg, argv[optind]) < 0)
			return 1;
	if (list) {
		r = lg_read_list(&lg, list);
		if (r < 0) {
			fprintf(stderr, LOADGEN_NAME ": cannot read \"%s\": %s\n",
				list, strerror(-r));
			return 1;
		}
	}

	th = calloc(threads, sizeof(*th));
	if (!th)
		return 1;
	pthread_barrier_init(&lg.start, NULL, threads + 1);
	for (i = 0; i < threads; i++) {
		th[i].lg = &lg;
		th[i].ns_idx = lg.nns ? i * lg.nns / threads : 0;
		r = pthread_create(&th[i].tid, NULL, lg_run, &th[i]);
		if (r) {
			fprintf(stderr, LOADGEN_NAME ": cannot start thread: %s\n",
				strerror(r));
			return 1;
		}
	}
	pthread_barrier_wait(&lg.start);
	t0 = now();
	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	atomic_store(&lg.stop, true);
	t1 = now();
	for (i = 0; i < threads; i++) {
		pthread_join(th[i].tid, NULL);
		ops += th[i].ops;
		errors += th[i].errors;
		if (th[i].setup_err && !setup_err)
			setup_err = th[i].setup_err;
	}
	if (setup_err)
		fprintf(stderr, LOADGEN_NAME ": cannot enter network namespace: %s\n",
			strerror(-setup_err));
	if (errors)
		fprintf(stderr, LOADGEN_NAME ": %llu operations on \"%s\" failed, "
			"first: %s\n", errors, lg.path,
			strerror(atomic_load(&lg.first_errno)));

	if (json)
		printf("{\"ops\": %llu, \"seconds\": %.3f, \"ops_per_s\": %.0f, "
		       "\"errors\": %llu}\n", ops, t1 - t0, ops / (t1 - t0),
		       errors);
	else
		printf("ops=%llu seconds=%.3f ops_per_s=%.0f errors=%llu\n",
		       ops, t1 - t0, ops / (t1 - t0), errors);

	for (i = 0; i < lg.nns; i++)
		free(lg.ns[i]);
	free(lg.ns);
	free(th);
	return errors || setup_err ? 1 : 0;
}
