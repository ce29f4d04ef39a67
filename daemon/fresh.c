// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Freshness of what the daemon keeps between requests; see fresh.h.
 */
#include <string.h>

#include "fresh.h"
#include "ofcache.h"
#include "resolvconf.h"
#include "tids.h"
#include "view.h"
#include "watch.h"

void rcfs_fresh_look(struct rcfs_caller *c, struct rcfs_fresh *f)
{
	struct rcfs_daemon *d = c->d;

	f->gen = 0;
	if (!d->verbose &&
	    !(c->tapped ? c->pending : rcfs_watch_queued(d->watch)))
		f->gen = rcfs_watch_gen(d->watch);
	f->bgen = rcfs_map_backing_gen(d->map);
}

bool rcfs_fresh_holds(const struct rcfs_fresh *f, struct rcfs_caller *c,
		      uint64_t need)
{
	uint64_t cookie;

	if (!f->gen)
		return false;
	if (!need)
		return true;
	return rcfs_caller_cookie(c, &cookie) == 0 && cookie == need;
}

bool rcfs_fresh_keepable(const struct rcfs_fresh *f, struct rcfs_daemon *d,
			 bool named)
{
	unsigned int now = rcfs_map_backing_gen(d->map);

	if (!f->gen || now != f->bgen || (now & 1))
		return false;
	return named || rcfs_names_settled(rcfs_map_names(d->map));
}

uint64_t rcfs_fresh_now(struct rcfs_daemon *d)
{
	return rcfs_watch_gen(d->watch);
}

bool rcfs_fresh_current(const struct rcfs_fresh *f, struct rcfs_daemon *d)
{
	return f->gen && rcfs_watch_gen(d->watch) == f->gen;
}

void rcfs_fresh_touch(struct rcfs_daemon *d)
{
	rcfs_watch_touch(d->watch);
}

void rcfs_fresh_changed(void *data)
{
	struct rcfs_daemon *d = data;

	rcfs_names_invalidate(rcfs_map_names(d->map));
	/* before the generation moves on: what is kept from now on was
	 * found in the directory now at the path */
	rcfs_reopen_backing(d, true);
	/* no longer current: let them close with their last reader */
	rcfs_ofcache_flush(d->files);
	/* at the latest every RCFS_WATCH_REFRESH_MS */
	rcfs_tids_sweep(d->tids);
}

void rcfs_check_default(struct rcfs_daemon *d)
{
	const char *def = d->settings.default_file;
	int r;

	if (!def)
		return;
	r = rcfs_resolv_file_loopback_only(def);
	if (r < 0)
		log_msg(LOG_WARNING, "cannot read default file \"%s\": %s",
			def, strerror(-r));
	else if (r > 0)
		log_msg(LOG_WARNING,
			"default file \"%s\" lists only loopback nameservers, "
			"which other network namespaces cannot reach", def);
}

void rcfs_fresh_reload(struct rcfs_daemon *d)
{
	rcfs_names_invalidate(rcfs_map_names(d->map));
	rcfs_watch_touch(d->watch);
	rcfs_check_default(d);
	log_msg(LOG_INFO, "reloaded namespace names and default file");
}
