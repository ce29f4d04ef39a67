// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * From the process that mounted to the keeper: record the kernel's
 * FUSE_INIT (every server is given these bytes), write down the settings
 * the servers and netnsctl read, and exec the keeper with the mount's
 * descriptor.  The PID stays: it is the daemon's.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PROG "resolvconffs"
#include "c.h"
#include "daemonstate.h"
#include "fuseio.h"
#include "keeper.h"
#include "start.h"

/* Read room for INIT: the kernel wants a buffer fit for any request. */
#define INIT_READ_SIZE	(4 * 1024 * 1024)

/* The settings and the host, as published in the state file. */
static int state_write(const struct rcfs_daemon *d, const char *dev,
		       const char *server)
{
	const char *source = d->host_path;
	FILE *f;
	int fd;

	fd = memfd_create("resolvconffs-state", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	f = fdopen(fcntl(fd, F_DUPFD_CLOEXEC, 0), "w");
	if (!f) {
		close(fd);
		return -ENOMEM;
	}
	if (!source && d->host_kind == RCFS_HOST_ORIGINAL)
		source = d->settings.mountpoint;
	fprintf(f, RCFS_STATE_DEV "=%s\n" RCFS_STATE_HOST_KIND "=%s\n", dev,
		rcfs_host_kind_name(d->host_kind));
	if (source)
		fprintf(f, RCFS_STATE_HOST_SOURCE "=%s\n", source);
	rcfs_settings_write(&d->settings, f);
	fprintf(f, RCFS_STATE_BINARY "=%s\n" RCFS_STATE_REEXEC "=SIGUSR2\n",
		server);
	if (fclose(f) != 0) {
		close(fd);
		return -EIO;
	}
	return fd;
}

/* The keeper beside this binary (a build tree), else the installed one. */
static void keeper_path(const char *self, char *buf, size_t len)
{
	const char *slash = strrchr(self, '/');

	snprintf(buf, len, "%.*s/%s", (int)(slash ? slash - self : 0), self,
		 RCFS_KEEPER_NAME);
	if (access(buf, X_OK) < 0)
		snprintf(buf, len, "%s/%s", PKGLIBEXECDIR, RCFS_KEEPER_NAME);
}

static void hex(const unsigned char *p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * n] = '\0';
}

/* Kept across exec: the keeper's from now on. */
static void keep(int fd)
{
	if (fd >= 0)
		fcntl(fd, F_SETFD, 0);
}

static bool use_resend(const void *init, size_t len)
{
	const char *no = getenv(RCFS_NO_RESEND_ENV);

	return rcfs_init_has_resend(init, len) && (!no || !strcmp(no, "0"));
}

int rcfs_handover(const struct rcfs_daemon *d, const struct rcfs_options *o,
		  int fuse_fd, const char *dev, int ready_pipe, char **argv)
{
	char self[PATH_MAX], keeper[PATH_MAX + 32], init_hex[520], opts[1024];
	char a_fuse[32], a_state[32], a_host[32], a_ready[32], a_dev[64];
	char *a_mp = NULL, *a_server = NULL, *a_keeper = NULL, *a_opts = NULL;
	unsigned char *buf;
	ssize_t n;
	int len, state_fd;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return rcfs_fail_errno("cannot read", "/proc/self/exe", errno);
	self[n] = '\0';
	buf = malloc(INIT_READ_SIZE);
	len = buf ? rcfs_init_read(fuse_fd, buf, INIT_READ_SIZE, 10000) :
		    -ENOMEM;
	if (len < 0 || len > 256) {
		free(buf);
		return rcfs_fail_errno("no FUSE_INIT from the kernel on",
				 d->settings.mountpoint, len < 0 ? -len : EPROTO);
	}
	hex(buf, (size_t)len, init_hex);
	state_fd = state_write(d, dev, self);
	if (state_fd < 0) {
		free(buf);
		return rcfs_fail_errno("cannot write the settings of",
				 d->settings.mountpoint, -state_fd);
	}
	snprintf(opts, sizeof(opts), "fuse=%d,state=%d,host=%d,dev=%s,init=%s,"
		 "threads=%u,verbose=%d%s%s%s%s", fuse_fd, state_fd,
		 d->host_fd, dev, init_hex, o->threads, o->verbose,
		 o->debug ? ",debug" : "", o->clone_fd ? ",clone_fd" : "",
		 o->no_bpf ? ",no_bpf" : "", o->detach ? ",detach" : "");
	keeper_path(self, keeper, sizeof(keeper));
	snprintf(a_fuse, sizeof(a_fuse), "--fuse=%d", fuse_fd);
	snprintf(a_state, sizeof(a_state), "--state=%d", state_fd);
	snprintf(a_host, sizeof(a_host), "--host=%d", d->host_fd);
	snprintf(a_ready, sizeof(a_ready), "--ready=%d", ready_pipe);
	snprintf(a_dev, sizeof(a_dev), "--dev=%s", dev);
	if (asprintf(&a_mp, "--mountpoint=%s", d->settings.mountpoint) < 0 ||
	    asprintf(&a_server, "--server=%s", self) < 0 ||
	    asprintf(&a_keeper, "--keeper=%s", keeper) < 0 ||
	    asprintf(&a_opts, "--serve-opts=%s", opts) < 0) {
		rcfs_warnx("out of memory");
		goto out;
	}
	{
		char *args[] = {
			a_fuse, a_state, a_host, a_ready, a_dev, a_mp,
			a_server, a_keeper, a_opts,
			use_resend(buf, (size_t)len) ? "--resend" : "--no-resend",
			o->detach ? "--detach" : "--foreground", NULL,
		};
		char env[16];
		int fd = rcfs_keeper_args_write(args);

		if (fd < 0) {
			rcfs_fail_errno("cannot hand over the mount of",
				  d->settings.mountpoint, -fd);
			goto out;
		}
		snprintf(env, sizeof(env), "%d", fd);
		setenv(RCFS_KEEPER_ENV, env, 1);
		keep(fuse_fd);
		keep(state_fd);
		keep(d->host_fd);
		keep(ready_pipe);
		execv(keeper, argv);
		rcfs_fail_errno("cannot run", keeper, errno);
		close(fd);
	}
out:
	free(buf);
	free(a_mp);
	free(a_server);
	free(a_keeper);
	free(a_opts);
	close(state_fd);
	return -1;
}
