// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The keeper's bookkeeping: its command line (from the process that
 * mounted, or from its previous image), its log, the state it
 * publishes, the next image, and the requests it fails while no server
 * runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fuse.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemonstate.h"
#include "keeper.h"
#include "keeper-int.h"
#include "paths.h"

static bool to_syslog;

/*
 * One write(2) a line: the serving process logs to the same stderr, and
 * pieces written apart interleave with its lines.
 */
void keeper_log(int prio, const char *fmt, ...)
{
	char msg[1000], line[sizeof(msg) + 16];
	va_list ap;
	int n;

	va_start(ap, fmt);
	if (to_syslog) {
		vsyslog(prio, fmt, ap);
		va_end(ap);
		return;
	}
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n = snprintf(line, sizeof(line), "resolvconffs: %s\n", msg);
	if (write(STDERR_FILENO, line, (size_t)n) < 0) {
		/* nowhere else to say it */
	}
}

/* --NAME=VALUE: VALUE, or NULL. */
static const char *opt(const char *arg, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(arg, name, n) && arg[n] == '=' ? arg + n + 1 : NULL;
}

/* --resume=PID,GEN,RESTARTS,QUICK,MAX_WRITE,READY_MS: a previous image
 * of the keeper, whose server goes on serving. */
static int resume(const char *v)
{
	int pid;

	if (sscanf(v, "%d,%u,%u,%u,%u,%lld", &pid, &k.gen, &k.restarts,
		   &k.quick, &k.max_write, &k.cur.ready_ms) != 6 || pid <= 0)
		return -EINVAL;
	k.cur.pid = pid;
	k.cur.gen = k.gen;
	k.cur.ready = true;
	k.cur.status_fd = -1;
	k.next.status_fd = -1;
	k.first_done = true;
	return 0;
}

int parse_args(char **argv)
{
	const char *v;
	int argc;

	k.argv = argv;
	k.cur.status_fd = -1;
	k.next.status_fd = -1;
	argc = rcfs_keeper_args_read(&k.args);
	if (argc < 0)
		return argc;
	for (int i = 0; i < argc; i++) {
		const char *a = k.args[i];

		if ((v = opt(a, "--fuse")))
			k.fuse_fd = atoi(v);
		else if ((v = opt(a, "--state")))
			k.state_fd = atoi(v);
		else if ((v = opt(a, "--ready")))
			k.ready_fd = atoi(v);
		else if ((v = opt(a, "--dev")))
			k.dev = (char *)v;
		else if ((v = opt(a, "--mountpoint")))
			k.mountpoint = (char *)v;
		else if ((v = opt(a, "--server")))
			k.server_path = (char *)v;
		else if ((v = opt(a, "--keeper")))
			k.keeper_path = (char *)v;
		else if ((v = opt(a, "--serve-opts")))
			k.serve_opts = (char *)v;
		else if ((v = opt(a, "--reason")))
			snprintf(k.reason, sizeof(k.reason), "%s", v);
		else if ((v = opt(a, "--version")))
			snprintf(k.version, sizeof(k.version), "%s", v);
		else if ((v = opt(a, "--callers")))
			snprintf(k.callers, sizeof(k.callers), "%s", v);
		else if ((v = opt(a, "--resume"))) {
			if (resume(v) < 0)
				return -EINVAL;
		} else if (!strcmp(a, "--resend") || !strcmp(a, "--no-resend"))
			k.resend = a[2] == 'r';
		else if (!strcmp(a, "--detach") || !strcmp(a, "--foreground"))
			k.detach = a[2] == 'd';
		/* --host and others: for the servers, kept open by exec */
	}
	if (k.fuse_fd < 0 || k.state_fd < 0 || !k.dev || !k.mountpoint ||
	    !k.server_path || !k.keeper_path || !k.serve_opts)
		return -EINVAL;
	if (k.first_done && k.detach) {
		to_syslog = true;
		openlog("resolvconffs", LOG_PID, LOG_DAEMON);
	}
	return 0;
}

void publish(void)
{
	struct stat st;
	size_t len, cap;
	ssize_t n;
	char *text;
	int r = -ENOMEM;

	if (fstat(k.state_fd, &st) < 0)
		return;
	cap = (size_t)st.st_size + 1024 + sizeof(k.reason);
	text = malloc(cap);
	if (!text)
		goto out;
	len = (size_t)snprintf(text, cap, RCFS_STATE_PID "=%d\n", (int)getpid());
	n = pread(k.state_fd, text + len, (size_t)st.st_size, 0);
	if (n < 0) {
		r = -errno;
		goto out;
	}
	len += (size_t)n;
	if (*k.callers)
		len += (size_t)snprintf(text + len, cap - len,
					RCFS_STATE_CALLERS "=%s\n", k.callers);
	if (*k.version)
		len += (size_t)snprintf(text + len, cap - len,
					RCFS_STATE_VERSION "=%s\n", k.version);
	len += (size_t)snprintf(text + len, cap - len,
				RCFS_STATE_SERVER "=%d\n" RCFS_STATE_RESTARTS
				"=%u\n", (int)k.cur.pid, k.restarts);
	if (*k.reason)
		len += (size_t)snprintf(text + len, cap - len,
					RCFS_STATE_REASON "=%s\n", k.reason);
	r = rcfs_state_publish(k.dev, text, len);
out:
	if (r < 0)
		keeper_log(LOG_WARNING, "cannot publish settings in %s: %s",
			   RCFS_STATE_DIR, strerror(-r));
	free(text);
}

