/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RCFS_FRESH_H
#define RCFS_FRESH_H

#include <stdbool.h>
#include <stdint.h>

#include "caller.h"
#include "daemon.h"

/*
 * Freshness: whether what the daemon kept (a stat answer, a shared
 * reader's descriptor, where a read's file ended) still answers a
 * caller.  This is the one place that reads the signals: the watch's
 * generation and its unread queue, the tap's pending bit, the backing
 * directory's generation, ip-netns's names not yet settled.
 *
 * A request takes a look (rcfs_fresh_look) before it looks anything up;
 * a change made meanwhile moves the generation on, and what the request
 * found is then not kept as current.
 */
struct rcfs_fresh {
	uint64_t gen;		/* what may be used and kept; 0: nothing */
	unsigned int bgen;	/* the backing directory's, odd: reopening */
};

/*
 * The look for C.  A change made before its request whose event the
 * watch has not read yet must be seen: the tap, where it saw the
 * request, tells whether events were waiting as it was sent; otherwise
 * the watch's queue is asked now.  -v keeps nothing (every lookup is
 * logged).
 */
void rcfs_fresh_look(struct rcfs_caller *c, struct rcfs_fresh *ret);

/* Whether something kept under F for the namespace with cookie NEED
 * (0: for any namespace with C's inode) answers C. */
bool rcfs_fresh_holds(const struct rcfs_fresh *f, struct rcfs_caller *c,
		      uint64_t need);

/*
 * Whether what was found for T under F may be kept.  Not while ip-netns
 * has a file not yet bound (an unnamed namespace may be named any
 * moment), nor when the backing directory was reopened during the
 * lookup (it may have used either).
 */
bool rcfs_fresh_keepable(const struct rcfs_fresh *f, struct rcfs_daemon *d,
			 bool named);

/* The generation now, for what is kept without a caller at hand (where
 * a read's file ended); 0: nothing may be. */
uint64_t rcfs_fresh_now(struct rcfs_daemon *d);

/* Whether nothing watched has changed since F was taken. */
bool rcfs_fresh_current(const struct rcfs_fresh *f, struct rcfs_daemon *d);

/* The daemon changed something watched itself (a commit, a chmod):
 * nothing kept before answers any more. */
void rcfs_fresh_touch(struct rcfs_daemon *d);

/* The watch saw a change: called on its thread (watch.h). */
void rcfs_fresh_changed(void *daemon);

/* Warn when the default file cannot be read or lists only loopback
 * nameservers, which other namespaces cannot reach. */
void rcfs_check_default(struct rcfs_daemon *d);

/* SIGHUP, on the thread that reads signals: read the names again,
 * check the default file again. */
void rcfs_fresh_reload(struct rcfs_daemon *d);

#endif
