// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * resolvconffs: one file, a different content for every network
 * namespace.  This process checks the command line, mounts, and becomes
 * the keeper (keeper.h), which starts the servers (serve.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#define PROG "resolvconffs"
#include "backing.h"
#include "c.h"
#include "caller.h"
#include "daemon.h"
#include "fresh.h"
#include "keeper.h"
#include "serve.h"
#include "start.h"

/* The netns map can be opened, and the backing directory holds no
 * temporary file of a write cut short: what the mount serves is tidy
 * from the start. */
static int check_map(struct rcfs_daemon *d)
{
	int r = rcfs_map_open(&d->map, &d->settings);

	if (r < 0)
		return rcfs_fail_errno("cannot open", d->settings.procfs, -r);
	/* FUSE numbers callers in our pid namespace: so must procfs */
	r = rcfs_procfs_check(rcfs_map_procfd(d->map));
	if (r < 0) {
		rcfs_warnx("procfs \"%s\" numbers the processes of another pid "
		       "namespace (%s): mount one of this namespace (unshare "
		       "--mount-proc) or give -P", d->settings.procfs,
		       strerror(-r));
		rcfs_map_close(d->map);
		d->map = NULL;
		return -1;
	}
	rcfs_remove_cut_writes(d);
	rcfs_map_close(d->map);
	d->map = NULL;
	return 0;
}

int main(int argc, char **argv)
{
	static struct rcfs_daemon d = { .host_fd = -1 };
	struct rcfs_options o = { .s = &d.settings };
	int fuse_fd = -1, ready_pipe = -1;
	char dev[32] = "", **cmdline;

	if (argc > 1 && !strcmp(argv[1], RCFS_SERVE_ARG))
		return rcfs_serve_main(argc, argv);
	/* as given: getopt reorders argv, and the keeper shows it */
	cmdline = calloc((size_t)argc + 1, sizeof(*cmdline));
	if (!cmdline || rcfs_settings_init(&d.settings) < 0) {
		rcfs_warnx("out of memory");
		goto out;
	}
	memcpy(cmdline, argv, (size_t)argc * sizeof(*argv));
	o.threads = rcfs_threads_default();
	rcfs_parse_args(&o, argc, argv);
	d.verbose = o.verbose;
	log_init(false);

	if (rcfs_check_setup(&d, argv[optind], argv[optind + 1], &fuse_fd) < 0 ||
	    check_map(&d) < 0)
		goto out;
	if (o.detach && rcfs_detach_start(&ready_pipe) < 0)
		goto out;
	rcfs_check_default(&d);
	if (rcfs_do_mount(&d, &o, fuse_fd) < 0)
		goto out;
	if (rcfs_our_mount_dev(d.settings.mountpoint, dev, sizeof(dev)))
		rcfs_handover(&d, &o, fuse_fd, dev, ready_pipe, cmdline);
	else
		rcfs_warnx("cannot find the mount on \"%s\"", d.settings.mountpoint);
	/* here only if the keeper could not take over */
	umount2(d.settings.mountpoint, UMOUNT_NOFOLLOW | MNT_DETACH);
out:
	rcfs_detach_report(&ready_pipe, (char)EXIT_FAILURE);
	if (fuse_fd >= 0)
		close(fuse_fd);
	if (d.host_fd >= 0)
		close(d.host_fd);
	free(d.host_path);
	rcfs_options_free(&o);
	rcfs_settings_free(&d.settings);
	free(cmdline);
	return EXIT_FAILURE;
}