void ready_line(struct server *s, char *line)
{
	char *save = NULL, *tok;
	const char *v;

	for (tok = strtok_r(line, " \n", &save); tok;
	     tok = strtok_r(NULL, " \n", &save)) {
		if ((v = opt(tok, "version")))
			snprintf(k.version, sizeof(k.version), "%s", v);
		else if ((v = opt(tok, "callers")))
			snprintf(k.callers, sizeof(k.callers), "%s", v);
		else if ((v = opt(tok, "max_write")))
			k.max_write = (unsigned int)strtoul(v, NULL, 10);
	}
	s->ready = true;
	s->ready_ms = now_ms();
}

void detach_done(void)
{
	char ok = 0;
	int null;

	if (k.ready_fd < 0)
		return;
	if (k.detach) {
		to_syslog = true;
		openlog("resolvconffs", LOG_PID, LOG_DAEMON);
		if (chdir("/") < 0) {
			/* nothing depends on the cwd */
		}
		null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
			close(null);
		}
	}
	if (write(k.ready_fd, &ok, 1) != 1) {
		/* the parent is gone: nobody to tell */
	}
	close(k.ready_fd);
	k.ready_fd = -1;
}

static bool resume_arg(const char *a)
{
	static const char *const names[] = {
		"--resume", "--reason", "--version", "--callers", "--ready",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (opt(a, names[i]))
			return true;
	return false;
}

void reexec(void)
{
	char resume[128], env[16], *reason = NULL, *version = NULL;
	char *callers = NULL, **args;
	size_t n = 0;
	int argc = 0, fd = -1;

	while (k.args[argc])
		argc++;
	args = calloc((size_t)argc + 5, sizeof(*args));
	if (!args || asprintf(&reason, "--reason=%s", k.reason) < 0 ||
	    asprintf(&version, "--version=%s", k.version) < 0 ||
	    asprintf(&callers, "--callers=%s", k.callers) < 0) {
		keeper_log(LOG_ERR, "upgrade: out of memory");
		goto out;
	}
	for (int i = 0; i < argc; i++)
		if (!resume_arg(k.args[i]))
			args[n++] = k.args[i];
	snprintf(resume, sizeof(resume), "--resume=%d,%u,%u,%u,%u,%lld",
		 (int)k.cur.pid, k.gen, k.restarts, k.quick, k.max_write,
		 k.cur.ready_ms);
	args[n++] = resume;
	args[n++] = reason;
	args[n++] = version;
	args[n++] = callers;
	fd = rcfs_keeper_args_write(args);
	if (fd < 0) {
		errno = -fd;
	} else {
		snprintf(env, sizeof(env), "%d", fd);
		setenv(RCFS_KEEPER_ENV, env, 1);
		execv(k.keeper_path, k.argv);
		unsetenv(RCFS_KEEPER_ENV);
		close(fd);
	}
	keeper_log(LOG_ERR, "upgrade: cannot run %s: %s (going on as before)",
		   k.keeper_path, strerror(errno));
out:
	free(reason);
	free(version);
	free(callers);
	free(args);
}

void backoff_answer(void)
{
	const struct fuse_in_header *in;
	struct fuse_out_header out = { .len = sizeof(out) };
	ssize_t n;

	if (!k.buf) {
		/* the kernel wants room for any request; the pages are
		 * touched only by large ones, and dropped after them */
		k.buflen = (k.max_write > 8192 ? k.max_write : 8192) + 4096;
		k.buf = mmap(NULL, k.buflen, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (k.buf == MAP_FAILED) {
			k.buf = NULL;
			return;
		}
	}
	n = read(k.fuse_fd, k.buf, k.buflen);
	if (n < 0 && errno == ENODEV)
		finish(EXIT_SUCCESS);
	if (n < (ssize_t)sizeof(*in))
		return;
	in = (const void *)k.buf;
	switch (in->opcode) {
	case FUSE_FORGET:
	case FUSE_BATCH_FORGET:
	case FUSE_INTERRUPT:
	case FUSE_INIT:
		break;	/* nothing to answer */
	default:
		out.unique = in->unique;
		out.error = in->opcode == FUSE_RELEASE ? 0 : -EIO;
		if (write(k.fuse_fd, &out, sizeof(out)) < 0) {
			/* the caller was interrupted */
		}
	}
	if (n > 65536)
		madvise(k.buf, k.buflen, MADV_DONTNEED);
}

void backoff_end(void)
{
	if (k.buf)
		munmap(k.buf, k.buflen);
	k.buf = NULL;
}
