/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Starting the daemon: the command line, the checks, the mount, then the
 * hand-over to the keeper (keeper.h).  Functions that print do so as
 * "resolvconffs: ..." on stderr.
 */
#ifndef RCFS_START_H
#define RCFS_START_H

#include <stdbool.h>
#include <stddef.h>

#include "daemon.h"
#include "exitcodes.h"
#include "options.h"

/* daemon/cli.c: parse the command line into O; exits on --help,
 * --version and bad usage.  BACKING_DIR and MOUNTPOINT are
 * argv[optind] and argv[optind + 1]. */
void rcfs_parse_args(struct rcfs_options *o, int argc, char **argv);

/* daemon/setup.c */
/* Everything that can be checked before mounting; fills D's settings
 * and host and opens /dev/fuse.  Prints why not and returns -1. */
int rcfs_check_setup(struct rcfs_daemon *d, const char *backing,
		     const char *mountpoint, int *ret_fuse_fd);
/* Remove the temporary files of writes a dead daemon cut short in D's
 * backing directory (its map open), and say how many. */
void rcfs_remove_cut_writes(struct rcfs_daemon *d);
/* Mount on D's mount point with FUSE_FD.  Prints why not, returns -1. */
int rcfs_do_mount(struct rcfs_daemon *d, const struct rcfs_options *o,
		  int fuse_fd);
/* The device (MAJOR:MINOR) of the topmost resolvconffs mount on
 * MOUNTPOINT.  False if there is none. */
bool rcfs_our_mount_dev(const char *mountpoint, char *dev, size_t len);

/* daemon/detach.c: fork; the parent exits with the status the child
 * reports on *RET_PIPE (by rcfs_detach_report(), or by the keeper once
 * the mount is served).  Returns 0 in the child, -1 (printed) if not. */
int rcfs_detach_start(int *ret_pipe);
/* Report STATUS to the waiting parent, if any, and close the pipe. */
void rcfs_detach_report(int *pipe_fd, char status);

/* daemon/handover.c: with the mount live on FUSE_FD (device DEV), read
 * the kernel's FUSE_INIT and become the keeper, which starts the first
 * server, keeping the command line ARGV.  Returns only if that fails
 * (printed). */
int rcfs_handover(const struct rcfs_daemon *d, const struct rcfs_options *o,
		  int fuse_fd, const char *dev, int ready_pipe, char **argv);

#endif
