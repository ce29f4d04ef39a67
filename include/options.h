/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RCFS_OPTIONS_H
#define RCFS_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "settings.h"

/* What the daemon's command line sets beyond the mapping settings. */
struct rcfs_options {
	struct rcfs_settings *s;
	unsigned long mount_flags;	/* MS_* for mount(2) */
	char kernel_opts[256];		/* passed to the kernel as is */
	char *fsname;
	bool detach;
	bool debug;
	bool clone_fd;
	bool no_bpf;		/* no BPF caller tap */
	unsigned int threads;
	int verbose;
};

/* A number of worker threads, 1 to 1024.  Returns 0 or -EINVAL. */
int rcfs_threads_parse(const char *v, unsigned int *ret);

/*
 * The default number of worker threads: one per online CPU, at least 2
 * (a write's fsync must not hold up every stat), at most 16.  More
 * threads than CPUs make each request wake a sleeping thread; as many as
 * CPUs let a busy thread take the next request without sleeping.
 */
#define RCFS_THREADS_MIN		2
#define RCFS_THREADS_MAX_DEFAULT	16
unsigned int rcfs_threads_default(void);

/*
 * The next item of the comma-separated list at *CURSOR, skipping empty
 * ones: returns where it starts, its length in *RET_LEN, and moves
 * *CURSOR past it; NULL at the end.  The one splitter of -o lists, for
 * the daemon and the mount helper alike.
 */
const char *rcfs_option_next(const char **cursor, size_t *ret_len);

/*
 * Apply one -o list ("ro,default=/x,threads=4"), left to right: mount
 * flags, settings (rcfs_settings_set), the daemon's own switches.
 * Mount-only options (rcfs_option_is_mount_only) and empty items are
 * skipped.  A list that ends as mount.fuse3(8) ends the lists it passes
 * (",dev,suid") sets detach, unless it says detach or foreground: the
 * helper waits for the daemon to exit.  Stops at the first bad item.
 * Returns 0, -ENOMEM, or
 * -EINVAL with *RET_MSG a malloc'd reason ("unknown mount option
 * \"x\""), or NULL if even that could not be allocated.
 */
int rcfs_options_parse(struct rcfs_options *o, const char *list,
		       char **ret_msg);

/* Release what rcfs_options_parse() allocated; not O->s. */
void rcfs_options_free(struct rcfs_options *o);

#endif
