/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RCFS_MOUNTS_H
#define RCFS_MOUNTS_H

/* One line of /proc/PID/mountinfo, unescaped. */
struct rcfs_mount {
	int id, parent;
	unsigned int major, minor;
	const char *root;
	const char *mountpoint;
	const char *options;	/* per-mount options */
	const char *fstype;
	const char *source;
	const char *super_options;
};

/*
 * Call FN for every mount in MOUNTINFO (NULL: /proc/self/mountinfo), in
 * the table's order.  Returns 0, -errno, or FN's first non-zero return.
 */
int rcfs_mounts_foreach(const char *mountinfo,
			int (*fn)(const struct rcfs_mount *m, void *data),
			void *data);

/* "MAJOR:MINOR" of M into BUF.  Returns 0 or -ENAMETOOLONG. */
int rcfs_mount_dev(const struct rcfs_mount *m, char *buf, size_t len);

#endif
