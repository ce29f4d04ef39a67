// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A server: `resolvconffs --serve MAIN-OPTS KEEPER-OPTS`, started by the
 * keeper (keeper.h) on a mount that is already live.  It reads the
 * settings the daemon published, takes the connection over (fuseio.h),
 * says it is ready, and serves until the keeper asks it to stop
 * (SIGTERM, SIGINT) or the mount goes away.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#define PROG "resolvconffs"
#include "attrcache.h"
#include "backing.h"
#include "c.h"
#include "caller.h"
#include "identity.h"
#include "mounts.h"
#include "quota.h"
#include "daemonstate.h"
#include "fresh.h"
#include "fuseio.h"
#include "keeper.h"
#include "nstap.h"
#include "ofcache.h"
#include "paths.h"
#include "serve.h"
#include "start.h"
#include "tids.h"
#include "watch.h"

enum start_kind { START_FIRST, START_CRASH, START_UPGRADE };

struct serve_opts {
	int fuse_fd, state_fd, host_fd, status_fd;
	char dev[32];
	unsigned char init[256];
	size_t init_len;
	unsigned int threads, gen;
	int verbose;
	bool debug, clone_fd, no_bpf, detach, clone_read;
	enum start_kind start;
};

static int hex_decode(const char *s, unsigned char *out, size_t size,
		      size_t *ret_len)
{
	size_t n = strlen(s) / 2;

	if (strlen(s) % 2 || n > size)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (sscanf(s + 2 * i, "%2hhx", &out[i]) != 1)
			return -EINVAL;
	*ret_len = n;
	return 0;
}

static int parse_one(struct serve_opts *o, const char *key, const char *v)
{
	static const char *const starts[] = { "first", "crash", "upgrade" };

	if (!strcmp(key, "fuse") && v)
		o->fuse_fd = atoi(v);
	else if (!strcmp(key, "state") && v)
		o->state_fd = atoi(v);
	else if (!strcmp(key, "host") && v)
		o->host_fd = atoi(v);
	else if (!strcmp(key, RCFS_SERVE_STATUS) && v)
		o->status_fd = atoi(v);
	else if (!strcmp(key, "dev") && v)
		snprintf(o->dev, sizeof(o->dev), "%s", v);
	else if (!strcmp(key, "init") && v)
		return hex_decode(v, o->init, sizeof(o->init), &o->init_len);
	else if (!strcmp(key, "threads") && v)
		return rcfs_threads_parse(v, &o->threads);
	else if (!strcmp(key, RCFS_SERVE_GEN) && v)
		o->gen = (unsigned int)strtoul(v, NULL, 10);
	else if (!strcmp(key, "verbose") && v)
		o->verbose = atoi(v);
	else if (!strcmp(key, "debug"))
		o->debug = true;
	else if (!strcmp(key, "clone_fd"))
		o->clone_fd = true;
	else if (!strcmp(key, "no_bpf"))
		o->no_bpf = true;
	else if (!strcmp(key, "detach"))
		o->detach = true;
	else if (!strcmp(key, RCFS_SERVE_READ) && v)
		o->clone_read = !strcmp(v, "clone");
	else if (!strcmp(key, RCFS_SERVE_START) && v) {
		for (size_t i = 0; i < sizeof(starts) / sizeof(*starts); i++)
			if (!strcmp(v, starts[i]))
				o->start = (enum start_kind)i;
	}
	/* others: from a newer daemon, of no use to this one */
	return 0;
}

static int parse_list(struct serve_opts *o, const char *list)
{
	char *copy = strdup(list), *save = NULL, *item, *eq;
	int r = copy ? 0 : -ENOMEM;

	for (item = copy ? strtok_r(copy, ",", &save) : NULL; item && r == 0;
	     item = strtok_r(NULL, ",", &save)) {
		eq = strchr(item, '=');
		if (eq)
			*eq++ = '\0';
		r = parse_one(o, item, eq);
	}
	free(copy);
	return r;
}

