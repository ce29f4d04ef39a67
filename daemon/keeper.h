/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * How the daemon's processes talk to each other.
 *
 *   resolvconffs            checks the command line, mounts, reads the
 *     | exec                kernel's FUSE_INIT, then becomes
 *   resolvconffs-keeper     the keeper: holds /dev/fuse (so the mount
 *     | fork + exec         outlives any server), starts servers,
 *   resolvconffs --serve    restarts them, publishes the state; a server
 *                           answers requests.
 *
 * The keeper is the daemon's PID: signals, systemd and `netnsctl
 * status` address it.  It never reads a request while a server runs.
 * libc only: the keeper includes this file.
 */
#ifndef RCFS_KEEPER_H
#define RCFS_KEEPER_H

#define RCFS_KEEPER_NAME	"resolvconffs-keeper"

/*
 * The keeper runs with the daemon's own command line (what ps(1) shows
 * and an administrator typed) and name; its own arguments ("--fuse=N",
 * ...) are NUL-terminated strings in a memfd whose descriptor is in
 * this environment variable.
 */
#define RCFS_KEEPER_ENV		"RESOLVCONFFS_KEEPER_FD"

/* daemon/keeper-args.c */
/* ARGV (NULL-terminated) into a new memfd, kept across exec.  Returns
 * its descriptor, or -errno. */
int rcfs_keeper_args_write(char *const *argv);
/* The arguments in the memfd named by RCFS_KEEPER_ENV, which is removed
 * from the environment and closed.  Returns the count, with a malloc'd
 * NULL-terminated vector in *RET_ARGV, or -errno. */
int rcfs_keeper_args_read(char ***ret_argv);

/* argv[1] of a server; argv[2] the start's options (main's), argv[3]
 * the keeper's (below).  Both are comma lists of key or key=value. */
#define RCFS_SERVE_ARG		"--serve"

/* The keeper's options to one server start. */
#define RCFS_SERVE_GEN		"gen"	/* this server's number, from 1 */
#define RCFS_SERVE_STATUS	"status"	/* the fd of its ready line */
#define RCFS_SERVE_READ		"read"	/* shared: read the mount's own
					 * descriptor; clone: a clone of it */
#define RCFS_SERVE_START	"start"	/* first, crash or upgrade */

/*
 * What a server writes on its status descriptor once it serves:
 * "ready version=V callers=bpf|proc max_write=N\n".
 */
#define RCFS_READY		"ready"

/* A start that is not ready by then failed. */
#define RCFS_START_TIMEOUT_MS	10000
/* A server that dies sooner than this after it became ready (or before
 * it did) died "at once".  The first such death in a row is restarted at
 * once; after each further one the next start waits, twice longer each
 * time from RCFS_BACKOFF_MIN_MS to RCFS_BACKOFF_MAX_MS, and meanwhile the
 * keeper answers requests with EIO. */
#define RCFS_QUICK_DEATH_MS	1000
#define RCFS_BACKOFF_MIN_MS	100
#define RCFS_BACKOFF_MAX_MS	10000
/* How long servers may take to finish their requests at a stop. */
#define RCFS_STOP_TIMEOUT_MS	5000

/* Set (to anything but 0) in the environment: servers read a clone of
 * the mount's descriptor even where the kernel can resend requests, as
 * on kernels older than 6.9.  For tests. */
#define RCFS_NO_RESEND_ENV	"RESOLVCONFFS_NO_RESEND"

#endif
