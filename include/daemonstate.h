/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RCFS_DAEMONSTATE_H
#define RCFS_DAEMONSTATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "settings.h"

/* What the host's namespace sees: host_kind= in the state file. */
enum rcfs_host_kind {
	RCFS_HOST_ORIGINAL,	/* the file that was at the mount point */
	RCFS_HOST_SYMLINK,	/* the mount point symlink's target, by path */
	RCFS_HOST_FILE,		/* --host-file PATH, by path */
	RCFS_HOST_MAPPED,	/* like any other namespace (--map-host) */
};

/* Its name in the state file. */
const char *rcfs_host_kind_name(enum rcfs_host_kind k);
/* The kind NAME names; RCFS_HOST_MAPPED for NULL or a name unknown. */
enum rcfs_host_kind rcfs_host_kind_parse(const char *name);

/*
 * A running resolvconffs as netnsctl finds it: a "fuse.resolvconffs"
 * mount whose source is the backing directory, and the settings the
 * daemon published in RCFS_STATE_DIR/MAJOR:MINOR.
 */
struct rcfs_daemon_info {
	char dev[32];		/* MAJOR:MINOR of the mount */
	char *mountpoint;
	char *source;		/* the mount's source: the backing dir */
	bool has_state;		/* a state file was found and read */
	pid_t pid;		/* pid=, 0 when unknown */
	char *host_source;	/* host_source=, or NULL */
	char *host_kind;	/* host_kind=, or NULL */
	char *callers;		/* callers=: "bpf" or "proc", or NULL */
	pid_t server;		/* server=: the serving process, 0: none */
	unsigned int restarts;	/* restarts=: servers started after the first */
	char *restart_reason;	/* restart_reason=: why the last one was */
	char *version;		/* version=: the serving binary's version */
	char *binary;		/* binary=: its path, run again on SIGUSR2 */
	struct rcfs_settings settings;	/* from the state file, else the
					 * mount table plus defaults */
};

struct rcfs_daemons {
	struct rcfs_daemon_info *v;	/* mount table order */
	size_t n;
	/* mount points of fuse.resolvconffs mounts that are not a daemon's:
	 * any user can make one (fusermount -o subtype=resolvconffs) */
	char **untrusted;
	size_t n_untrusted;
};

/*
 * Every resolvconffs mount in MOUNTINFO (NULL: /proc/self/mountinfo)
 * with its state from STATE_DIR (NULL: RCFS_STATE_DIR).  Only mounts
 * owned by root (user_id=0) are a daemon's; the others are listed apart.
 * A state file is read only when root owns it and only root may write
 * it.  A missing or unreadable state file is no error: has_state tells.
 * Returns 0 or -errno.
 */
int rcfs_daemons_find(const char *mountinfo, const char *state_dir,
		      struct rcfs_daemons *ret);
void rcfs_daemons_free(struct rcfs_daemons *d);

/*
 * Choose one: the mount on PATH when PATH is given, else the one on
 * RCFS_MOUNTPOINT, else the only one.  Returns its index, -ENOENT when
 * none fits, -ENOTUNIQ when several do and none is on RCFS_MOUNTPOINT,
 * -EPERM when PATH is a mount that is not a daemon's.
 */
int rcfs_daemons_pick(const struct rcfs_daemons *d, const char *path);

/* Read the extra lines of a state file (pid=, host_source=,
 * host_kind=, callers=, server=, restarts=, restart_reason=, version=,
 * binary=) and its settings into D.  Returns 0 or -errno. */
int rcfs_daemon_read_state(struct rcfs_daemon_info *d, const char *path);
/* The same from the descriptor FD of a state file (read from its
 * start; FD stays open). */
int rcfs_daemon_read_state_fd(struct rcfs_daemon_info *d, int fd);
/* Free what reading the state allocated in I (not I). */
void rcfs_daemon_info_free(struct rcfs_daemon_info *i);

/*
 * The writing side, for the daemon (lib/statefile.c, which needs nothing
 * but libc: the daemon's keeper links it on its own).  The state file
 * holds key=value lines: the settings (rcfs_settings_write()), then the
 * keys below.  Keys are only ever added, never renamed.
 */
#define RCFS_STATE_PID		"pid"	/* the daemon: signals go here */
#define RCFS_STATE_DEV		"dev"
#define RCFS_STATE_HOST_KIND	"host_kind"
#define RCFS_STATE_HOST_SOURCE	"host_source"
#define RCFS_STATE_CALLERS	"callers"
#define RCFS_STATE_SERVER	"server"	/* the process serving requests */
#define RCFS_STATE_RESTARTS	"restarts"
#define RCFS_STATE_REASON	"restart_reason"
#define RCFS_STATE_VERSION	"version"
#define RCFS_STATE_BINARY	"binary"
/* present when SIGUSR2 to pid= runs the binary again (the package's
 * maintainer scripts look for it) */
#define RCFS_STATE_REEXEC	"reexec"

/*
 * Replace the state of mount DEV ("MAJOR:MINOR") by TEXT, atomically
 * (a reader sees the old file or the new one), creating RCFS_STATE_DIR
 * if needed.  Returns 0 or -errno.
 */
int rcfs_state_publish(const char *dev, const char *text, size_t len);

/* Remove the state of mount DEV.  Returns 0 or -errno. */
int rcfs_state_unpublish(const char *dev);

#endif
