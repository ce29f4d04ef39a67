// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rcfs-stress: load and fault generator for the reliability tests.  A
 * loop in C does in a second what a shell loop does in a minute, and it
 * can tell an empty, a half-written and another namespace's file apart.
 *
 *   gen TAG GEN                 print generation GEN of TAG's file
 *   check TAG FILE              exit 0 if FILE is a whole file of TAG
 *   read [-t THREADS] [-n READS] [-s STOPFILE] [-p] FILE NSPATH:TAG...
 *                               THREADS threads, spread over the
 *                               namespaces (setns(2) per thread), loop
 *                               open/read/close and classify each read:
 *                               READS in all, and on until STOPFILE
 *                               exists (looked for at every read with
 *                               -p); also the longest time a thread
 *                               went without a whole read (max_gap_ms),
 *                               the longest read, and errors by kind
 *   write [-c] [-n COUNT] [-g FIRSTGEN] FILE NSPATH:TAG...
 *                               rewrite each namespace's file in turn
 *                               through the mount, as an editor does
 *                               (O_TRUNC, several writes, fsync, close);
 *                               with -c, as a shell script does: a child
 *                               that inherits the descriptor is started
 *                               and exits after each write
 *   try [-r TRIES] [-b BYTES] [-f] FILE [NSPATH]
 *                               TRIES times: open O_WRONLY|O_TRUNC,
 *                               write BYTES, fsync if -f, close; count
 *                               where each try failed and how
 *   killwrite [-r TRIES] FILE NSPATH TAG
 *                               TRIES times: a child writes a new
 *                               generation and is SIGKILLed before its
 *                               close (by itself, or by us while it
 *                               waits)
 *   churn [-n COUNT] [-j PAR] FILE
 *                               COUNT children, each in a new network
 *                               namespace, read FILE once and exit
 *   killstorm [-n COUNT] FILE   COUNT children open and read FILE and
 *                               are SIGKILLed at once, mid-request
 *   rename [-n COUNT] FILE BACKING NSPATH TAG
 *                               in NSPATH, COUNT times: write a new
 *                               generation of TAG beside BACKING and
 *                               rename it over BACKING, as a DNS manager
 *                               does, then at once stat and read FILE:
 *                               count answers that showed the file
 *                               before, or an error
 *
 * Results go to stdout as key=value pairs; the exit status is 0 when
 * every operation went as the mode expects.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_NS		16
#define MAX_FILE	(2 * 1024 * 1024)

struct ns {
	const char *path;
	const char *tag;
};

static void usage(void)
{
	fputs("usage: rcfs-stress gen|check|read|write|try|killwrite|churn|killstorm|rename ...\n",
	      stderr);
	exit(2);
}

/* ---- the file format ------------------------------------------------ */

static unsigned int npad(unsigned long gen)
{
	return 8 + (unsigned int)(gen % 50);
}

/* Generation GEN of TAG's file; returns its length. */
static size_t gen_file(char *buf, size_t len, const char *tag,
		       unsigned long gen)
{
	size_t n = 0;

#define ADD(...) (n += (size_t)snprintf(buf + n, n < len ? len - n : 0, __VA_ARGS__))
	ADD("# rcfs-stress %s gen=%lu\n", tag, gen);
	for (unsigned int i = 0; i < npad(gen); i++)
		ADD("# pad %s %lu %u ................................\n",
		    tag, gen, i);
	ADD("nameserver 10.%lu.%lu.%lu\n", (gen >> 16) & 255,
	    (gen >> 8) & 255, gen & 255);
	ADD("search %s.test\n", tag);
	ADD("# end %s gen=%lu\n", tag, gen);
#undef ADD
	return n;
}

enum verdict { V_OK, V_EMPTY, V_PARTIAL, V_FOREIGN };

static const char *const verdict_names[] = {
	[V_OK] = "ok", [V_EMPTY] = "empty", [V_PARTIAL] = "partial",
	[V_FOREIGN] = "foreign",
};

/*
 * A whole file of TAG: the header, every padding line of its generation
 * in order, one nameserver, TAG's search line and the end line, each
 * once, in any order after the padding (netnsctl set moves the
 * nameserver and search lines to the end).  Another tag anywhere is a
 * foreign read; anything missing or cut is a partial one.
 */
