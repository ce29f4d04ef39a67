/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The exit statuses of the three binaries, as their man pages document
 * them.  The values are a promise to scripts and to mount(8): never
 * renumber.
 */
#ifndef RCFS_EXITCODES_H
#define RCFS_EXITCODES_H

/* resolvconffs(8): 0 success, 1 failure, 2 bad usage. */
#define RCFS_EXIT_USAGE		2

/* netnsctl(8): 0 success, 1 failure, 2 bad usage. */
#define RCFS_CTL_EXIT_FAILURE	1
#define RCFS_CTL_EXIT_USAGE	2

/* mount.resolvconffs(8), as mount(8) documents them for helpers. */
#define MNT_EX_SUCCESS		0
#define MNT_EX_USAGE		1
#define MNT_EX_SYSERR		2
#define MNT_EX_FAIL		32

#endif
