// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The FUSE operations.  The file system is one regular file, the root
 * (inode 1); every request is mapped to the caller's network namespace
 * and served from that namespace's file.
 *
 * Caching: the kernel must ask for every stat and read, because the same
 * inode shows a different file to each namespace and changes whenever a
 * backing file is replaced.  So attributes are replied with a timeout of
 * 0 and files are opened with direct_io (no page cache shared between
 * callers) and without keep_cache.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "attrcache.h"
#include "backing.h"
#include "ofcache.h"
#include "daemon.h"
#include "nstap.h"
#include "paths.h"
#include "resolvconf.h"
#include "tids.h"
#include "watch.h"

struct handle {
	pthread_mutex_t lock;
	int fd;			/* what read, write and fstat use */
	bool owned;		/* fd is ours to close (not the host's fd) */
	bool copy;		/* fd is a private copy in rep */
	bool dirty;		/* written since the last commit */
	bool committed;		/* rep.fd became the live file */
	bool abandoned;		/* the writer died by a signal */
	bool written;		/* a write or truncate came through it */
	int write_error;	/* a write failed: never publish this copy */
	bool append;
	struct rcfs_replace rep;
	/* a reader's descriptor, shared with the namespace's other readers */
	struct rcfs_ofile *of;
	/* a short read ended the file here, at this watch generation */
	off_t eof_off;
	uint64_t eof_gen;
};