static enum verdict classify(const char *buf, size_t len, const char *tag)
{
	char other[128], line[512];
	unsigned long gen, g;
	unsigned int pads = 0, ns = 0, search = 0, end = 0, i;
	const char *p = buf, *e = buf + len;
	size_t tl = strlen(tag);

	if (len == 0)
		return V_EMPTY;
	if (buf[len - 1] != '\n')
		return V_PARTIAL;
	if (sscanf(buf, "# rcfs-stress %127s gen=%lu\n", other, &gen) != 2)
		return V_PARTIAL;
	if (strcmp(other, tag))
		return V_FOREIGN;
	p = memchr(p, '\n', (size_t)(e - p)) + 1;
	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		size_t l = (size_t)(nl - p);

		if (l >= sizeof(line))
			return V_PARTIAL;
		memcpy(line, p, l);
		line[l] = '\0';
		p = nl + 1;
		if (sscanf(line, "# pad %127s %lu %u", other, &g, &i) == 3) {
			if (strcmp(other, tag))
				return V_FOREIGN;
			if (g != gen || i != pads || ns || search || end)
				return V_PARTIAL;
			pads++;
		} else if (!strncmp(line, "nameserver ", 11)) {
			ns++;
		} else if (!strncmp(line, "search ", 7)) {
			if (strncmp(line + 7, tag, tl) || strcmp(line + 7 + tl, ".test"))
				return V_FOREIGN;
			search++;
		} else if (sscanf(line, "# end %127s gen=%lu", other, &g) == 2) {
			if (strcmp(other, tag))
				return V_FOREIGN;
			if (g != gen)
				return V_PARTIAL;
			end++;
		} else {
			return V_PARTIAL;
		}
	}
	if (pads != npad(gen) || ns != 1 || search != 1 || end != 1)
		return V_PARTIAL;
	return V_OK;
}

