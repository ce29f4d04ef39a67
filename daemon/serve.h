/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RCFS_SERVE_H
#define RCFS_SERVE_H

#include <stdbool.h>

#include "daemon.h"

/* `resolvconffs --serve MAIN-OPTS KEEPER-OPTS`: a server, started by the
 * keeper (keeper.h).  Returns the exit status. */
int rcfs_serve_main(int argc, char **argv);

/* daemon/watchtap.c */
/* Watch everything stat() answers depend on.  Returns 0 or -errno;
 * without the watch every request looks everything up. */
int rcfs_watch_start_all(struct rcfs_daemon *d);
/* Load the caller tap (unless NO_BPF) and attach it to mount DEV; with
 * SAY, log how callers' namespaces are found. */
void rcfs_tap_start(struct rcfs_daemon *d, bool no_bpf, const char *dev,
		    bool say);

#endif