static inline struct rcfs_daemon *daemon_of(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

static inline struct handle *handle_of(struct fuse_file_info *fi)
{
	return (struct handle *)(uintptr_t)fi->fh;
}

const char *rcfs_host_kind_name(enum rcfs_host_kind k)
{
	switch (k) {
	case RCFS_HOST_ORIGINAL:
		return "original";
	case RCFS_HOST_SYMLINK:
		return "symlink";
	case RCFS_HOST_FILE:
		return "file";
	case RCFS_HOST_MAPPED:
		break;
	}
	return "mapped";
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

/* SIGHUP: read the names again, check the default file again. */
static void check_reload(struct rcfs_daemon *d)
{
	if (!d->reload)
		return;
	d->reload = 0;
	rcfs_names_invalidate(d->map.names);
	rcfs_watch_touch(d->watch);
	rcfs_check_default(d);
	log_msg(LOG_INFO, "reloaded namespace names and default file");
}

/* The caller's network namespace.  A request's pid is the calling
 * thread's id.  The tap, where it runs, saw the thread send this very
 * request; otherwise the thread's /proc link says where it is now. */
static int caller_netns(fuse_req_t req, ino_t *ret_ino)
{
	struct rcfs_daemon *d = daemon_of(req);
	pid_t pid = fuse_req_ctx(req)->pid;
	int r;

	check_reload(d);
	/* 0: the caller is in a pid namespace we cannot see into */
	if (pid <= 0)
		return -EIO;
	if (rcfs_nstap_netns(d->tap, pid, ret_ino))
		return 0;
	r = rcfs_tids_netns(d->tids, d->map.procfd, pid, ret_ino);
	if (r < 0 && r != -ESRCH)
		log_msg(LOG_ERR, "cannot find the network namespace of "
			"thread %d: %s", (int)pid, strerror(-r));
	return r;
}

/* What namespace INO of the request's caller sees. */
static int map_caller(fuse_req_t req, ino_t ino, struct rcfs_target *t)
{
	struct rcfs_daemon *d = daemon_of(req);
	pid_t pid = fuse_req_ctx(req)->pid;
	int r;

	r = rcfs_map_ino(&d->map, ino, t);
	if (r < 0)
		log_msg(LOG_ERR, "cannot map network namespace %ju of "
			"thread %d: %s", (uintmax_t)ino, (int)pid,
			strerror(-r));
	else if (d->verbose)
		log_msg(LOG_DEBUG, "thread %d: netns %ju -> %s%s",
			(int)pid, (uintmax_t)ino,
			t->kind == RCFS_TARGET_HOST ? "host" : "key ",
			t->kind == RCFS_TARGET_HOST ? "" : t->key);
	return r;
}

static int resolve(fuse_req_t req, struct rcfs_target *t)
{
	ino_t ino;
	int r;

	r = caller_netns(req, &ino);
	if (r < 0)
		return r;
	return map_caller(req, ino, t);
}

/* Open a file by an administrator's path (host source, default): any
 * symlinks there are the administrator's own.  Never a FIFO or device. */
static int open_path(const char *path, int flags)
{
	struct stat st;
	int fd;

	fd = open(path, flags | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

/*
 * Whether a lookup that failed with R, made when the backing directory's
 * generation was BGEN, failed because the directory was removed, and a
 * directory made anew at its path is now used: by this call, or by
 * another thread's meanwhile (without that check, the thread that lost
 * the race would take the old ENOENT for the new directory's).  Checked
 * only after a failure, to keep the fstat off the hot path.
 */
static bool backing_recovered(struct rcfs_daemon *d, int r, unsigned int bgen)
{
	if (r != -ENOENT)
		return false;
	if (rcfs_reopen_backing(d, false) > 0)
		return true;
	return rcfs_map_backing_gen(&d->map) != bgen;
}

int rcfs_reopen_backing(struct rcfs_daemon *d, bool by_path)
{
	int r = rcfs_map_reopen_backing(&d->map, by_path);

	if (r > 0)
		log_msg(LOG_NOTICE, "backing directory %s was %s: opened %s",
			d->settings.backing_dir,
			r == 1 ? "removed" : "replaced",
			r == 1 ? "it again" : "the new one");
	return r;
}

static int open_backing(struct rcfs_daemon *d, const char *rel, int flags)
{
	unsigned int bgen = rcfs_map_backing_gen(&d->map);
	struct stat st;
	int fd;

	fd = rcfs_backing_open(d->map.backing_fd, rel, flags | O_NONBLOCK, 0);
	if (backing_recovered(d, fd, bgen))
		fd = rcfs_backing_open(d->map.backing_fd, rel,
				       flags | O_NONBLOCK, 0);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

/*
 * Open what T sees, for reading.  *RET_OWNED tells whether the fd must
 * be closed (the host's original file is shared).  *RET_OWN tells
 * whether it is T's own file rather than the default.
 */
static int open_visible(struct rcfs_daemon *d, const struct rcfs_target *t,
			bool *ret_owned, bool *ret_own)
{
	int fd;

	*ret_owned = true;
	*ret_own = true;
	if (t->kind == RCFS_TARGET_HOST) {
		if (d->host_kind == RCFS_HOST_ORIGINAL) {
			*ret_owned = false;
			return d->host_fd;
		}
		return open_path(d->host_path, O_RDONLY);
	}
	fd = open_backing(d, t->rel, O_RDONLY);
	if (fd != -ENOENT || !d->settings.default_file)
		return fd;
	*ret_own = false;
	return open_path(d->settings.default_file, O_RDONLY);
}

static int stat_visible(struct rcfs_daemon *d, const struct rcfs_target *t,
			struct stat *st)
{
	unsigned int bgen;
	int r;

	if (t->kind == RCFS_TARGET_HOST) {
		if (d->host_kind == RCFS_HOST_ORIGINAL)
			return fstat(d->host_fd, st) < 0 ? -errno : 0;
		return stat(d->host_path, st) < 0 ? -errno : 0;
	}
	bgen = rcfs_map_backing_gen(&d->map);
	r = rcfs_backing_stat(d->map.backing_fd, t->rel, st);
	if (backing_recovered(d, r, bgen))
		r = rcfs_backing_stat(d->map.backing_fd, t->rel, st);
	if (r == -ENOENT && d->settings.default_file)
		r = stat(d->settings.default_file, st) < 0 ? -errno : 0;
	/* A directory or FIFO where the file should be: the kernel would
	 * mark our one inode bad when its type changes, and every caller
	 * in every namespace would get EIO until the unmount. */
	if (r == 0 && !S_ISREG(st->st_mode))
		r = -EINVAL;
	return r;
}

static void reply_stat(fuse_req_t req, struct stat *st)
{
	/* keep the backing file's inode number: glibc's resolv.conf check
	 * compares it and must see a namespace switch as a change */
	if (st->st_nlink == 0)
		st->st_nlink = 1;
	fuse_reply_attr(req, st, 0.0);
}

static void op_init(void *userdata, struct fuse_conn_info *conn)
{
	(void)userdata;
	/* O_TRUNC arrives with open, so a truncating writer starts from an
	 * empty private copy instead of truncating the live file. */
	if (conn->capable & FUSE_CAP_ATOMIC_O_TRUNC)
		conn->want |= FUSE_CAP_ATOMIC_O_TRUNC;
	conn->want &= ~FUSE_CAP_WRITEBACK_CACHE;
}

static void op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	(void)parent;
	(void)name;
	fuse_reply_err(req, ENOTDIR);
}

/*
 * The watch generation under which what is found for REQ may be kept,
 * and what was kept may answer it; 0 when nothing may be (-v logs every
 * request's lookup).  A change made before the request whose event the
 * watch has not read yet has not moved the generation, yet must be seen:
 * the tap, where it saw the request, tells whether the watch had events
 * waiting when the request was sent; otherwise the watch's queue is
 * asked now.
 */
static uint64_t kept_gen(fuse_req_t req)
{
	struct rcfs_daemon *d = daemon_of(req);
	uint64_t w;

	if (d->verbose)
		return 0;
	w = rcfs_nstap_slot(d->tap, fuse_req_ctx(req)->pid);
	if (w ? (w & RCFS_NSTAP_PENDING) : rcfs_watch_queued(d->watch))
		return 0;
	return rcfs_watch_gen(d->watch);
}

/*
 * Whether what was found for T may be kept for its generation.  Not
 * while ip-netns has a file not yet bound (an unnamed namespace may be
 * named any moment), nor when the backing directory was reopened during
 * the lookup (it may have used either).
 */
static bool keepable(struct rcfs_daemon *d, const struct rcfs_target *t,
		     unsigned int bgen)
{
	unsigned int now = rcfs_map_backing_gen(&d->map);

	if (now != bgen || (now & 1))
		return false;
	return t->named || rcfs_names_settled(d->map.names);
}

/*
 * stat() of the caller: the hot path, since glibc calls it before every
 * name lookup.  What a namespace sees is kept with the watch generation
 * it was found at; while nothing watched has changed, the answer costs
 * the one readlinkat() that finds the caller's namespace.
 */
static int stat_caller(fuse_req_t req, struct stat *st)
{
	struct rcfs_daemon *d = daemon_of(req);
	struct rcfs_target t;
	unsigned int bgen;
	uint64_t gen;
	ino_t ino;
	int r;

	r = caller_netns(req, &ino);
	if (r < 0)
		return r;
	/* read before looking anything up: a change meanwhile moves it on,
	 * and what is found now is not kept as current */
	gen = kept_gen(req);
	if (gen && rcfs_attrcache_get(d->attrs, ino, gen, &r, st))
		return r;
	bgen = rcfs_map_backing_gen(&d->map);
	r = map_caller(req, ino, &t);
	if (r < 0)
		return r;
	r = stat_visible(d, &t, st);
	if (gen && (r == 0 || r == -ENOENT) && keepable(d, &t, bgen))
		rcfs_attrcache_put(d->attrs, ino, gen, r, st);
	return r;
}

static void op_getattr(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	struct stat st;
	int r;

	(void)ino;
	if (fi) {
		struct handle *h = handle_of(fi);

		pthread_mutex_lock(&h->lock);
		r = fstat(h->fd, &st) < 0 ? -errno : 0;
		pthread_mutex_unlock(&h->lock);
	} else {
		r = stat_caller(req, &st);
	}
	if (r < 0)
		fuse_reply_err(req, -r);
	else
		reply_stat(req, &st);
}

static struct handle *handle_new(void)
{
	struct handle *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	pthread_mutex_init(&h->lock, NULL);
	h->fd = h->rep.fd = h->rep.dirfd = -1;
	return h;
}

static void handle_free(struct handle *h)
{
	if (h->copy)
		rcfs_replace_abort(&h->rep);
	else if (h->of)
		rcfs_ofile_unref(h->of);
	else if (h->owned && h->fd >= 0)
		close(h->fd);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

/* A writer's private copy of what T sees now (empty with O_TRUNC). */
static int begin_copy(struct rcfs_daemon *d, const struct rcfs_target *t,
		      struct handle *h, bool trunc)
{
	struct stat like;
	bool owned, own;
	int src, r;

	src = open_visible(d, t, &owned, &own);
	if (src < 0 && src != -ENOENT)
		return src;
	if (src >= 0 && fstat(src, &like) < 0) {
		r = -errno;
		goto out;
	}
	if (t->kind == RCFS_TARGET_HOST)
		r = rcfs_replace_begin_path(&h->rep, d->host_path,
					    src >= 0 ? &like : NULL);
	else
		r = rcfs_replace_begin(&h->rep, d->map.backing_fd, t->rel,
				       src >= 0 ? &like : NULL,
				       d->settings.layout == RCFS_LAYOUT_DIR);
	if (r < 0)
		goto out;
	h->copy = true;
	h->fd = h->rep.fd;
	if (src >= 0 && !trunc)
		r = rcfs_copy_fd(src, h->fd);
	/* a new file of the namespace's own is a change even if empty */
	h->dirty = trunc || !own;
out:
	if (src >= 0 && owned)
		close(src);
	return r;
}

/*
 * A reader's descriptor.  Opened at generation G, the namespace's file is
 * shared with every reader that opens it while the generation is still G:
 * such an open, and its close, cost no system call besides the one that
 * finds the caller's namespace.
 */
static int open_reader(fuse_req_t req, ino_t ino, struct handle *h)
{
	struct rcfs_daemon *d = daemon_of(req);
	struct rcfs_target t;
	struct rcfs_ofile *of;
	unsigned int bgen;
	uint64_t gen;
	bool own;
	int r;

	/* read before the lookups: a change meanwhile moves it on */
	gen = kept_gen(req);
	h->of = rcfs_ofcache_get(d->files, ino, gen);
	if (h->of) {
		h->fd = h->of->fd;
		return 0;
	}
	bgen = rcfs_map_backing_gen(&d->map);
	r = map_caller(req, ino, &t);
	if (r < 0)
		return r;
	r = open_visible(d, &t, &h->owned, &own);
	if (r < 0)
		return r;
	h->fd = r;
	/* the host's original is shared already */
	if (!gen || !h->owned || !keepable(d, &t, bgen))
		return 0;
	of = rcfs_ofile_new(h->fd, ino, gen);
	if (of) {
		h->of = of;
		h->owned = false;
		rcfs_ofcache_put(d->files, of);
		/* a change came meanwhile: the flush may have run before the
		 * put, and nothing would close this file until the next one */
		if (rcfs_watch_gen(d->watch) != gen)
			rcfs_ofcache_flush(d->files);
	}
	return 0;
}

static int open_writer(struct rcfs_daemon *d, const struct rcfs_target *t,
		       struct handle *h, bool trunc)
{
	if (t->kind != RCFS_TARGET_HOST || d->host_kind != RCFS_HOST_ORIGINAL)
		return begin_copy(d, t, h, trunc);
	/* The host's own file is the mount point: nothing can be renamed
	 * over it, so it is written in place. */
	h->fd = d->host_fd;
	if (trunc) {
		if (ftruncate(h->fd, 0) < 0)
			return -errno;
		rcfs_watch_touch(d->watch);
	}
	return 0;
}

static void op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	int acc = fi->flags & O_ACCMODE;
	struct rcfs_target t;
	struct handle *h;
	ino_t ns;
	int r;

	(void)ino;
	r = caller_netns(req, &ns);
	if (r < 0) {
		fuse_reply_err(req, -r);
		return;
	}
	h = handle_new();
	if (!h) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	h->append = fi->flags & O_APPEND;
	if (acc == O_RDONLY) {
		r = open_reader(req, ns, h);
		/* a reader has nothing to flush: spare the round trip */
		fi->noflush = 1;
	} else {
		r = map_caller(req, ns, &t);
		if (r == 0)
			r = open_writer(daemon_of(req), &t, h,
					fi->flags & O_TRUNC);
	}
	if (r < 0) {
		handle_free(h);
		fuse_reply_err(req, -r);
		return;
	}
	fi->fh = (uintptr_t)h;
	fi->direct_io = 1;
	fi->keep_cache = 0;
	if (fuse_reply_open(req, fi) == -ENOENT)
		handle_free(h);	/* the caller was interrupted */
}

static void op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct rcfs_daemon *d = daemon_of(req);
	struct handle *h = handle_of(fi);
	char stack[16384], *buf = stack;
	uint64_t gen;
	ssize_t n;

	(void)ino;
	/*
	 * resolv.conf is small: one copy through the stack.  (libfuse
	 * 3.14's splice path, FUSE_BUF_SPLICE_MOVE, corrupted the heap of
	 * its worker threads here, seen as aborts at exit.)
	 */
	if (size > sizeof(stack)) {
		buf = malloc(size);
		if (!buf) {
			fuse_reply_err(req, ENOMEM);
			return;
		}
	}
	pthread_mutex_lock(&h->lock);
	/* Readers read until read() returns 0: after a short read, nothing
	 * watched has changed, so the file still ends there.  (kept_gen()
	 * only where it can spare the pread: without the tap it costs a
	 * system call too.) */
	if (!h->copy && h->eof_gen && off >= h->eof_off &&
	    kept_gen(req) == h->eof_gen) {
		n = 0;
	} else {
		/* read before the pread: a change meanwhile moves it on */
		gen = h->copy ? 0 : rcfs_watch_gen(d->watch);
		n = pread(h->fd, buf, size, off);
		if (n >= 0 && (size_t)n < size) {
			h->eof_off = off + n;
			h->eof_gen = gen;
		}
	}
	pthread_mutex_unlock(&h->lock);
	if (n < 0)
		fuse_reply_err(req, errno);
	else
		fuse_reply_buf(req, buf, (size_t)n);
	if (buf != stack)
		free(buf);
}

/* After a commit the copy is the live file: copy again before writing. */
static int prepare_write(struct handle *h)
{
	int r;

	if (!h->copy || !h->committed)
		return 0;
	r = rcfs_replace_restart(&h->rep);
	if (r < 0)
		return r;
	h->fd = h->rep.fd;
	h->committed = false;
	return 0;
}

static void op_write(fuse_req_t req, fuse_ino_t ino, const char *data,
		     size_t size, off_t off, struct fuse_file_info *fi)
{
	struct handle *h = handle_of(fi);
	struct stat st;
	ssize_t n;
	int r;

	(void)ino;
	pthread_mutex_lock(&h->lock);
	r = prepare_write(h);
	if (r == 0 && h->append)
		r = fstat(h->fd, &st) < 0 ? -errno : (off = st.st_size, 0);
	if (r == 0 && (off < 0 || (uint64_t)off + size > RCFS_MAX_FILE_SIZE))
		r = -EFBIG;
	if (r == 0) {
		n = pwrite(h->fd, data, size, off);
		if (n < 0)
			r = -errno;
		else if ((size_t)n < size)
			/* the file system is full: the rest would fail */
			h->write_error = ENOSPC;
		size = n < 0 ? 0 : (size_t)n;
	}
	/*
	 * The copy now lacks what the writer meant to write: publishing it
	 * at close would replace the old file by a cut one (with O_TRUNC,
	 * by an empty one; past the size limit, by its first MiB).  Keep
	 * the old file; close reports the error.
	 */
	if (r < 0 && h->copy)
		h->write_error = -r;
	if (r == 0)
		h->dirty = h->written = true;
	pthread_mutex_unlock(&h->lock);
	if (r < 0) {
		fuse_reply_err(req, -r);
	} else {
		/* the host's own file is written in place */
		if (!h->copy)
			rcfs_watch_touch(daemon_of(req)->watch);
		fuse_reply_write(req, size);
	}
}

/* Whether thread TID is dying of a signal: its close must not publish a
 * half-written file.  The exit code is set before the kernel closes the
 * files of an exiting task, so flush can see it. */
static bool killed_by_signal(struct rcfs_daemon *d, pid_t tid)
{
	char rel[64], buf[1024], *p;
	unsigned long flags = 0;
	int fd, code = 0, field;
	ssize_t n;

	if (tid <= 0)
		return false;
	snprintf(rel, sizeof(rel), "%d/stat", (int)tid);
	fd = openat(d->map.procfd, rel, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p)
		return false;
	/* fields after the command: 3 state ... 9 flags ... 52 exit_code */
	for (field = 2; p && *p; field++) {
		p = strchr(p + 1, ' ');
		if (!p)
			break;
		if (field + 1 == 9)
			flags = strtoul(p + 1, NULL, 10);
		if (field + 1 == 52)
			code = atoi(p + 1);
	}
	return (flags & 0x4 /* PF_EXITING */) && (code & 0x7f);
}

static int commit(struct rcfs_daemon *d, struct handle *h)
{
	int r;

	if (!h->copy || !h->dirty || h->committed)
		return 0;
	if (h->write_error)
		return -h->write_error;
	r = rcfs_replace_commit(&h->rep);
	if (r == 0) {
		h->dirty = false;
		h->committed = true;
		/* the writer's next stat() must see it, event read or not */
		rcfs_watch_touch(d->watch);
	}
	return r;
}

/* Each close(2): publish what was written, and report the error to the
 * writer (release's errors reach nobody). */
static void op_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct rcfs_daemon *d = daemon_of(req);
	struct handle *h = handle_of(fi);
	int r = 0, write_error;

	(void)ino;
	pthread_mutex_lock(&h->lock);
	write_error = h->write_error;
	if (h->copy && h->dirty) {
		if (killed_by_signal(d, fuse_req_ctx(req)->pid)) {
			h->abandoned = true;
			log_msg(LOG_NOTICE, "writer %d died by a signal: "
				"its changes were discarded",
				(int)fuse_req_ctx(req)->pid);
		} else if (h->written) {
			/* A shell opens with O_TRUNC, dup2()s to stdout and
			 * closes the original before writing: that flush must
			 * not publish the empty copy.  Unwritten: release. */
			r = commit(d, h);
		}
	}
	pthread_mutex_unlock(&h->lock);
	if (r < 0 && !write_error)	/* a failed write was reported */
		log_msg(LOG_ERR, "cannot save a namespace's file: %s",
			strerror(-r));
	fuse_reply_err(req, -r);
}

static void op_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
		     struct fuse_file_info *fi)
{
	struct handle *h = handle_of(fi);
	int r;

	(void)ino;
	(void)datasync;
	pthread_mutex_lock(&h->lock);
	if (h->copy)
		r = commit(daemon_of(req), h);
	else
		r = fsync(h->fd) < 0 ? -errno : 0;
	pthread_mutex_unlock(&h->lock);
	fuse_reply_err(req, -r);
}

static void op_release(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	struct handle *h = handle_of(fi);

	(void)ino;
	/* a descriptor that was never flushed (passed away and dropped by
	 * the kernel) still publishes, unless its writer was killed */
	if (h->copy && h->dirty && !h->abandoned && !h->write_error &&
	    commit(daemon_of(req), h) < 0)
		log_msg(LOG_ERR, "cannot save a namespace's file at release");
	handle_free(h);
	fuse_reply_err(req, 0);
}

/* truncate(2) by path: an atomic replace of its own. */
static int truncate_target(struct rcfs_daemon *d, const struct rcfs_target *t,
			   off_t size)
{
	struct handle *h;
	int r;

	if (t->kind == RCFS_TARGET_HOST && d->host_kind == RCFS_HOST_ORIGINAL) {
		if (ftruncate(d->host_fd, size) < 0)
			return -errno;
		rcfs_watch_touch(d->watch);
		return 0;
	}
	h = handle_new();
	if (!h)
		return -ENOMEM;
	r = begin_copy(d, t, h, size == 0);
	if (r == 0 && ftruncate(h->fd, size) < 0)
		r = -errno;
	if (r == 0) {
		h->dirty = true;
		r = commit(d, h);
	}
	handle_free(h);
	return r;
}

/* A descriptor of the file T sees, for chmod, chown and utimes; only
 * files of its own: changing the default's would change it for all. */
static int open_meta(struct rcfs_daemon *d, const struct rcfs_target *t,
		     bool *owned)
{
	bool own;
	int fd = open_visible(d, t, owned, &own);

	if (fd >= 0 && !own) {
		close(fd);
		return -EPERM;
	}
	return fd;
}

static int set_meta(int fd, const struct stat *attr, int to_set)
{
	if ((to_set & FUSE_SET_ATTR_MODE) &&
	    fchmod(fd, attr->st_mode & 07777) < 0)
		return -errno;
	if (to_set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)) {
		uid_t uid = (to_set & FUSE_SET_ATTR_UID) ? attr->st_uid : (uid_t)-1;
		gid_t gid = (to_set & FUSE_SET_ATTR_GID) ? attr->st_gid : (gid_t)-1;

		if (fchown(fd, uid, gid) < 0)
			return -errno;
	}
	if (to_set & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME)) {
		struct timespec ts[2] = {
			{ .tv_nsec = UTIME_OMIT }, { .tv_nsec = UTIME_OMIT },
		};

		if (to_set & FUSE_SET_ATTR_ATIME_NOW)
			ts[0].tv_nsec = UTIME_NOW;
		else if (to_set & FUSE_SET_ATTR_ATIME)
			ts[0] = attr->st_atim;
		if (to_set & FUSE_SET_ATTR_MTIME_NOW)
			ts[1].tv_nsec = UTIME_NOW;
		else if (to_set & FUSE_SET_ATTR_MTIME)
			ts[1] = attr->st_mtim;
		if (futimens(fd, ts) < 0)
			return -errno;
	}
	return 0;
}

