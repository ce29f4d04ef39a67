/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RCFS_MAP_INT_H
#define RCFS_MAP_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include "map.h"

/* The map's insides, for lib/ alone (map.c, view.c, identity.c). */
struct rcfs_map {
	const struct rcfs_settings *settings;
	int procfd;		/* O_PATH of settings->procfs */
	int backing_fd;		/* O_PATH of settings->backing_dir */
	atomic_uint backing_gen;	/* times backing_fd was reopened */
	pthread_mutex_t reopen_lock;	/* one reopen at a time */
	ino_t host_ino;		/* namespace the map was opened in */
	struct rcfs_names *names;
	const char *basename;	/* of the mount point, for the dir layout */
	/* what the host sees by path; NULL: the file under the mount,
	 * which only the daemon holds (rcfs_map_set_host()) */
	const char *host_source;
};

#endif