/* The settings as the daemon published them at its start. */
static int load_state(struct rcfs_daemon *d, const struct serve_opts *o)
{
	struct rcfs_daemon_info info = { 0 };
	int r;

	r = rcfs_settings_init(&info.settings);
	if (r == 0)
		r = rcfs_daemon_read_state_fd(&info, o->state_fd);
	if (r < 0) {
		rcfs_daemon_info_free(&info);
		return r;
	}
	d->settings = info.settings;
	memset(&info.settings, 0, sizeof(info.settings));
	d->host_kind = rcfs_host_kind_parse(info.host_kind);
	d->host_fd = d->host_kind == RCFS_HOST_ORIGINAL ? o->host_fd : -1;
	if (d->host_kind == RCFS_HOST_SYMLINK || d->host_kind == RCFS_HOST_FILE) {
		d->host_path = info.host_source;
		info.host_source = NULL;
	}
	rcfs_daemon_info_free(&info);
	if ((d->host_kind == RCFS_HOST_ORIGINAL && d->host_fd < 0) ||
	    ((d->host_kind == RCFS_HOST_SYMLINK ||
	      d->host_kind == RCFS_HOST_FILE) && !d->host_path))
		return -EINVAL;
	return 0;
}

/* The descriptor this server reads: the mount's own, which the keeper
 * keeps open, so that requests read by a server that dies stay with the
 * connection and the kernel can send them again; or, where it cannot, a
 * clone that dies with the server, so that they fail at once rather
 * than wait forever. */
static int open_reader(const struct serve_opts *o)
{
	int fd;

	if (!o->clone_read) {
		fd = fcntl(o->fuse_fd, F_DUPFD_CLOEXEC, 3);
		return fd < 0 ? -errno : fd;
	}
	return rcfs_fuse_clone_fd(o->fuse_fd);
}

static struct fuse_session *session_start(struct rcfs_daemon *d,
					  const struct serve_opts *o,
					  unsigned int *ret_max_write)
{
	char *fargv[] = { "resolvconffs", "-d", NULL };
	struct fuse_args args = FUSE_ARGS_INIT(o->debug ? 2 : 1, fargv);
	struct fuse_session *se;
	int fd, r;

	se = fuse_session_new(&args, &rcfs_ops, sizeof(rcfs_ops), d);
	fuse_opt_free_args(&args);
	if (!se) {
		log_msg(LOG_ERR, "cannot create the FUSE session");
		return NULL;
	}
	fd = open_reader(o);
	r = fd < 0 ? fd : rcfs_io_attach(se, fd, o->gen);
	if (r == 0)
		r = rcfs_io_init(se, o->init, o->init_len, o->fuse_fd,
				 ret_max_write);
	if (r < 0) {
		log_msg(LOG_ERR, "cannot take over the connection of %s: %s",
			d->settings.mountpoint, strerror(-r));
		if (fd >= 0 && fuse_session_fd(se) != fd)
			close(fd);
		fuse_session_destroy(se);
		return NULL;
	}
	/* our reader, or a clone, keeps the connection: the keeper holds it */
	close(o->fuse_fd);
	return se;
}

struct mount_find {
	const char *dev;
	int id;
};

static int mount_match(const struct rcfs_mount *m, void *data)
{
	struct mount_find *f = data;
	char dev[32];

	if (rcfs_mount_dev(m, dev, sizeof(dev)) == 0 && !strcmp(dev, f->dev))
		f->id = m->id;
	return 0;
}

/* The id of the mount with device DEV (MAJOR:MINOR), as fdinfo names
 * it; 0 if not found. */
static int mount_id(const char *dev)
{
	struct mount_find f = { .dev = dev };

	if (!*dev || rcfs_mounts_foreach(NULL, mount_match, &f) < 0)
		return 0;
	return f.id;
}

/* Files of anonymous namespaces with no record (written by an older
 * version, or by hand): claimed for the namespace that has the inode
 * now, and marked stale where none does, before anyone is served. */
