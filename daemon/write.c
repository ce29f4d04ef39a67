// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The write path.  A writer works on a private copy; readers keep
 * seeing the whole old file until the writer is done with it, and then
 * the whole new one:
 *
 *  - a namespace's file (and a DNS manager's file behind a symlink mount
 *    point) is replaced by rename(2) after fsync, and its directory
 *    fsynced (lib/backing.c);
 *  - the host's original file, a mount point nothing can be renamed
 *    over, is rewritten in place under a lock its readers respect
 *    (host.c).
 *
 * "Done" is the close by the process that opened the file of its last
 * descriptor open for writing on the mount, once something was written
 * (a shell's `{ ...; } > file` opens, runs children that inherit the
 * descriptor and exit, and closes last), or else the last close of the
 * open file.  Never the close of an inherited copy, never after a failed
 * write or a failed commit, never when the writer was killed by a
 * signal.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "access.h"
#include "handle.h"
#include "fresh.h"
#include "view.h"
#include "watch.h"

/* A copy that lives in memory: the host's original file, or a first
 * file whose directory is made only when it is published. */
static int memory_copy(struct handle *h)
{
	h->rep.fd = memfd_create("resolvconffs-copy", MFD_CLOEXEC);
	h->rep.dirfd = -1;
	h->rep.record = 0;
	return h->rep.fd < 0 ? -errno : 0;
}

static int copy_view(const struct rcfs_view *v, int dst)
{
	ssize_t w;

	if (v->fd >= 0)
		return rcfs_copy_fd(v->fd, dst);
	w = pwrite(dst, v->snap->data, v->snap->len, 0);
	if (w < 0)
		return -errno;
	return (size_t)w == v->snap->len ? 0 : -ENOSPC;
}

int writer_begin(struct rcfs_caller *c, const struct rcfs_target *t,
		 struct handle *h, bool trunc)
{
	struct rcfs_daemon *d = c->d;
	bool dir = d->settings.layout == RCFS_LAYOUT_DIR;
	uint64_t record = 0;
	struct rcfs_view v;
	int r;

	/* what it sees now decides who may write, and is the start */
	r = rcfs_view_open(c, t, 0, &v);
	if (r < 0)
		return r;
	r = rcfs_access_open(c, &v.st, W_OK);
	if (r == 0 && t->kind == RCFS_TARGET_KEY && !t->named)
		r = rcfs_caller_cookie(c, &record);
	if (r < 0)
		goto out;
	h->rep.fd = h->rep.dirfd = -1;
	if (t->kind == RCFS_TARGET_HOST && d->host_kind == RCFS_HOST_ORIGINAL) {
		h->inplace = true;
		r = memory_copy(h);
	} else if (t->kind == RCFS_TARGET_HOST) {
		r = rcfs_replace_begin_path(&h->rep, d->host_path, &v.st);
	} else {
		/* a new file has the owner and mode of what it replaces:
		 * the default's, for a namespace's first */
		r = rcfs_replace_begin(&h->rep, rcfs_map_backing_fd(d->map),
				       t->rel, &v.st, 0);
		if (r == -ENOENT && dir) {
			h->deferred = true;
			r = memory_copy(h);
		}
	}
	if (r < 0)
		goto out;
	h->rep.record = record;
	h->fd = h->rep.fd;
	h->writer = true;
	h->t = *t;
	if (!trunc)
		r = copy_view(&v, h->fd);
	/* an explicit O_TRUNC is a change even if nothing is written */
	h->dirty = trunc;
	h->opener = rcfs_proc_tgid(rcfs_map_procfd(d->map), c->tid);
out:
	rcfs_view_close(&v);
	return r;
}

int writer_prepare(struct handle *h)
{
	int r;

	if (!h->committed)
		return 0;
	/* in memory, the copy is still ours; on disk it is the live file */
	if (!h->inplace && !h->deferred) {
		r = rcfs_replace_restart(&h->rep);
		if (r < 0)
			return r;
		h->fd = h->rep.fd;
	}
	h->committed = false;
	return 0;
}