static void op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
		       int to_set, struct fuse_file_info *fi)
{
	struct rcfs_daemon *d = daemon_of(req);
	struct handle *h = fi ? handle_of(fi) : NULL;
	struct rcfs_target t;
	struct stat st;
	bool owned = false;
	int r, fd = -1;

	(void)ino;
	r = resolve(req, &t);
	if (r < 0)
		goto out;
	if ((to_set & FUSE_SET_ATTR_SIZE) &&
	    (attr->st_size < 0 || attr->st_size > RCFS_MAX_FILE_SIZE)) {
		r = -EFBIG;
		goto out;
	}
	if (h)
		pthread_mutex_lock(&h->lock);
	if (to_set & FUSE_SET_ATTR_SIZE) {
		if (h) {
			r = prepare_write(h);
			if (r == 0 && ftruncate(h->fd, attr->st_size) < 0)
				r = -errno;
			if (r == 0)
				h->dirty = h->written = true;
		} else {
			r = truncate_target(d, &t, attr->st_size);
		}
	}
	to_set &= ~FUSE_SET_ATTR_SIZE;
	if (r == 0 && to_set) {
		/* an open writer's copy carries the change to its commit */
		if (h && h->copy)
			r = set_meta(h->fd, attr, to_set);
		if (r == 0) {
			fd = open_meta(d, &t, &owned);
			if (fd == -ENOENT && h && h->copy)
				fd = -1;	/* its first file: the copy has it */
			else if (fd < 0)
				r = fd;
			else
				r = set_meta(fd, attr, to_set);
		}
	}
	/* chmod, chown and utimes change a file of the namespace's own;
	 * a part may have been done even when a later part failed */
	rcfs_watch_touch(d->watch);
	if (r == 0 && h)
		r = fstat(h->fd, &st) < 0 ? -errno : 0;
	else if (r == 0)
		r = stat_visible(d, &t, &st);
	if (h)
		pthread_mutex_unlock(&h->lock);
	if (fd >= 0 && owned)
		close(fd);
out:
	if (r < 0)
		fuse_reply_err(req, -r);
	else
		reply_stat(req, &st);
}

static void op_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct rcfs_daemon *d = daemon_of(req);
	struct statvfs sv;

	(void)ino;
	if (fstatvfs(d->map.backing_fd, &sv) < 0)
		fuse_reply_err(req, errno);
	else
		fuse_reply_statfs(req, &sv);
}

const struct fuse_lowlevel_ops rcfs_ops = {
	.init		= op_init,
	.lookup		= op_lookup,
	.getattr	= op_getattr,
	.setattr	= op_setattr,
	.open		= op_open,
	.read		= op_read,
	.write		= op_write,
	.flush		= op_flush,
	.fsync		= op_fsync,
	.release	= op_release,
	.statfs		= op_statfs,
};
