// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rcfs-race: the loops of the access tests.  Every namespace shares the
 * mount's one kernel inode, so whatever attributes the last stat()
 * brought back are what the kernel checks the next caller against:
 * these loops race a user's stat() in one namespace against the same
 * user's attempts on the file of another.
 *
 *   stat FILE STOPFILE
 *       stat() FILE in a loop until STOPFILE exists; prints stats=N
 *   attack [-s SECONDS] [-n MIN] [-o OPS] FILE
 *       at least SECONDS (default 5) and at least MIN rounds (default
 *       200): each round tries every operation of OPS (a comma list,
 *       default all but read) once on FILE:
 *         chmod     chmod(FILE, 0666)
 *         chown     chown(FILE, getuid(), -1)
 *         utime     utimensat(FILE, 1000000000 s): explicit times
 *         trunc     open(O_WRONLY|O_TRUNC), then write and close
 *         write     open(O_WRONLY), then write and close
 *         truncate  truncate(FILE, 0)
 *         read      open(O_RDONLY) and read
 *       Prints one line per operation: "OP ok=N EACCES=N EPERM=N
 *       other=N first_other=ERRNO"; exits 0.
 *   mmap [-s SECONDS] [-n MIN] FILE WANTFILE
 *       the same way, map FILE with MAP_PRIVATE and read the mapping
 *       twice, with a yield between, at WANTFILE's length, and compare
 *       with WANTFILE's content.  Prints "maps=N own=N foreign=N
 *       mmap_failed=N sigbus=N open_failed=N first_error=ERRNO":
 *       foreign counts the maps that showed other bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void usage(void)
{
	fputs("usage: rcfs-race stat FILE STOPFILE | "
	      "attack [-s SECONDS] [-n MIN] [-o OPS] FILE | "
	      "mmap [-s SECONDS] [-n MIN] FILE WANTFILE\n", stderr);
	exit(2);
}

