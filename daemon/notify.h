/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RCFS_NOTIFY_H
#define RCFS_NOTIFY_H

#include <sys/types.h>

/*
 * Tell the service manager that the mount is live: "READY=1" and
 * "MAINPID=MAIN_PID" in one datagram to the socket named by
 * $NOTIFY_SOCKET (sd_notify(3)'s protocol, systemd.service(5)'s
 * Type=notify).  Without $NOTIFY_SOCKET it does nothing.  Returns 0, or
 * -errno (the caller logs it: the manager then times the start out).
 */
int rcfs_notify_ready(pid_t main_pid);

#endif