/* The deferred copy: now make the directory, and the copy in it. */
static int undefer(struct rcfs_daemon *d, struct handle *h)
{
	struct rcfs_replace rep;
	struct stat st;
	int r;

	if (fstat(h->fd, &st) < 0)
		return -errno;
	r = rcfs_replace_begin(&rep, rcfs_map_backing_fd(d->map), h->t.rel,
			       &st, 1);
	if (r < 0)
		return r;
	rep.record = h->rep.record;
	r = rcfs_copy_fd(h->fd, rep.fd);
	if (r < 0) {
		rcfs_replace_abort(&rep);
		return r;
	}
	close(h->fd);
	h->rep = rep;
	h->fd = rep.fd;
	h->deferred = false;
	return 0;
}

int writer_commit(struct rcfs_daemon *d, struct handle *h)
{
	int r;

	if (h->write_error)
		return -h->write_error;
	if (h->failed)
		return -h->failed;
	if (!h->dirty || h->committed)
		return 0;
	if (h->inplace) {
		r = rcfs_host_file_commit(&d->host, h->fd);
	} else {
		r = h->deferred ? undefer(d, h) : 0;
		if (r == 0)
			r = rcfs_replace_commit(&h->rep);
	}
	if (r < 0 && (h->inplace || !h->rep.published)) {
		/* the old file stays; this copy is never tried again */
		h->failed = -r;
		log_msg(LOG_ERR, "cannot save %s: %s (the old content stays)",
			h->t.kind == RCFS_TARGET_HOST ? "the host's file" :
			h->t.rel, strerror(-r));
		return r;
	}
	if (r < 0)
		log_msg(LOG_ERR, "saved %s, but cannot make it durable: %s",
			h->t.kind == RCFS_TARGET_HOST ? "the host's file" :
			h->t.rel, strerror(-r));
	h->dirty = false;
	h->committed = true;
	/* the writer's next stat() must see it, event read or not */
	rcfs_fresh_touch(d);
	return r;
}

void writer_wrote(struct handle *h, uint64_t owner)
{
	for (unsigned int i = 0; i < h->nwriters && i < 4; i++)
		if (h->writers[i] == owner)
			return;
	if (h->nwriters < 4)
		h->writers[h->nwriters] = owner;
	h->nwriters++;
}

static bool wrote(const struct handle *h, uint64_t owner)
{
	if (h->nwriters > 4)
		return true;
	for (unsigned int i = 0; i < h->nwriters; i++)
		if (h->writers[i] == owner)
			return true;
	return false;
}

int writer_flush(struct rcfs_daemon *d, struct handle *h, pid_t tid,
		 uint64_t owner)
{
	if (!h->writer)
		return 0;
	/* the writer heard of it at write(2); its close hears it again,
	 * and nothing is published */
	if (h->write_error)
		return -h->write_error;
	if (h->failed)
		return -h->failed;
	if (!h->dirty || h->abandoned)
		return 0;
	/* The exit of a writer killed mid-way closes its files: what it
	 * wrote is not what it meant to write. */
	if (wrote(h, owner) && rcfs_proc_killed(rcfs_map_procfd(d->map), tid)) {
		h->abandoned = true;
		log_msg(LOG_NOTICE, "writer %d died by a signal: its changes "
			"were discarded", (int)tid);
		return 0;
	}
	/* A shell opens with O_TRUNC, dup2()s to stdout and closes the
	 * original before writing: that close publishes nothing.  Nor does
	 * a child's exit that closes its inherited copy, nor the close of
	 * one of the opener's copies while it keeps another open for
	 * writing (`exec 3>file; echo x >&3` closes a dup of 3 after each
	 * echo). */
	if (!h->written || h->opener <= 0 ||
	    rcfs_proc_tgid(rcfs_map_procfd(d->map), tid) != h->opener ||
	    rcfs_proc_writing(rcfs_map_procfd(d->map), tid, d->mnt_id))
		return 0;
	return writer_commit(d, h);
}

void writer_release(struct rcfs_daemon *d, struct handle *h)
{
	if (!h->writer || !h->dirty || h->abandoned || h->failed ||
	    h->write_error)
		return;
	/* release's errors reach nobody: logged by the commit */
	writer_commit(d, h);
}
