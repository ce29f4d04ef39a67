// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a caller sees: the library's answer (rcfs_map_see), with what
 * only the daemon holds, the host's file under the mount; see view.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "attrcache.h"
#include "fresh.h"
#include "view.h"

/* Log R, rcfs_map_reopen_backing()'s answer, when it reopened. */
static void log_reopened(struct rcfs_daemon *d, int r)
{
	if (r > 0)
		log_msg(LOG_NOTICE, "backing directory %s was %s: opened %s",
			d->settings.backing_dir,
			r == 1 ? "removed" : "replaced",
			r == 1 ? "it again" : "the new one");
}

int rcfs_reopen_backing(struct rcfs_daemon *d, bool by_path)
{
	int r = rcfs_map_reopen_backing(d->map, by_path);

	log_reopened(d, r);
	return r;
}

static int caller_cookie(void *data, uint64_t *ret)
{
	return rcfs_caller_cookie(data, ret);
}

/* What C sees as T, by the library's rule. */
static int see(struct rcfs_caller *c, const struct rcfs_target *t,
	       int flags, struct rcfs_sight *ret)
{
	const struct rcfs_asker who = { caller_cookie, c };
	int r;

	/* the first look of an anonymous namespace gives it the file
	 * written for it by hand (no record yet) */
	r = rcfs_map_see(c->d->map, t, flags | RCFS_SEE_CLAIM, &who, ret);
	log_reopened(c->d, ret->reopened);
	if (r == 0 && ret->kind == RCFS_SEES_NONE)
		r = -ENOENT;
	return r;
}

int rcfs_view_stat(struct rcfs_caller *c, const struct rcfs_target *t,
		   struct stat *st, uint64_t *ret_cookie)
{
	struct rcfs_sight s;
	int r;

	r = see(c, t, 0, &s);
	*ret_cookie = s.cookie;
	if (r == 0 && s.kind == RCFS_SEES_HOST && !s.path) {
		r = rcfs_host_file_stat(&c->d->host, &s.st);
		/* A directory or FIFO where the file should be: the kernel
		 * would mark our one inode bad when its type changes, and
		 * every caller in every namespace would get EIO until the
		 * unmount. */
		if (r == 0 && !S_ISREG(s.st.st_mode))
			r = -EINVAL;
	}
	if (r == 0)
		*st = s.st;
	return r;
}

int rcfs_view_open(struct rcfs_caller *c, const struct rcfs_target *t,
		   uint64_t gen, struct rcfs_view *v)
{
	struct rcfs_sight s;
	int r;

	memset(v, 0, sizeof(*v));
	v->fd = -1;
	r = see(c, t, RCFS_SEE_OPEN, &s);
	if (r < 0)
		return r;
	v->kind = s.kind;
	v->fd = s.fd;
	v->st = s.st;
	v->cookie = s.cookie;
	if (s.kind == RCFS_SEES_HOST && !s.path) {
		r = rcfs_host_file_snap(&c->d->host, gen, &v->snap);
		if (r == 0)
			v->st = v->snap->st;
	}
	return r;
}

void rcfs_view_close(struct rcfs_view *v)
{
	if (v->of)
		rcfs_ofile_unref(v->of);
	else if (v->fd >= 0)
		close(v->fd);
	rcfs_snap_unref(v->snap);
	v->fd = -1;
	v->snap = NULL;
	v->of = NULL;
}

int rcfs_view_map(struct rcfs_caller *c, struct rcfs_target *t)
{
	struct rcfs_daemon *d = c->d;
	int r;

	r = rcfs_map_ino(d->map, c->ino, t);
	if (r < 0)
		log_msg(LOG_ERR, "cannot map network namespace %ju of "
			"thread %d: %s", (uintmax_t)c->ino, (int)c->tid,
			strerror(-r));
	else if (d->verbose)
		log_msg(LOG_DEBUG, "thread %d: netns %ju -> %s%s",
			(int)c->tid, (uintmax_t)c->ino,
			t->kind == RCFS_TARGET_HOST ? "host" : "key ",
			t->kind == RCFS_TARGET_HOST ? "" : t->key);
	return r;
}

int rcfs_view_stat_kept(struct rcfs_caller *c, struct stat *st)
{
	struct rcfs_daemon *d = c->d;
	struct rcfs_target t;
	struct rcfs_fresh f;
	uint64_t need;
	int r;

	rcfs_fresh_look(c, &f);
	if (f.gen && rcfs_attrcache_get(d->attrs, c->ino, f.gen, &r, st, &need) &&
	    rcfs_fresh_holds(&f, c, need))
		return r;
	r = rcfs_view_map(c, &t);
	if (r < 0)
		return r;
	r = rcfs_view_stat(c, &t, st, &need);
	if ((r == 0 || r == -ENOENT) && rcfs_fresh_keepable(&f, d, t.named))
		rcfs_attrcache_put(d->attrs, c->ino, f.gen, r, st, need);
	return r;
}

int rcfs_view_open_kept(struct rcfs_caller *c, struct rcfs_target *t,
			struct rcfs_view *v)
{
	struct rcfs_daemon *d = c->d;
	struct rcfs_ofile *of;
	struct rcfs_fresh f;
	int r;

	rcfs_fresh_look(c, &f);
	of = f.gen ? rcfs_ofcache_get(d->files, c->ino, f.gen) : NULL;
	if (of && rcfs_fresh_holds(&f, c, of->cookie)) {
		memset(v, 0, sizeof(*v));
		v->kind = of->kind;
		v->fd = -1;
		v->of = of;
		v->st = of->st;
		v->cookie = of->cookie;
		return 0;
	}
	rcfs_ofile_unref(of);
	r = rcfs_view_map(c, t);
	if (r == 0)
		r = rcfs_view_open(c, t, f.gen, v);
	if (r < 0 || v->snap || !rcfs_fresh_keepable(&f, d, t->named))
		return r;
	of = rcfs_ofile_new(v->fd, &v->st, c->ino, f.gen, v->cookie);
	if (!of)
		return 0;
	of->kind = v->kind;
	v->of = of;
	v->fd = -1;
	rcfs_ofcache_put(d->files, of);
	/* a change came meanwhile: the flush may have run before the put,
	 * and nothing would close this file until the next one */
	if (!rcfs_fresh_current(&f, d))
		rcfs_ofcache_flush(d->files);
	return 0;
}
