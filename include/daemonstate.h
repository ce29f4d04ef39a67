/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RCFS_DAEMONSTATE_H
#define RCFS_DAEMONSTATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "settings.h"

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
 * host_kind=, callers=) and its settings into D.  Returns 0 or -errno. */
int rcfs_daemon_read_state(struct rcfs_daemon_info *d, const char *path);

#endif
