// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * resolvconffs-keeper: the daemon's PID once the mount is live (see
 * keeper.h).  It holds the mount's /dev/fuse descriptor, so that the
 * death of a server does not end the mount, and starts servers: the
 * first, one after each death (at once, or after a back-off when they
 * die at once), and on SIGUSR2 one from the binary now installed.  It
 * sleeps in poll(2) on signals and on the status of servers starting;
 * it reads requests only while no server runs, to fail them with EIO.
 *
 * Linked statically with libc and nothing else, to stay small.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fuse.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "daemonstate.h"
#include "keeper.h"
#include "keeper-int.h"
#include "notify.h"
#include "mounts.h"
#include "paths.h"

#ifndef FUSE_NOTIFY_RESEND
#define FUSE_NOTIFY_RESEND 7
#endif

struct keeper k = {
	.fuse_fd = -1, .state_fd = -1, .ready_fd = -1, .sig_fd = -1,
};

long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void server_clear(struct server *s)
{
	if (s->status_fd >= 0)
		close(s->status_fd);
	memset(s, 0, sizeof(*s));
	s->status_fd = -1;
}

/* Start a server into S; START says why (first, crash, upgrade). */
static int spawn(struct server *s, const char *start)
{
	char opts[160];
	unsigned int gen;
	sigset_t none;
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	/* 24 bits in file handle ids (fuseio.c), never 0 */
	gen = k.gen % 0xffffff + 1;
	snprintf(opts, sizeof(opts), "%s=%u,%s=%d,%s=%s,%s=%s", RCFS_SERVE_GEN,
		 gen, RCFS_SERVE_STATUS, sv[1], RCFS_SERVE_READ,
		 k.resend ? "shared" : "clone", RCFS_SERVE_START, start);
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(sv[0]);
		close(sv[1]);
		return -e;
	}
	if (pid == 0) {
		char *argv[] = { k.server_path, RCFS_SERVE_ARG, k.serve_opts,
				 opts, NULL };

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		fcntl(sv[1], F_SETFD, 0);
		execv(k.server_path, argv);
		keeper_log(LOG_ERR, "cannot run %s: %s", k.server_path,
			   strerror(errno));
		_exit(127);
	}
	close(sv[1]);
	server_clear(s);
	s->pid = pid;
	s->gen = k.gen = gen;
	s->status_fd = sv[0];
	s->started_ms = now_ms();
	return 0;
}

/* Whether the connection is gone: unmounted, or aborted. */
static bool mount_gone(void)
{
	struct pollfd p = { .fd = k.fuse_fd };

	return poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP));
}

/* Ask the kernel to send again the requests a dead server had read. */
static void resend(void)
{
	struct fuse_out_header h = {
		.len = sizeof(h), .error = FUSE_NOTIFY_RESEND,
	};

	if (write(k.fuse_fd, &h, sizeof(h)) != sizeof(h))
		keeper_log(LOG_WARNING, "cannot ask the kernel to send the "
			   "requests of the dead server again: %s",
			   strerror(errno));
}

void finish(int status)
{
	char c = (char)status;

	rcfs_state_unpublish(k.dev);
	if (k.ready_fd >= 0 && write(k.ready_fd, &c, 1) != 1) {
		/* the parent is gone: nobody to tell */
	}
	exit(status);
}

struct find_ctx {
	const char *mountpoint;
	char dev[32];
};

static int find_top(const struct rcfs_mount *m, void *data)
{
	struct find_ctx *c = data;

	if (!strcmp(m->fstype, RCFS_FSTYPE) &&
	    !strcmp(m->mountpoint, c->mountpoint))
		rcfs_mount_dev(m, c->dev, sizeof(c->dev));
	return 0;
}

/* Unmount, if the topmost mount on the mount point is still ours: after
 * `umount`, another file system may sit there. */
static void unmount(void)
{
	struct find_ctx c = { .mountpoint = k.mountpoint };

	if (rcfs_mounts_foreach(NULL, find_top, &c) < 0 || strcmp(c.dev, k.dev))
		return;
	if (umount2(k.mountpoint, UMOUNT_NOFOLLOW | MNT_DETACH) < 0)
		keeper_log(LOG_ERR, "cannot unmount %s: %s", k.mountpoint,
			   strerror(errno));
}

static void stop(void)
{
	struct server *v[] = { &k.cur, &k.next };

	if (!k.stopping) {
		k.stopping = true;
		k.stop_ms = now_ms() + RCFS_STOP_TIMEOUT_MS;
		unmount();
	}
	for (size_t i = 0; i < 2; i++)
		if (v[i]->pid)
			kill(v[i]->pid, SIGTERM);
	if (k.retiring)
		kill(k.retiring, SIGTERM);
}