static void records_sweep(struct rcfs_daemon *d)
{
	unsigned int claimed = 0, stale = 0;
	int r;

	r = rcfs_records_sweep(d->map, &claimed, &stale);
	if (r == -EOPNOTSUPP)
		log_msg(LOG_WARNING, "backing directory %s keeps no extended "
			"attributes: a new anonymous namespace that gets a dead "
			"one's inode number would see the dead one's file",
			d->settings.backing_dir);
	else if (r < 0)
		log_msg(LOG_WARNING, "cannot check the files of anonymous "
			"namespaces in %s: %s", d->settings.backing_dir,
			strerror(-r));
	if (claimed || stale)
		log_msg(LOG_NOTICE, "files of anonymous namespaces without a "
			"record: %u claimed by their namespace, %u marked "
			"stale (netnsctl prune removes them)", claimed, stale);
}

/* What the server needs besides the session.  Logs what failed. */
static int prepare(struct rcfs_daemon *d, const struct serve_opts *o)
{
	int r, watch_r;

	r = rcfs_map_open(&d->map, &d->settings);
	if (r < 0) {
		log_msg(LOG_ERR, "cannot open %s or %s: %s", d->settings.procfs,
			d->settings.backing_dir, strerror(-r));
		return r;
	}
	/* the host's source by path; the file under the mount is ours */
	rcfs_map_set_host(d->map, 0, d->host_kind == RCFS_HOST_ORIGINAL ?
			  NULL : d->host_path);
	r = rcfs_procfs_check(rcfs_map_procfd(d->map));
	if (r < 0) {
		log_msg(LOG_ERR, "procfs %s numbers the processes of another "
			"pid namespace: not serving", d->settings.procfs);
		return r;
	}
	/* what one user may make us hold, from a raised RLIMIT_NOFILE */
	r = rcfs_quota_new(&d->quota);
	if (r < 0)
		return r;
	if (d->host_kind == RCFS_HOST_ORIGINAL) {
		rcfs_host_file_init(&d->host, d->host_fd,
				    rcfs_map_procfd(d->map));
	}
	d->mnt_id = mount_id(o->dev);
	if (rcfs_tids_new(RCFS_TIDS_SLOTS, &d->tids) < 0)
		d->tids = NULL;
	/* temporary files of writes the dead server cut short (never in
	 * an upgrade: the retiring server's writers still use theirs) */
	if (o->start == START_CRASH)
		rcfs_remove_cut_writes(d);
	/* before anyone is served; a takeover finds them claimed */
	if (o->start == START_FIRST)
		records_sweep(d);
	watch_r = rcfs_watch_start_all(d);
	rcfs_tap_start(d, o->no_bpf, o->dev, o->start == START_FIRST);
	if (watch_r < 0)
		log_msg(d->verbose ? LOG_INFO : LOG_DEBUG,
			"not watching for changes (%s): looking everything up "
			"at each request", strerror(-watch_r));
	return 0;
}

static void say_ready(const struct rcfs_daemon *d, const struct serve_opts *o,
		      unsigned int max_write)
{
	char line[128];
	int n;

	n = snprintf(line, sizeof(line), RCFS_READY " version=%s callers=%s "
		     "max_write=%u\n", PACKAGE_VERSION, d->tap ? "bpf" : "proc",
		     max_write);
	if (o->status_fd >= 0) {
		struct pollfd p = { .fd = o->status_fd, .events = POLLIN };
		char ack;

		if (write(o->status_fd, line, (size_t)n) != n)
			log_msg(LOG_WARNING, "cannot tell the keeper: %s",
				strerror(errno));
		/* the keeper publishes the state, then answers: netnsctl
		 * finds it as soon as the mount serves */
		else if (o->start == START_FIRST &&
			 poll(&p, 1, RCFS_START_TIMEOUT_MS) == 1 &&
			 read(o->status_fd, &ack, 1) < 0)
			log_msg(LOG_WARNING, "no word from the keeper: %s",
				strerror(errno));
		close(o->status_fd);
	}
	/* the first server leaves the terminal with the keeper */
	if (o->start == START_FIRST && o->detach) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		log_init(true);
		if (chdir("/") < 0) {
			/* nothing depends on the cwd */
		}
		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
			close(null);
		}
	}
	if (o->start == START_FIRST)
		log_msg(LOG_INFO, "serving %s from %s (%s layout, host: %s)",
			d->settings.mountpoint, d->settings.backing_dir,
			rcfs_layout_name(d->settings.layout),
			rcfs_host_kind_name(d->host_kind));
	else
		log_msg(LOG_INFO, "took over %s (%s)", d->settings.mountpoint,
			o->start == START_CRASH ? "after a crash" : "upgrade");
}

