/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RCFS_NSENUM_H
#define RCFS_NSENUM_H

#include <stdbool.h>
#include <sys/types.h>

/*
 * Every network namespace on the host, found the ways one can be kept
 * alive: a name in the netns directory, a process or thread in it, an
 * nsfs bind mount in any mount namespace, an open file descriptor.
 */
struct rcfs_ns {
	ino_t ino;
	char **names;		/* netns directory entries, byte order */
	size_t n_names;
	unsigned int nprocs;	/* processes with a thread in it */
	pid_t pid;		/* the lowest of them, 0 for none */
	char comm[64];		/* PID's command name */
	char *path;		/* a path that opens it */
};

struct rcfs_nslist {
	struct rcfs_ns *v;	/* named first, by name; then by inode */
	size_t n;
};

/* Gather the list.  PROCFS and NETNS_DIR as in the settings.
 * Returns 0 or -errno. */
int rcfs_nsenum(const char *procfs, const char *netns_dir,
		struct rcfs_nslist *ret);
void rcfs_nslist_free(struct rcfs_nslist *l);

/* The entry of namespace INO, or NULL. */
const struct rcfs_ns *rcfs_nslist_find(const struct rcfs_nslist *l,
				       ino_t ino);

/* The processes with a thread in namespace INO, ascending.  Returns 0
 * or -errno; *RET is malloc'd. */
int rcfs_ns_pids(const char *procfs, ino_t ino, pid_t **ret, size_t *ret_n);

#endif