static void describe(const struct server *s, int status, char *buf,
		     size_t len)
{
	int n;

	if (s->timed_out)
		n = snprintf(buf, len, "not ready within %d s",
			     RCFS_START_TIMEOUT_MS / 1000);
	else if (WIFSIGNALED(status))
		n = snprintf(buf, len, "killed by SIG%s",
			     sigabbrev_np(WTERMSIG(status)) ?: "?");
	else
		n = snprintf(buf, len, "exited with status %d",
			     WEXITSTATUS(status));
	if (!s->ready && !s->timed_out && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " before it was ready");
}

/* The serving process died: start another, at once or after a while. */
static void restart(const struct server *dead, int status)
{
	long long now = now_ms();
	bool quick = !dead->ready || now - dead->ready_ms < RCFS_QUICK_DEATH_MS;
	long long delay = 0;
	int r;

	describe(dead, status, k.reason, sizeof(k.reason));
	if (k.resend)
		resend();
	k.restarts++;
	if (quick) {
		/* the first in a row is started again at once */
		if (k.quick)
			delay = RCFS_BACKOFF_MIN_MS <<
				(k.quick - 1 < 10 ? k.quick - 1 : 10);
		if (delay > RCFS_BACKOFF_MAX_MS)
			delay = RCFS_BACKOFF_MAX_MS;
		k.quick++;
	} else {
		k.quick = 0;
	}
	if (delay) {
		keeper_log(LOG_ERR, "serving process %d %s; starting another "
			   "in %lld.%lld s, failing requests with EIO until then",
			   (int)dead->pid, k.reason, delay / 1000,
			   delay % 1000 / 100);
		k.backoff_ms = now + delay;
		publish();
		return;
	}
	r = spawn(&k.cur, "crash");
	if (r < 0) {
		keeper_log(LOG_ERR, "cannot start a serving process: %s",
			   strerror(-r));
		k.backoff_ms = now + RCFS_BACKOFF_MIN_MS;
		return;
	}
	keeper_log(LOG_WARNING, "serving process %d %s; process %d takes over",
		   (int)dead->pid, k.reason, (int)k.cur.pid);
	publish();
}

static void on_death(pid_t pid, int status)
{
	struct server dead;
	char why[160];

	if (pid == k.retiring) {
		k.retiring = 0;
		if (!k.stopping)
			reexec();
		return;
	}
	if (pid == k.next.pid) {
		describe(&k.next, status, why, sizeof(why));
		keeper_log(LOG_ERR, "upgrade failed: the new serving process "
			   "%d %s; process %d goes on", (int)pid, why,
			   (int)k.cur.pid);
		server_clear(&k.next);
		return;
	}
	if (pid != k.cur.pid)
		return;
	dead = k.cur;
	dead.status_fd = -1;
	server_clear(&k.cur);
	if (k.stopping)
		return;
	if (mount_gone())
		finish(EXIT_SUCCESS);
	if (!k.first_done) {
		describe(&dead, status, why, sizeof(why));
		keeper_log(LOG_ERR, "the serving process %s", why);
		unmount();
		finish(EXIT_FAILURE);
	}
	restart(&dead, status);
}

static void reap(void)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		on_death(pid, status);
}

/* A server's status line: it serves. */
static void on_status(struct server *s)
{
	char line[256];
	ssize_t n = read(s->status_fd, line, sizeof(line) - 1);

	if (n <= 0 || strncmp(line, RCFS_READY " ", strlen(RCFS_READY) + 1)) {
		close(s->status_fd);	/* its death tells the rest */
		s->status_fd = -1;
		return;
	}
	line[n] = '\0';
	ready_line(s, line);
	if (s == &k.next) {
		keeper_log(LOG_INFO, "upgrade: process %d serves, process %d "
			   "finishes its requests", (int)s->pid, (int)k.cur.pid);
		kill(k.cur.pid, SIGTERM);
		k.retiring = k.cur.pid;
		k.cur = k.next;
		k.next.status_fd = -1;
		server_clear(&k.next);
		k.restarts++;
		snprintf(k.reason, sizeof(k.reason), "upgrade");
	}
	publish();
	/* the first server waits for this: the state is out before any
	 * request is served */
	if (write(k.cur.status_fd, "", 1) < 0) {
		/* it died: we will hear of it */
	}
	close(k.cur.status_fd);
	k.cur.status_fd = -1;
	if (!k.first_done) {
		int r;

		k.first_done = true;
		/* under systemd (Type=notify): we, the keeper, are the
		 * service's main process from now on */
		r = rcfs_notify_ready(getpid());
		if (r < 0)
			keeper_log(LOG_WARNING, "cannot tell the service manager "
				   "at %s that the mount is live: %s",
				   getenv("NOTIFY_SOCKET"), strerror(-r));
		detach_done();
	}
}