/* Serve until told to stop or the mount is gone. */
static void wait_for_end(struct rcfs_daemon *d, int sig_fd, int done_fd)
{
	struct pollfd p[2] = {
		{ .fd = sig_fd, .events = POLLIN },
		{ .fd = done_fd, .events = POLLIN },
	};
	struct signalfd_siginfo si;

	for (;;) {
		if (poll(p, 2, -1) < 0)
			continue;
		if (p[1].revents)
			return;
		if (read(sig_fd, &si, sizeof(si)) != sizeof(si))
			continue;
		if (si.ssi_signo == SIGHUP)
			rcfs_fresh_reload(d);
		else
			return;
	}
}

static int signals_block(void)
{
	sigset_t set;

	/* the watch's thread and the workers inherit it */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* the daemon's, not ours: the keeper's pid is the one to signal */
	signal(SIGUSR2, SIG_IGN);
	return signalfd(-1, &set, SFD_CLOEXEC);
}

static void teardown(struct rcfs_daemon *d, struct fuse_session *se)
{
	if (se)
		fuse_session_destroy(se);
	/* the tap first: it reads the watch's inotify queue */
	rcfs_nstap_close(d->tap);
	rcfs_watch_free(d->watch);
	rcfs_attrcache_free(d->attrs);
	rcfs_ofcache_free(d->files);
	rcfs_tids_free(d->tids);
	rcfs_map_close(d->map);
	d->map = NULL;
	if (d->host.open)
		rcfs_host_file_close(&d->host);
	else if (d->host_fd >= 0)
		close(d->host_fd);
	rcfs_quota_free(d->quota);
	free(d->host_path);
	rcfs_settings_free(&d->settings);
}

int rcfs_serve_main(int argc, char **argv)
{
	static struct rcfs_daemon d;
	struct serve_opts o = {
		.fuse_fd = -1, .state_fd = -1, .host_fd = -1, .status_fd = -1,
		.threads = rcfs_threads_default(),
	};
	struct rcfs_workers *w = NULL;
	struct fuse_session *se = NULL;
	unsigned int max_write = 0;
	int sig_fd, done_fd, r, status = EXIT_FAILURE;

	if (argc != 4 || parse_list(&o, argv[2]) < 0 ||
	    parse_list(&o, argv[3]) < 0 || o.fuse_fd < 0 || o.state_fd < 0 ||
	    !o.gen || !o.init_len) {
		rcfs_warnx("%s is for the daemon's own use", RCFS_SERVE_ARG);
		return RCFS_EXIT_USAGE;
	}
	d.verbose = o.verbose;
	d.host_fd = -1;
	if (o.detach && o.start == START_FIRST)
		log_init_detaching();
	else
		log_init(o.detach);
	if (load_state(&d, &o) < 0) {
		log_msg(LOG_ERR, "cannot read the daemon's settings");
		goto out;
	}
	sig_fd = signals_block();
	done_fd = eventfd(0, EFD_CLOEXEC);
	if (sig_fd < 0 || done_fd < 0) {
		log_msg(LOG_ERR, "cannot create descriptors: %s", strerror(errno));
		goto out;
	}
	se = session_start(&d, &o, &max_write);
	if (!se || prepare(&d, &o) < 0)
		goto out;
	say_ready(&d, &o, max_write);
	r = rcfs_workers_start(se, o.threads, o.clone_fd,
			       (max_write > 8192 ? max_write : 8192) +
			       RCFS_FUSE_HEADER_ROOM, done_fd, &w);
	if (r < 0) {
		log_msg(LOG_ERR, "cannot start threads: %s", strerror(-r));
		goto out;
	}
	wait_for_end(&d, sig_fd, done_fd);
	status = EXIT_SUCCESS;
	rcfs_workers_stop(w);
out:
	teardown(&d, se);
	return status;
}
