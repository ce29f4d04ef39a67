/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RCFS_DAEMON_H
#define RCFS_DAEMON_H

#define FUSE_USE_VERSION FUSE_MAKE_VERSION(3, 14)
#include <fuse_lowlevel.h>
#include <signal.h>
#include <stdbool.h>
#include <syslog.h>

#include "daemonstate.h"
#include "host.h"
#include "map.h"
#include "settings.h"

struct rcfs_daemon {
	struct rcfs_settings settings;
	struct rcfs_map *map;
	enum rcfs_host_kind host_kind;
	/* RCFS_HOST_ORIGINAL: opened before mounting (a server inherits
	 * it from the keeper), and read and rewritten through HOST */
	int host_fd;
	struct rcfs_host_file host;
	char *host_path;	/* RCFS_HOST_SYMLINK / RCFS_HOST_FILE */
	int verbose;
	/* stat() answers per namespace, current while the watch's
	 * generation has not moved (fresh.h) */
	struct rcfs_watch *watch;
	struct rcfs_attrcache *attrs;
	struct rcfs_ofcache *files;	/* readers' descriptors, likewise */
	struct rcfs_tids *tids;	/* namespace links of frequent callers */
	struct rcfs_nstap *tap;	/* callers' namespaces from BPF, or NULL */
	struct rcfs_quota *quota;	/* what one user may make us hold */
	int mnt_id;		/* our mount's id, as in mountinfo; 0 unknown */
};

/* daemon/ops.c */
extern const struct fuse_lowlevel_ops rcfs_ops;
/* daemon/view.c: the backing directory was found removed or replaced:
 * rcfs_map_reopen_backing(), logged.  Returns as it does. */
int rcfs_reopen_backing(struct rcfs_daemon *d, bool by_path);

/* daemon/log.c */
void log_init(bool use_syslog);
void log_init_detaching(void);
/* Errors and warnings are rate limited: a request storm cannot flood
 * the journal. */
void log_msg(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