static void on_signals(void)
{
	struct signalfd_siginfo si;

	while (read(k.sig_fd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			reap();
			break;
		case SIGTERM:
		case SIGINT:
			stop();
			break;
		case SIGHUP:
			if (k.cur.pid)
				kill(k.cur.pid, SIGHUP);
			break;
		case SIGUSR2:
			k.upgrade_wanted = true;
			break;
		}
	}
}

/* The timers: a back-off that ends, a start or a stop that takes too
 * long.  Returns the poll(2) timeout until the next one. */
static int timers(void)
{
	long long now = now_ms(), next = -1;
	struct server *v[] = { &k.cur, &k.next };
	int r;

	if (k.backoff_ms && now >= k.backoff_ms && !k.stopping) {
		k.backoff_ms = 0;
		backoff_end();
		r = spawn(&k.cur, "crash");
		if (r < 0) {
			keeper_log(LOG_ERR, "cannot start a serving process: %s",
				   strerror(-r));
			k.backoff_ms = now + RCFS_BACKOFF_MAX_MS;
		}
	}
	for (size_t i = 0; i < 2; i++) {
		long long end = v[i]->started_ms + RCFS_START_TIMEOUT_MS;

		if (!v[i]->pid || v[i]->ready || v[i]->timed_out)
			continue;
		if (now >= end) {
			v[i]->timed_out = true;
			kill(v[i]->pid, SIGKILL);
		} else if (next < 0 || end < next) {
			next = end;
		}
	}
	if (k.stopping && now >= k.stop_ms) {
		pid_t all[] = { k.cur.pid, k.next.pid, k.retiring };

		for (size_t i = 0; i < 3; i++)
			if (all[i])
				kill(all[i], SIGKILL);
		k.stop_ms = now + RCFS_STOP_TIMEOUT_MS;
	} else if (k.stopping && (next < 0 || k.stop_ms < next)) {
		next = k.stop_ms;
	}
	if (k.backoff_ms && (next < 0 || k.backoff_ms < next))
		next = k.backoff_ms;
	return next < 0 ? -1 : (int)(next - now + 1);
}

static void loop(void)
{
	for (;;) {
		struct pollfd p[4] = { { .fd = k.sig_fd, .events = POLLIN } };
		struct server *v[] = { &k.cur, &k.next };
		struct server *who[4] = { NULL };
		int n = 1, timeout;

		if (k.stopping && !k.cur.pid && !k.next.pid && !k.retiring)
			finish(EXIT_SUCCESS);
		if (k.upgrade_wanted && k.cur.ready && !k.next.pid &&
		    !k.retiring && !k.stopping) {
			int r;

			k.upgrade_wanted = false;
			r = spawn(&k.next, "upgrade");
			if (r < 0)
				keeper_log(LOG_ERR, "upgrade: cannot start %s: %s",
					   k.server_path, strerror(-r));
		}
		timeout = timers();
		for (size_t i = 0; i < 2; i++) {
			if (v[i]->status_fd < 0)
				continue;
			who[n] = v[i];
			p[n].fd = v[i]->status_fd;
			p[n++].events = POLLIN;
		}
		/* no server: someone must answer */
		if (k.backoff_ms && !k.cur.pid) {
			p[n].fd = k.fuse_fd;
			p[n++].events = POLLIN;
		}
		if (poll(p, (nfds_t)n, timeout) <= 0)
			continue;
		for (int i = n - 1; i > 0; i--) {
			if (!p[i].revents)
				continue;
			if (who[i])
				on_status(who[i]);
			else
				backoff_answer();
		}
		if (p[0].revents)
			on_signals();
	}
}

int main(int argc, char **argv)
{
	sigset_t set;
	int r;

	(void)argc;
	if (parse_args(argv) < 0) {
		fprintf(stderr, "resolvconffs: %s is for the daemon's own use\n",
			RCFS_KEEPER_NAME);
		return 2;
	}
	/* the daemon's name, as its command line is the daemon's */
	prctl(PR_SET_NAME, "resolvconffs");
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	k.sig_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (k.sig_fd < 0) {
		keeper_log(LOG_ERR, "cannot create a signalfd: %s",
			   strerror(errno));
		unmount();
		finish(EXIT_FAILURE);
	}
	if (k.ready_fd >= 0)
		fcntl(k.ready_fd, F_SETFD, FD_CLOEXEC);
	r = k.cur.pid ? 0 : spawn(&k.cur, "first");
	if (r < 0) {
		keeper_log(LOG_ERR, "cannot start %s: %s", k.server_path,
			   strerror(-r));
		unmount();
		finish(EXIT_FAILURE);
	}
	/* what ended while another image ran */
	reap();
	loop();
}
