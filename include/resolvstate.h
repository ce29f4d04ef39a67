/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DNS settings that reach a namespace besides its resolv.conf:
 * openresolv's state directory of each namespace, and which
 * resolvconf(8) the host has.
 */
#ifndef RCFS_RESOLVSTATE_H
#define RCFS_RESOLVSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "resolvconf.h"

/* ---- openresolv's state of a namespace ------------------------------- */

/* The state directory of key KEY (a namespace's name or inode) under
 * BASE (NULL: RCFS_RESOLVCONF_NETNS_DIR).  Returns 0, -EINVAL for an
 * unsafe key, -ENAMETOOLONG. */
int rcfs_rcstate_path(const char *base, const char *key, char *buf,
		      size_t len);

/*
 * Make KEY's state directory ready for the namespace whose cookie is
 * COOKIE: create it, or, when an earlier namespace of the same name or
 * inode left it, put it away and start afresh.  The directory holds a
 * file "netns" with the cookie and a symlink "resolv.conf" to
 * RESOLV_CONF (so openresolv's backup, resolv.conf.bak, stays in it).
 * Returns 0 when it was there, 1 when made or renewed, or -errno.
 */
int rcfs_rcstate_prepare(const char *base, const char *key,
			 uint64_t cookie, const char *resolv_conf);

/* Whether DIR is the state of the namespace whose cookie is COOKIE.
 * Returns 1, 0 (another namespace's), or -errno (-ENOENT: none). */
int rcfs_rcstate_owned(const char *dir, uint64_t cookie);

/* What one interface gave openresolv (DIR/interfaces/NAME). */
struct rcfs_rcstate_iface {
	char *name;
	struct rcfs_resolv rv;
	long metric;		/* -m, or -1 */
	bool exclusive;		/* -x */
	bool private_;		/* -p */
};

struct rcfs_rcstate {
	struct rcfs_rcstate_iface *v;	/* by name, in byte order */
	size_t n;
};

/* Read the state directory DIR.  Returns 0 or -errno (-ENOENT when
 * DIR has no interfaces directory). */
int rcfs_rcstate_read(const char *dir, struct rcfs_rcstate *ret);
void rcfs_rcstate_free(struct rcfs_rcstate *s);

/* The interfaces of S that list nameserver NS, as one string
 * ("tun0 eth0.dhclient"), malloc'd; NULL with errno ENOENT when none,
 * ENOMEM on failure. */
char *rcfs_rcstate_origin(const struct rcfs_rcstate *s, const char *ns);

/*
 * openresolv's state directory as a configuration file sets it: the
 * last plain "state_dir=PATH" line of CONF, else
 * RCFS_OPENRESOLV_STATE_DIR.  Malloc'd; NULL on ENOMEM.
 */
char *rcfs_openresolv_state_dir(const char *conf);

/* Which resolvconf(8) a host has. */
enum rcfs_resolvconf_kind {
	RCFS_RESOLVCONF_NONE,		/* none */
	RCFS_RESOLVCONF_OPENRESOLV,	/* openresolv */
	RCFS_RESOLVCONF_DEBIAN,		/* Debian's resolvconf package */
	RCFS_RESOLVCONF_SYSTEMD,	/* systemd's, a link to resolvectl */
	RCFS_RESOLVCONF_OTHER,
};

/* Look at BIN (NULL: RCFS_RESOLVCONF_BIN). */
enum rcfs_resolvconf_kind rcfs_resolvconf_detect(const char *bin);
const char *rcfs_resolvconf_kind_name(enum rcfs_resolvconf_kind k);

/* Whether the text of an openresolv configuration file moves its state
 * directory (assigns state_dir). */
bool rcfs_openresolv_sets_state_dir(const char *text);

#endif
