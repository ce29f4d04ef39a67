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

/* DNS state and lookups beside the mount's file.  openresolv's state
 * of each network namespace but the host's lives in
 * RCFS_RESOLVCONF_NETNS_DIR/KEY (the resolvconf.conf served to
 * namespaces asks netnsctl for it); the host's stays where openresolv
 * keeps it by default. */
#define RCFS_RESOLVCONF_NETNS_DIR	RUNSTATEDIR "/netns-resolvconf"
#define RCFS_OPENRESOLV_STATE_DIR	RUNSTATEDIR "/resolvconf"
#define RCFS_RESOLVCONF_CONF		"/etc/resolvconf.conf"
#define RCFS_RESOLVCONF_BIN		"/sbin/resolvconf"
#define RCFS_NSSWITCH_CONF		"/etc/nsswitch.conf"
/* Shipped files for namespaces (resolvconf.conf) */
#define RCFS_PKGDATADIR			PKGDATADIR
/* glibc's _PATH_NSCDSOCKET, and systemd-resolved's Varlink socket
 * (nss-resolve asks it) */
#define RCFS_NSCD_SOCKET		"/var/run/nscd/socket"
#define RCFS_RESOLVED_SOCKET		RUNSTATEDIR "/systemd/resolve/io.systemd.Resolve"

#endif
