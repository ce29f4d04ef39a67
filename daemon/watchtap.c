// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a server sets up before it serves: the watch that keeps stat()
 * answers current, and the BPF caller tap.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "attrcache.h"
#include "backing.h"
#include "daemon.h"
#include "fresh.h"
#include "nstap.h"
#include "ofcache.h"
#include "paths.h"
#include "serve.h"
#include "tids.h"
#include "watch.h"

static int watch_add_all(struct rcfs_daemon *d)
{
	const struct rcfs_settings *s = &d->settings;
	char fdpath[PATH_MAX];
	int r;

	r = rcfs_watch_dir(d->watch, s->netns_dir, false);
	if (r == 0 && s->backing_dir)
		r = rcfs_watch_dir(d->watch, s->backing_dir,
				   s->layout == RCFS_LAYOUT_DIR);
	if (r == 0 && s->default_file)
		r = rcfs_watch_file(d->watch, s->default_file);
	if (r < 0)
		return r;
	switch (d->host_kind) {
	case RCFS_HOST_ORIGINAL:
		/* hidden under the mount: watched through our descriptor */
		snprintf(fdpath, sizeof(fdpath), "%s/self/fd/%d", s->procfs,
			 d->host_fd);
		return rcfs_watch_inode(d->watch, fdpath);
	case RCFS_HOST_SYMLINK:
	case RCFS_HOST_FILE:
		return rcfs_watch_file(d->watch, d->host_path);
	case RCFS_HOST_MAPPED:
		break;
	}
	return 0;
}

/*
 * Watch everything that stat() answers depend on, so that they can be
 * kept until one changes.  Without the watch every request looks
 * everything up, which is just as correct and slower.
 */
int rcfs_watch_start_all(struct rcfs_daemon *d)
{
	int r;

	r = rcfs_attrcache_new(RCFS_ATTRCACHE_SLOTS, &d->attrs);
	if (r == 0)
		r = rcfs_ofcache_new(RCFS_OFCACHE_SLOTS, &d->files);
	if (r == 0)
		r = rcfs_watch_new(&d->watch);
	if (r == 0)
		r = watch_add_all(d);
	if (r == 0)
		r = rcfs_watch_start(d->watch, rcfs_fresh_changed, d);
	if (r == 0) {
		rcfs_names_set_watch(rcfs_map_names(d->map), d->watch);
		return 0;
	}
	rcfs_watch_free(d->watch);
	d->watch = NULL;
	return r;
}

static void libbpf_says(const char *msg)
{
	log_msg(LOG_DEBUG, "libbpf: %s", msg);
}

/*
 * The BPF caller tap, attached to our mount DEV once the watch runs:
 * without it, every request reads the caller's /proc link, as on kernels
 * without the tracepoint.  R is how loading it went.  Returns 0 or
 * -errno, for tap_say().
 */
static int tap_attach(struct rcfs_daemon *d, int r, const char *dev)
{
	unsigned int major, minor;
	struct stat pidns;

	if (r < 0)
		return r;
	if (sscanf(dev, "%u:%u", &major, &minor) != 2)
		r = -ENODEV;
	else if (fstatat(rcfs_map_procfd(d->map), "self/ns/pid", &pidns, 0) < 0)
		r = -errno;
	else
		r = rcfs_nstap_attach(d->tap, major, minor,
				      rcfs_watch_fd(d->watch), &pidns);
	if (r < 0) {
		rcfs_nstap_close(d->tap);
		d->tap = NULL;
	}
	return r;
}

static void tap_say(int r)
{
	const char *why;

	switch (r) {
	case 0:
		log_msg(LOG_INFO, "callers' namespaces from the BPF tap");
		return;
	case -EOPNOTSUPP:
		why = "built without BPF";
		break;
	case -ESRCH:
		why = "the kernel has no fuse_request_send tracepoint, or no BTF";
		break;
	case -EXDEV:
		why = "not in the first pid namespace";
		break;
	default:
		why = strerror(-r);
	}
	log_msg(LOG_INFO, "callers' namespaces from /proc: no BPF tap (%s)",
		why);
}

/* Load and attach the tap to mount DEV (unless NO_BPF) and say how
 * callers are found. */
void rcfs_tap_start(struct rcfs_daemon *d, bool no_bpf, const char *dev,
		    bool say)
{
	int r = -ECANCELED;

	if (!no_bpf)
		r = rcfs_nstap_open(d->verbose ? libbpf_says : NULL, &d->tap);
	r = tap_attach(d, r, dev);
	if (say && r != -ECANCELED)
		tap_say(r);
}