static int read_all(int fd, char *buf, size_t size, size_t *ret_len)
{
	size_t n = 0;
	ssize_t r;

	while (n < size && (r = read(fd, buf + n, size - n)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		n += (size_t)r;
	}
	*ret_len = n;
	return 0;
}

static int parse_ns(int argc, char **argv, struct ns *ns)
{
	int n = 0;

	for (int i = 0; i < argc && n < MAX_NS; i++) {
		char *colon = strrchr(argv[i], ':');

		if (!colon)
			usage();
		*colon = '\0';
		ns[n].path = argv[i];
		ns[n].tag = colon + 1;
		n++;
	}
	if (!n)
		usage();
	return n;
}

static int enter_ns(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
		fprintf(stderr, "rcfs-stress: cannot enter %s: %m\n", path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static const char *errname(int e)
{
	switch (e) {
	case 0:		return "0";
	case ENOSPC:	return "ENOSPC";
	case EDQUOT:	return "EDQUOT";
	case EFBIG:	return "EFBIG";
	case EACCES:	return "EACCES";
	case EPERM:	return "EPERM";
	case ENOENT:	return "ENOENT";
	case ENOTCONN:	return "ENOTCONN";
	case EIO:	return "EIO";
	case ELOOP:	return "ELOOP";
	case EINVAL:	return "EINVAL";
	}
	return strerror(e);
}

/* ---- gen, check ------------------------------------------------------ */

static int cmd_gen(int argc, char **argv)
{
	static char buf[MAX_FILE];
	size_t n;

	if (argc != 3)
		usage();
	n = gen_file(buf, sizeof(buf), argv[1], strtoul(argv[2], NULL, 10));
	return fwrite(buf, 1, n, stdout) == n ? 0 : 1;
}

static int cmd_check(int argc, char **argv)
{
	static char buf[MAX_FILE];
	enum verdict v;
	size_t n;
	int fd, r;

	if (argc != 3)
		usage();
	fd = open(argv[2], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		printf("error=%s\n", errname(errno));
		return 1;
	}
	r = read_all(fd, buf, sizeof(buf), &n);
	close(fd);
	if (r < 0) {
		printf("error=%s\n", errname(-r));
		return 1;
	}
	v = classify(buf, n, argv[1]);
	printf("%s\n", verdict_names[v]);
	return v != V_OK;
}

/* ---- read ------------------------------------------------------------ */

struct reader {
	pthread_t thread;
	const struct ns *ns;
	const char *file;
	const char *stopfile;
	unsigned long todo;
	bool poll_stop;
	unsigned long count[4], errors;
	int first_errno;
	unsigned long eio, econnaborted, enotconn;
	long long last_ok_ms, max_gap_ms, max_read_ms;
};

static long long mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void *reader_main(void *arg)
{
	struct reader *rd = arg;
	char *buf = malloc(MAX_FILE);
	unsigned long i;

	if (!buf || enter_ns(rd->ns->path) < 0) {
		rd->errors++;
		free(buf);
		return NULL;
	}
	for (i = 0;; i++) {
		size_t n = 0;
		int fd, r;

		/* at least TODO reads, then on until the stop file appears
		 * (polled every 1000 reads: cheap) */
		long long t0, t1;
		enum verdict v;

		if (i >= rd->todo && (!rd->stopfile ||
		    ((rd->poll_stop || i % 1000 == 0) &&
		     access(rd->stopfile, F_OK) == 0)))
			break;
		t0 = mono_ms();
		if (!rd->last_ok_ms)
			rd->last_ok_ms = t0;
		fd = open(rd->file, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			r = -errno;
		} else {
			r = read_all(fd, buf, MAX_FILE, &n);
			if (close(fd) < 0 && r == 0)
				r = -errno;
		}
		t1 = mono_ms();
		if (t1 - t0 > rd->max_read_ms)
			rd->max_read_ms = t1 - t0;
		if (r < 0) {
			if (!rd->errors++)
				rd->first_errno = -r;
			rd->eio += r == -EIO;
			rd->econnaborted += r == -ECONNABORTED;
			rd->enotconn += r == -ENOTCONN;
			continue;
		}
		v = classify(buf, n, rd->ns->tag);
		rd->count[v]++;
		if (v != V_OK)
			continue;
		if (t1 - rd->last_ok_ms > rd->max_gap_ms)
			rd->max_gap_ms = t1 - rd->last_ok_ms;
		rd->last_ok_ms = t1;
	}
	if (rd->last_ok_ms && mono_ms() - rd->last_ok_ms > rd->max_gap_ms)
		rd->max_gap_ms = mono_ms() - rd->last_ok_ms;
	free(buf);
	return NULL;
}

static int cmd_read(int argc, char **argv)
{
	struct reader rd[64];
	struct ns ns[MAX_NS];
	unsigned long reads = 100000, total[4] = { 0 }, errors = 0;
	unsigned long eio = 0, econnaborted = 0, enotconn = 0;
	long long max_gap = 0, max_read = 0;
	const char *stopfile = NULL;
	bool poll_stop = false;
	int threads = 4, nns, c, first_errno = 0;
	struct timespec t0, t1;
	double secs;

	while ((c = getopt(argc, argv, "t:n:s:p")) != -1) {
		switch (c) {
		case 'p':
			poll_stop = true;
			break;
		case 't':
			threads = atoi(optarg);
			break;
		case 'n':
			reads = strtoul(optarg, NULL, 10);
			break;
		case 's':
			stopfile = optarg;
			break;
		default:
			usage();
		}
	}
	if (threads < 1 || threads > 64 || argc - optind < 2)
		usage();
	nns = parse_ns(argc - optind - 1, argv + optind + 1, ns);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < threads; i++) {
		rd[i] = (struct reader){
			.ns = &ns[i % nns], .file = argv[optind],
			.stopfile = stopfile, .poll_stop = poll_stop,
			.todo = reads / (unsigned long)threads +
				((unsigned long)i < reads % (unsigned long)threads),
		};
		if (pthread_create(&rd[i].thread, NULL, reader_main, &rd[i])) {
			fputs("rcfs-stress: cannot create a thread\n", stderr);
			return 1;
		}
	}
	for (int i = 0; i < threads; i++) {
		pthread_join(rd[i].thread, NULL);
		for (int v = 0; v < 4; v++)
			total[v] += rd[i].count[v];
		if (rd[i].errors && !errors)
			first_errno = rd[i].first_errno;
		errors += rd[i].errors;
		eio += rd[i].eio;
		econnaborted += rd[i].econnaborted;
		enotconn += rd[i].enotconn;
		if (rd[i].max_gap_ms > max_gap)
			max_gap = rd[i].max_gap_ms;
		if (rd[i].max_read_ms > max_read)
			max_read = rd[i].max_read_ms;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("reads=%lu ok=%lu empty=%lu partial=%lu foreign=%lu errors=%lu "
	       "first_error=%s threads=%d namespaces=%d seconds=%.1f "
	       "max_gap_ms=%lld max_read_ms=%lld eio=%lu econnaborted=%lu "
	       "enotconn=%lu\n",
	       total[0] + total[1] + total[2] + total[3] + errors, total[V_OK],
	       total[V_EMPTY], total[V_PARTIAL], total[V_FOREIGN], errors,
	       errname(first_errno), threads, nns, secs, max_gap, max_read,
	       eio, econnaborted, enotconn);
	return (total[V_EMPTY] || total[V_PARTIAL] || total[V_FOREIGN] ||
		errors) ? 1 : 0;
}

/* ---- write ----------------------------------------------------------- */

/* A child that inherits every descriptor and exits at once: its exit
 * closes its copy of the writer's descriptor (a FLUSH of its own). */
static int spawn_child(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return errno;
	if (pid == 0)
		_exit(0);
	if (waitpid(pid, &status, 0) != pid)
		return errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : ECHILD;
}

/* Write BUF as an editor does: truncate, a few writes, fsync, close;
 * with CHILDREN, a child after each write, as a script's commands.
 * Returns 0 or the errno of the first failing step; *RET_STEP names it. */
static int write_file(const char *file, const char *buf, size_t len,
		      size_t chunk, bool do_fsync, bool children,
		      const char **ret_step)
{
	size_t off = 0;
	int fd, e = 0;

	*ret_step = "open";
	fd = open(file, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return errno;
	*ret_step = "write";
	while (off < len) {
		size_t n = len - off < chunk ? len - off : chunk;
		ssize_t w = write(fd, buf + off, n);

		if (w < 0) {
			e = errno;
			break;
		}
		off += (size_t)w;
		if (children) {
			*ret_step = "fork";
			e = spawn_child();
			if (e)
				break;
			*ret_step = "write";
		}
	}
	if (!e && do_fsync) {
		*ret_step = "fsync";
		if (fsync(fd) < 0)
			e = errno;
	}
	if (close(fd) < 0 && !e) {
		*ret_step = "close";
		e = errno;
	}
	return e;
}

static int cmd_write(int argc, char **argv)
{
	static char buf[MAX_FILE];
	struct ns ns[MAX_NS];
	unsigned long count = 1000, gen = 1, errors = 0;
	int nns, c, cur = -1;
	bool children = false;

	while ((c = getopt(argc, argv, "cn:g:")) != -1) {
		switch (c) {
		case 'c':
			children = true;
			break;
		case 'n':
			count = strtoul(optarg, NULL, 10);
			break;
		case 'g':
			gen = strtoul(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	if (argc - optind < 2)
		usage();
	nns = parse_ns(argc - optind - 1, argv + optind + 1, ns);
	for (unsigned long i = 0; i < count; i++, gen++) {
		int k = (int)(i % (unsigned long)nns);
		const char *step;
		size_t len;
		int e;

		if (k != cur) {
			if (enter_ns(ns[k].path) < 0)
				return 1;
			cur = k;
		}
		len = gen_file(buf, sizeof(buf), ns[k].tag, gen);
		/* three writes: a reader between them must not see a part */
		e = write_file(argv[optind], buf, len, len / 3 + 1, i % 2,
			       children, &step);
		/* the first error ends the run: a dead daemon must not
		 * keep us looping */
		if (e) {
			fprintf(stderr, "rcfs-stress: %s of %s: %s\n", step,
				ns[k].tag, strerror(e));
			errors++;
			count = i + 1;
			break;
		}
	}
	printf("writes=%lu errors=%lu namespaces=%d children=%s\n", count,
	       errors, nns, children ? "yes" : "no");
	return errors ? 1 : 0;
}

/* ---- try ------------------------------------------------------------- */

static int cmd_try(int argc, char **argv)
{
	static char buf[MAX_FILE];
	unsigned long tries = 100, ok = 0, failed[4] = { 0 };
	static const char *const steps[] = { "open", "write", "fsync", "close" };
	size_t bytes = 65536;
	bool do_fsync = false;
	int c, first = 0;

	while ((c = getopt(argc, argv, "r:b:f")) != -1) {
		switch (c) {
		case 'r':
			tries = strtoul(optarg, NULL, 10);
			break;
		case 'b':
			bytes = strtoul(optarg, NULL, 10);
			break;
		case 'f':
			do_fsync = true;
			break;
		default:
			usage();
		}
	}
	if (argc - optind < 1 || argc - optind > 2 || bytes > sizeof(buf))
		usage();
	if (argc - optind == 2 && enter_ns(argv[optind + 1]) < 0)
		return 1;
	for (size_t i = 0; i < bytes; i++)
		buf[i] = (i % 64 == 63) ? '\n' : '#';
	for (unsigned long i = 0; i < tries; i++) {
		const char *step;
		int e = write_file(argv[optind], buf, bytes, 4096, do_fsync,
				   false, &step);

		if (!e) {
			ok++;
			continue;
		}
		if (!first)
			first = e;
		for (int s = 0; s < 4; s++)
			if (!strcmp(step, steps[s]))
				failed[s]++;
	}
	printf("tries=%lu ok=%lu failed_open=%lu failed_write=%lu "
	       "failed_fsync=%lu failed_close=%lu first_error=%s\n",
	       tries, ok, failed[0], failed[1], failed[2], failed[3],
	       errname(first));
	return 0;
}

/* ---- killwrite ------------------------------------------------------- */

static int cmd_killwrite(int argc, char **argv)
{
	static char buf[MAX_FILE];
	unsigned long tries = 10, killed = 0;
	int c;

	while ((c = getopt(argc, argv, "r:")) != -1) {
		if (c != 'r')
			usage();
		tries = strtoul(optarg, NULL, 10);
	}
	if (argc - optind != 3)
		usage();
	if (enter_ns(argv[optind + 1]) < 0)
		return 1;
	for (unsigned long i = 0; i < tries; i++) {
		size_t len = gen_file(buf, sizeof(buf), argv[optind + 2],
				      1000000 + i);
		int ready[2], status;
		bool self = i % 2;
		char x;
		pid_t pid;

		if (pipe(ready) < 0)
			return 1;
		pid = fork();
		if (pid < 0)
			return 1;
		if (pid == 0) {
			int fd = open(argv[optind], O_WRONLY | O_TRUNC);

			if (fd < 0 || write(fd, buf, len) != (ssize_t)len)
				_exit(3);
			/* half the children die by their own hand, half
			 * wait for our signal: close is never reached */
			if (self)
				raise(SIGKILL);
			if (write(ready[1], "x", 1) != 1)
				_exit(4);
			pause();
			_exit(5);
		}
		close(ready[1]);
		if (!self && read(ready[0], &x, 1) == 1)
			kill(pid, SIGKILL);
		close(ready[0]);
		if (waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) &&
		    WTERMSIG(status) == SIGKILL)
			killed++;
		else
			fprintf(stderr, "rcfs-stress: writer %d was not killed "
				"(status %#x)\n", (int)pid, status);
	}
	printf("tries=%lu killed=%lu\n", tries, killed);
	return killed == tries ? 0 : 1;
}

/* ---- churn ----------------------------------------------------------- */

static int churn_child(const char *file)
{
	char buf[4096];
	int fd;

	if (unshare(CLONE_NEWNET) < 0)
		return 3;
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 4;
	if (read(fd, buf, sizeof(buf)) < 0)
		return 5;
	close(fd);
	return 0;
}

static int cmd_churn(int argc, char **argv)
{
	unsigned long count = 1000, started = 0, done = 0, ok = 0;
	int par = 4, c, status;

	while ((c = getopt(argc, argv, "n:j:")) != -1) {
		switch (c) {
		case 'n':
			count = strtoul(optarg, NULL, 10);
			break;
		case 'j':
			par = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1 || par < 1)
		usage();
	while (done < count) {
		while (started < count && started - done < (unsigned long)par) {
			pid_t pid = fork();

			if (pid < 0)
				break;
			if (pid == 0)
				_exit(churn_child(argv[optind]));
			started++;
		}
		if (wait(&status) < 0)
			break;
		done++;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			ok++;
	}
	printf("namespaces=%lu ok=%lu\n", done, ok);
	return ok == count ? 0 : 1;
}

/* ---- killstorm ------------------------------------------------------- */

static int cmd_killstorm(int argc, char **argv)
{
	unsigned long count = 1000, killed = 0;
	int c, status;

	while ((c = getopt(argc, argv, "n:")) != -1) {
		if (c != 'n')
			usage();
		count = strtoul(optarg, NULL, 10);
	}
	if (argc - optind != 1)
		usage();
	for (unsigned long i = 0; i < count; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return 1;
		if (pid == 0) {
			char buf[4096];

			for (;;) {
				int fd = open(argv[optind], O_RDONLY);
				struct stat st;

				if (fd >= 0) {
					if (read(fd, buf, sizeof(buf)) < 0 ||
					    fstat(fd, &st) < 0)
						_exit(3);
					close(fd);
				}
			}
		}
		/* vary the moment: some die before their first request,
		 * others in the middle of one */
		if (i % 4) {
			struct timespec ts = { 0, (long)(i % 7) * 50000 };

			nanosleep(&ts, NULL);
		}
		kill(pid, SIGKILL);
		if (waitpid(pid, &status, 0) == pid && WIFSIGNALED(status))
			killed++;
	}
	printf("callers=%lu killed=%lu\n", count, killed);
	return killed == count ? 0 : 1;
}

/* ---- rename ---------------------------------------------------------- */

static int cmd_rename(int argc, char **argv)
{
	static char buf[MAX_FILE], tmp[4096];
	unsigned long count = 1000, stale_stat = 0, stale_read = 0, errors = 0;
	const char *file, *backing, *tag;
	struct stat st, seen;
	int c, fd, r;
	size_t n;

	while ((c = getopt(argc, argv, "n:")) != -1) {
		if (c != 'n')
			usage();
		count = strtoul(optarg, NULL, 10);
	}
	if (argc - optind != 4)
		usage();
	file = argv[optind];
	backing = argv[optind + 1];
	tag = argv[optind + 3];
	if (enter_ns(argv[optind + 2]) < 0)
		return 1;
	snprintf(tmp, sizeof(tmp), "%s.rename-tmp", backing);
	for (unsigned long g = 1; g <= count; g++) {
		n = gen_file(buf, sizeof(buf), tag, g);
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || write(fd, buf, n) != (ssize_t)n ||
		    fstat(fd, &st) < 0 || close(fd) < 0 ||
		    rename(tmp, backing) < 0) {
			printf("error=%s\n", errname(errno));
			return 1;
		}
		/* what glibc's check compares: the inode and the size */
		if (stat(file, &seen) < 0)
			errors++;
		else if (seen.st_ino != st.st_ino || seen.st_size != st.st_size)
			stale_stat++;
		fd = open(file, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			errors++;
			continue;
		}
		r = read_all(fd, buf, sizeof(buf), &n);
		close(fd);
		if (r < 0)
			errors++;
		else if (n != (size_t)st.st_size ||
			 memcmp(buf, "# rcfs-stress ", 14) ||
			 strtoul(strstr(buf, "gen=") ? strstr(buf, "gen=") + 4 : "0",
				 NULL, 10) != g)
			stale_read++;
	}
	printf("renames=%lu stale_stat=%lu stale_read=%lu errors=%lu\n", count,
	       stale_stat, stale_read, errors);
	return stale_stat || stale_read || errors ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} cmds[] = {
		{ "gen", cmd_gen }, { "check", cmd_check },
		{ "read", cmd_read }, { "write", cmd_write },
		{ "try", cmd_try }, { "killwrite", cmd_killwrite },
		{ "churn", cmd_churn }, { "killstorm", cmd_killstorm },
		{ "rename", cmd_rename },
	};

	if (argc < 2)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(*cmds); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	usage();
	return 2;
}