static const char *errname(int e)
{
	switch (e) {
	case 0:		return "0";
	case EACCES:	return "EACCES";
	case EPERM:	return "EPERM";
	case ENOENT:	return "ENOENT";
	case EIO:	return "EIO";
	case ENODEV:	return "ENODEV";
	case EINVAL:	return "EINVAL";
	case EMFILE:	return "EMFILE";
	case ENOTCONN:	return "ENOTCONN";
	}
	return strerror(e);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- stat ------------------------------------------------------------ */

static int cmd_stat(int argc, char **argv)
{
	unsigned long n = 0;
	struct stat st;

	if (argc != 3)
		usage();
	for (;;) {
		/* the stop file every 1000 stats: cheap */
		if (n % 1000 == 0 && access(argv[2], F_OK) == 0)
			break;
		stat(argv[1], &st);
		n++;
	}
	printf("stats=%lu\n", n);
	return 0;
}

/* ---- attack ---------------------------------------------------------- */

static const char payload[] = "nameserver 6.6.6.6\n";

enum op { CHMOD, CHOWN, UTIME, TRUNC, WRITE, TRUNCATE, READ, NOPS };

static const char *const op_names[NOPS] = {
	[CHMOD] = "chmod", [CHOWN] = "chown", [UTIME] = "utime",
	[TRUNC] = "trunc", [WRITE] = "write", [TRUNCATE] = "truncate",
	[READ] = "read",
};

struct tally {
	unsigned long ok, eacces, eperm, other;
	int first_other;
};

static int open_write(const char *file, int flags)
{
	int fd = open(file, O_WRONLY | flags | O_CLOEXEC), e = 0;

	if (fd < 0)
		return errno;
	if (write(fd, payload, sizeof(payload) - 1) < 0)
		e = errno;
	if (close(fd) < 0 && !e)
		e = errno;
	return e;
}

static int try_op(enum op op, const char *file)
{
	struct timespec ts[2] = { { .tv_sec = 1000000000 },
				  { .tv_sec = 1000000000 } };
	char buf[4096];
	int fd;

	switch (op) {
	case CHMOD:
		return chmod(file, 0666) < 0 ? errno : 0;
	case CHOWN:
		return chown(file, getuid(), (gid_t)-1) < 0 ? errno : 0;
	case UTIME:
		return utimensat(AT_FDCWD, file, ts, 0) < 0 ? errno : 0;
	case TRUNC:
		return open_write(file, O_TRUNC);
	case WRITE:
		return open_write(file, 0);
	case TRUNCATE:
		return truncate(file, 0) < 0 ? errno : 0;
	case READ:
		fd = open(file, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return errno;
		if (read(fd, buf, sizeof(buf)) < 0) {
			close(fd);
			return errno;
		}
		close(fd);
		return 0;
	case NOPS:
		break;
	}
	return EINVAL;
}

static bool parse_ops(char *list, bool *want)
{
	for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
		int i;

		for (i = 0; i < NOPS && strcmp(tok, op_names[i]); i++)
			;
		if (i == NOPS)
			return false;
		want[i] = true;
	}
	return true;
}

static int cmd_attack(int argc, char **argv)
{
	bool want[NOPS] = { true, true, true, true, true, true, false };
	struct tally t[NOPS] = { 0 };
	unsigned long rounds = 0, min = 200;
	double secs = 5, end;
	int c;

	while ((c = getopt(argc, argv, "s:n:o:")) != -1) {
		switch (c) {
		case 's':
			secs = atof(optarg);
			break;
		case 'n':
			min = strtoul(optarg, NULL, 10);
			break;
		case 'o':
			memset(want, 0, sizeof(want));
			if (!parse_ops(optarg, want))
				usage();
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1)
		usage();
	end = now() + secs;
	while (rounds < min || now() < end) {
		for (int i = 0; i < NOPS; i++) {
			int e;

			if (!want[i])
				continue;
			e = try_op((enum op)i, argv[optind]);
			if (e == 0) {
				t[i].ok++;
			} else if (e == EACCES) {
				t[i].eacces++;
			} else if (e == EPERM) {
				t[i].eperm++;
			} else if (!t[i].other++) {
				t[i].first_other = e;
			}
		}
		rounds++;
	}
	for (int i = 0; i < NOPS; i++)
		if (want[i])
			printf("%s ok=%lu EACCES=%lu EPERM=%lu other=%lu "
			       "first_other=%s\n", op_names[i], t[i].ok,
			       t[i].eacces, t[i].eperm, t[i].other,
			       errname(t[i].first_other));
	return 0;
}

/* ---- mmap ------------------------------------------------------------ */

static sigjmp_buf on_bus;

static void bus(int sig)
{
	(void)sig;
	siglongjmp(on_bus, 1);
}

enum mapped { M_OWN, M_FOREIGN, M_MAP_FAILED, M_SIGBUS, M_OPEN_FAILED };

/* Map FILE once, read the mapping twice; *ERR gets a failure's errno. */
static enum mapped map_once(const char *file, const char *want, size_t len,
			    int *err)
{
	static char got[65536];
	volatile char *p;
	enum mapped m;
	int fd;

	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*err = errno;
		return M_OPEN_FAILED;
	}
	/* the length of our own file: another namespace's content of the
	 * same length shows as other bytes */
	p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		*err = errno;
		close(fd);
		return M_MAP_FAILED;
	}
	m = M_OWN;
	if (sigsetjmp(on_bus, 1)) {
		m = M_SIGBUS;
	} else {
		for (int pass = 0; pass < 2 && m == M_OWN; pass++) {
			for (size_t i = 0; i < len; i++)
				got[i] = p[i];
			if (memcmp(got, want, len))
				m = M_FOREIGN;
			sched_yield();
		}
	}
	munmap((void *)p, len);
	close(fd);
	return m;
}

static int cmd_mmap(int argc, char **argv)
{
	static const char *const names[] = {
		[M_OWN] = "own", [M_FOREIGN] = "foreign",
		[M_MAP_FAILED] = "mmap_failed", [M_SIGBUS] = "sigbus",
		[M_OPEN_FAILED] = "open_failed",
	};
	unsigned long maps = 0, count[5] = { 0 }, min = 200;
	struct sigaction sa = { .sa_handler = bus };
	static char want[65536];
	double secs = 5, end;
	ssize_t wlen;
	int c, fd, first = 0;

	while ((c = getopt(argc, argv, "s:n:")) != -1) {
		switch (c) {
		case 's':
			secs = atof(optarg);
			break;
		case 'n':
			min = strtoul(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 2)
		usage();
	fd = open(argv[optind + 1], O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (wlen = read(fd, want, sizeof(want))) <= 0) {
		fprintf(stderr, "rcfs-race: cannot read %s\n", argv[optind + 1]);
		return 1;
	}
	close(fd);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
	end = now() + secs;
	for (maps = 0; maps < min || now() < end; maps++) {
		int e = 0;

		count[map_once(argv[optind], want, (size_t)wlen, &e)]++;
		if (e && !first)
			first = e;
	}
	printf("maps=%lu", maps);
	for (int i = 0; i < 5; i++)
		printf(" %s=%lu", names[i], count[i]);
	printf(" first_error=%s\n", errname(first));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(argv[1], "stat"))
		return cmd_stat(argc - 1, argv + 1);
	if (!strcmp(argv[1], "attack"))
		return cmd_attack(argc - 1, argv + 1);
	if (!strcmp(argv[1], "mmap"))
		return cmd_mmap(argc - 1, argv + 1);
	usage();
	return 2;
}
