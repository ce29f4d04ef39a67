/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every path and default the binaries share, in one place.
 */
#ifndef RCFS_PATHS_H
#define RCFS_PATHS_H

#define RCFS_PROCFS		"/proc"
#define RCFS_NETNS_DIR		"/run/netns"	/* ip-netns(8) names */
#define RCFS_DEFAULT_EXT	"conf"
#define RCFS_MOUNTPOINT		"/etc/resolv.conf"
#define RCFS_FSNAME		"resolvconffs"
#define RCFS_FSTYPE		"fuse." RCFS_FSNAME
/* The daemon publishes its settings here, one file per mount, named by
 * the mount's device number (MAJOR:MINOR as in mountinfo). */
#define RCFS_STATE_DIR		RUNSTATEDIR "/resolvconffs"
#define RCFS_DAEMON_PATH	SBINDIR "/resolvconffs"

/* Largest file the daemon accepts through the mount: resolv.conf is a few
 * hundred bytes; anything near this is a mistake or an attack. */
#define RCFS_MAX_FILE_SIZE	(1024 * 1024)

/* A write's temporary file is .NAME.rcfs-PID-N; namespace names holding
 * the infix are not used (a file of theirs could look like one). */
#define RCFS_TMP_INFIX	".rcfs-"

/* The daemon keeps stat() answers of this many namespaces at most (a
 * fixed table: memory does not grow with the number of namespaces). */
#define RCFS_ATTRCACHE_SLOTS	1024
/* ... and read descriptors of this many (each holds one open file). */
#define RCFS_OFCACHE_SLOTS	32
/* ... and descriptors of the namespace links of this many threads that
 * ask often (tids.h). */
#define RCFS_TIDS_SLOTS		64

#endif
