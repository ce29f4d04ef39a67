/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RCFS_SETTINGS_H
#define RCFS_SETTINGS_H

#include <stdbool.h>
#include <stdio.h>

enum rcfs_layout {
	RCFS_LAYOUT_FLAT,	/* BACKING_DIR/KEY.EXT */
	RCFS_LAYOUT_DIR,	/* BACKING_DIR/KEY/BASENAME, as /etc/netns */
};

/*
 * What decides which file a caller sees.  The daemon fills it from its
 * command line and publishes it; netnsctl reads it back, so both map a
 * namespace to the same file.  Strings are owned (malloc'd).
 */
struct rcfs_settings {
	char *backing_dir;
	char *mountpoint;
	char *extension;	/* "" means no dot */
	char *default_file;	/* NULL: no default, ENOENT */
	char *procfs;
	char *netns_dir;
	char *host_file;	/* explicit host source, or NULL */
	enum rcfs_layout layout;
	bool map_host;		/* host mapped like any other namespace */
};

/* Fill with the built-in defaults.  Returns 0 or -ENOMEM. */
int rcfs_settings_init(struct rcfs_settings *s);
/* Release the strings; accepts a zeroed struct. */
void rcfs_settings_free(struct rcfs_settings *s);

/*
 * Set one option by its key=value name (the -o form, also the state
 * file's syntax): extension, default, procfs, netns_dir, layout, host,
 * map_host, backing, mountpoint.  VALUE may be NULL for flags.
 * Returns 0, -ENOENT for an unknown key, -EINVAL for a bad value.
 */
int rcfs_settings_set(struct rcfs_settings *s, const char *key,
		      const char *value);

/* The daemon's --help lines for the settings its -o can set, from the
 * table: the option, what it does, its -o form. */
void rcfs_settings_usage(FILE *out);

/* Whether KEY is one rcfs_settings_set() knows. */
bool rcfs_settings_known(const char *key);
/* Whether KEY may be set by the daemon's -o: the ones rcfs_settings_set()
 * knows but BACKING_DIR and MOUNTPOINT, which only the command line
 * gives. */
bool rcfs_settings_is_option(const char *key);

/* Whether OPT (key or key=value) is one only mount(8) and fstab use
 * (defaults, auto, noauto, nofail, _netdev, user, users, nouser, x-*,
 * comment=…): never an option of the daemon. */
bool rcfs_option_is_mount_only(const char *opt);

/* The layout's name ("flat", "dir"); parse one.  Returns 0 or -EINVAL. */
const char *rcfs_layout_name(enum rcfs_layout l);
int rcfs_layout_parse(const char *name, enum rcfs_layout *ret);

/* Write as key=value lines.  Returns 0 or -errno. */
int rcfs_settings_write(const struct rcfs_settings *s, FILE *f);
/* Read key=value lines written by rcfs_settings_write(); other keys
 * (pid=, …) are ignored.  Returns 0 or -errno. */
int rcfs_settings_read(struct rcfs_settings *s, FILE *f);

/* The published state of the mount with device number DEV
 * ("MAJOR:MINOR"): RCFS_STATE_DIR/MAJOR:MINOR.  Returns 0 or -errno. */
int rcfs_state_path(const char *dev, char *buf, size_t len);

#endif
