// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The raw side of a server's connection (see fuseio.h): the recorded
 * FUSE_INIT, replies on the right descriptor, and file handles that say
 * which server opened them.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fuse.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "fuseio.h"
#include "fuseio-int.h"

#ifndef FUSE_HAS_RESEND
#define FUSE_HAS_RESEND (1ULL << 39)
#endif

__thread struct rcfs_io_thread rcfs_io_tl;

static struct {
	unsigned int gen;
	/* the kernel's INIT being given to the session */
	int init_fd;
	bool init_replied;
	int init_error;
	unsigned int max_write;
} io = { .init_fd = -1 };

/*
 * Handle ids, as the kernel sees them: the server's number (24 bits),
 * whether the file was opened for writing (1), a slot (20) and how many
 * times the slot was used before (19).  An id is never given twice
 * while two servers run side by side: a server that opened a reader's
 * file again for a handle of another (adopt()) may keep that id after
 * the other server freed it, and must not find it on another file.
 * Slots live in chunks that are never freed, so a lookup needs no lock:
 * it reads the id, the handle, and the id again.
 */
#define GEN_SHIFT	40
#define GEN_MASK	0xffffffULL
#define ID_WRITABLE	(1ULL << 39)
#define SLOT_SHIFT	19
#define SLOT_BITS	20
#define USE_MASK	((1ULL << SLOT_SHIFT) - 1)
#define CHUNK_SLOTS	1024
#define CHUNKS		((1U << SLOT_BITS) / CHUNK_SLOTS)

struct slot {
	uint64_t id;		/* 0: free */
	uintptr_t fh;
	uint32_t uses;
};

static struct slot *chunks[CHUNKS];
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;
static uint32_t *free_slots;
static size_t n_free, cap_free;
static uint32_t next_slot;

/* Readers' handles of other servers, opened again here. */
static pthread_mutex_t adopted_lock = PTHREAD_MUTEX_INITIALIZER;
static struct adopted {
	uint64_t id;
	uintptr_t fh;
} *adopted;
static size_t n_adopted;

static uint64_t gen_of(uint64_t id)
{
	return id >> GEN_SHIFT & GEN_MASK;
}

static struct slot *slot_at(uint32_t n)
{
	struct slot *chunk = __atomic_load_n(&chunks[n / CHUNK_SLOTS],
					     __ATOMIC_ACQUIRE);

	return chunk ? &chunk[n % CHUNK_SLOTS] : NULL;
}

static int slot_alloc(uintptr_t fh, bool writable, uint64_t *ret_id)
{
	struct slot *chunk, *e;
	uint32_t n;
	int r = -ENOMEM;

	pthread_mutex_lock(&slots_lock);
	if (n_free) {
		n = free_slots[--n_free];
	} else if (next_slot < CHUNK_SLOTS * CHUNKS) {
		n = next_slot;
		if (!chunks[n / CHUNK_SLOTS]) {
			chunk = calloc(CHUNK_SLOTS, sizeof(*chunk));
			if (!chunk)
				goto out;
			__atomic_store_n(&chunks[n / CHUNK_SLOTS], chunk,
					 __ATOMIC_RELEASE);
		}
		next_slot++;
	} else {
		goto out;
	}
	e = slot_at(n);
	*ret_id = (uint64_t)io.gen << GEN_SHIFT | (writable ? ID_WRITABLE : 0) |
		  (uint64_t)n << SLOT_SHIFT | (e->uses++ & USE_MASK);
	__atomic_store_n(&e->fh, fh, __ATOMIC_RELEASE);
	__atomic_store_n(&e->id, *ret_id, __ATOMIC_RELEASE);
	r = 0;
out:
	pthread_mutex_unlock(&slots_lock);
	return r;
}

static uintptr_t slot_get(uint64_t id)
{
	struct slot *e = slot_at((uint32_t)(id >> SLOT_SHIFT) &
				 ((1U << SLOT_BITS) - 1));
	uintptr_t fh;

	if (!e || __atomic_load_n(&e->id, __ATOMIC_ACQUIRE) != id)
		return 0;
	fh = __atomic_load_n(&e->fh, __ATOMIC_ACQUIRE);
	return __atomic_load_n(&e->id, __ATOMIC_ACQUIRE) == id ? fh : 0;
}

void rcfs_io_slot_free(uint64_t id)
{
	uint32_t n = (uint32_t)(id >> SLOT_SHIFT) & ((1U << SLOT_BITS) - 1);
	struct slot *e = slot_at(n);
	uint32_t *v;

	pthread_mutex_lock(&slots_lock);
	if (!e || e->id != id)
		goto out;
	__atomic_store_n(&e->id, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&e->fh, 0, __ATOMIC_RELEASE);
	if (n_free == cap_free) {
		v = realloc(free_slots, (cap_free ? cap_free * 2 : 64) *
			    sizeof(*v));
		if (!v)
			goto out;	/* the slot is lost, nothing else */
		free_slots = v;
		cap_free = cap_free ? cap_free * 2 : 64;
	}
	free_slots[n_free++] = n;
out:
	pthread_mutex_unlock(&slots_lock);
}

int rcfs_io_attach(struct fuse_session *se, int fd, unsigned int gen)
{
	static const struct fuse_custom_io ops = {
		.writev = rcfs_io_writev,
		.read = rcfs_io_read,
	};

	io.gen = (unsigned int)(gen & GEN_MASK);
	if (!io.gen)
		return -EINVAL;
	return fuse_session_custom_io(se, &ops, fd);
}

bool rcfs_init_has_resend(const void *init, size_t len)
{
	const struct fuse_in_header *h = init;
	const struct fuse_init_in *in = (const void *)(h + 1);

	if (len < sizeof(*h) + offsetof(struct fuse_init_in, flags2) +
	    sizeof(in->flags2) || h->opcode != FUSE_INIT)
		return false;
	return (in->flags & FUSE_INIT_EXT) &&
	       ((uint64_t)in->flags2 << 32 & FUSE_HAS_RESEND);
}

int rcfs_init_read(int fd, void *buf, size_t size, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	const struct fuse_in_header *h = buf;
	ssize_t n;
	int r;

	r = poll(&p, 1, timeout_ms);
	if (r < 0)
		return -errno;
	if (r == 0)
		return -ETIMEDOUT;
	n = read(fd, buf, size);
	if (n < 0)
		return -errno;
	if ((size_t)n < sizeof(*h) || h->opcode != FUSE_INIT)
		return -EPROTO;
	return (int)n;
}

int rcfs_io_init(struct fuse_session *se, const void *init, size_t len,
		 int mount_fd, unsigned int *ret_max_write)
{
	uint64_t copy[64];
	struct fuse_buf buf = { .mem = copy, .size = len };

	if (len > sizeof(copy) || len < sizeof(struct fuse_in_header))
		return -EINVAL;
	memcpy(copy, init, len);
	io.init_fd = mount_fd;
	io.init_replied = false;
	io.init_error = 0;
	fuse_session_process_buf(se, &buf);
	io.init_fd = -1;
	if (!io.init_replied)
		return -EIO;
	if (io.init_error)
		return io.init_error;
	*ret_max_write = io.max_write;
	return 0;
}

static size_t iov_total(const struct iovec *iov, int count)
{
	size_t n = 0;

	for (int i = 0; i < count; i++)
		n += iov[i].iov_len;
	return n;
}

/* The session's answer to the recorded INIT. */
static ssize_t init_reply(struct iovec *iov, int count)
{
	const struct fuse_out_header *out = iov[0].iov_base;
	const struct fuse_init_out *arg = count > 1 ? iov[1].iov_base : NULL;
	ssize_t n;

	io.init_replied = true;
	io.init_error = out->error;
	/* a refusal would leave the connection refusing every request */
	if (out->error)
		return (ssize_t)iov_total(iov, count);
	if (arg && iov[1].iov_len >= offsetof(struct fuse_init_out, time_gran))
		io.max_write = arg->max_write;
	n = writev(io.init_fd, iov, count);
	/* answered by an earlier server: nothing waits for this one */
	if (n < 0 && errno == ENOENT)
		n = (ssize_t)iov_total(iov, count);
	if (n < 0)
		io.init_error = -errno;
	return n;
}

/* An answer to a synthetic open (adopt()): kept, not sent. */
static ssize_t capture(struct iovec *iov, int count)
{
	const struct fuse_out_header *out = iov[0].iov_base;
	struct rcfs_io_thread *t = &rcfs_io_tl;

	t->capture = false;
	t->cap_error = out->error;
	if (!out->error && count > 1 &&
	    iov[1].iov_len >= sizeof(struct fuse_open_out))
		t->cap_fh = ((struct fuse_open_out *)iov[1].iov_base)->fh;
	else if (!out->error)
		t->cap_error = -EIO;
	return (ssize_t)iov_total(iov, count);
}

/* A successful open: the kernel gets an id, not our pointer. */
static ssize_t open_reply(int fd, struct iovec *iov, int count)
{
	struct fuse_out_header *out = iov[0].iov_base;
	struct rcfs_io_thread *t = &rcfs_io_tl;
	uint64_t arg[8], id;
	struct iovec v[2];
	ssize_t n;

	if (count != 2 || iov[1].iov_len < sizeof(struct fuse_open_out) ||
	    iov[1].iov_len > sizeof(arg))
		return writev(fd, iov, count);
	memcpy(arg, iov[1].iov_base, iov[1].iov_len);
	if (slot_alloc((uintptr_t)arg[0],
		       (t->open_flags & O_ACCMODE) != O_RDONLY, &id) < 0) {
		struct fuse_out_header e = {
			.len = sizeof(e), .error = -ENOMEM,
			.unique = out->unique,
		};

		if (write(fd, &e, sizeof(e)) < 0) {
			/* the caller is gone: nobody to tell */
		}
		/* libfuse takes it for an interrupted open and frees it */
		errno = ENOENT;
		return -1;
	}
	arg[0] = id;
	v[0] = iov[0];
	v[1].iov_base = arg;
	v[1].iov_len = iov[1].iov_len;
	n = writev(fd, v, 2);
	if (n < 0)
		rcfs_io_slot_free(id);
	return n;
}

ssize_t rcfs_io_writev(int fd, struct iovec *iov, int count, void *userdata)
{
	const struct fuse_out_header *out = iov[0].iov_base;
	struct rcfs_io_thread *t = &rcfs_io_tl;

	(void)userdata;
	if (t->capture && out->unique == 0)
		return capture(iov, count);
	if (io.init_fd >= 0)
		return init_reply(iov, count);
	if (t->has_fd)
		fd = t->fd;
	if (t->opcode == FUSE_OPEN && out->unique == t->unique && !out->error)
		return open_reply(fd, iov, count);
	return writev(fd, iov, count);
}

/* Not called: the workers read for the session.  libfuse wants one. */
ssize_t rcfs_io_read(int fd, void *buf, size_t len, void *userdata)
{
	(void)userdata;
	return read(fd, buf, len);
}

/*
 * Open the file again for a reader of a handle that another server
 * opened: the session's own open, for the caller of request IN, whose
 * answer is kept here.  Returns the handle, or 0 with *RET_ERR.
 */
static uintptr_t adopt(struct fuse_session *se,
		       const struct fuse_in_header *in, int *ret_err)
{
	struct rcfs_io_thread *t = &rcfs_io_tl, saved = *t;
	struct {
		struct fuse_in_header h;
		struct fuse_open_in o;
	} rq = {
		.h = {
			.len = sizeof(rq), .opcode = FUSE_OPEN,
			.nodeid = in->nodeid, .uid = in->uid, .gid = in->gid,
			.pid = in->pid,
		},
		.o = { .flags = O_RDONLY },
	};
	struct fuse_buf buf = { .mem = &rq, .size = sizeof(rq) };

	t->opcode = 0;	/* a captured answer keeps our own pointer */
	t->capture = true;
	t->cap_error = -EIO;
	t->cap_fh = 0;
	fuse_session_process_buf(se, &buf);
	*ret_err = t->capture ? -EIO : t->cap_error;
	saved.cap_fh = t->cap_fh;
	*t = saved;
	t->capture = false;
	return *ret_err ? 0 : (uintptr_t)saved.cap_fh;
}

static int adopted_find(uint64_t id, bool remove, uintptr_t *ret_fh)
{
	for (size_t i = 0; i < n_adopted; i++) {
		if (adopted[i].id != id)
			continue;
		*ret_fh = adopted[i].fh;
		if (remove)
			adopted[i] = adopted[--n_adopted];
		return 0;
	}
	return -ENOENT;
}

/* A reader's handle of another server, for READ: ours from now on. */
static int adopted_get(struct fuse_session *se,
		       const struct fuse_in_header *in, uint64_t id,
		       uintptr_t *ret_fh)
{
	struct adopted *v;
	int r = 0;

	pthread_mutex_lock(&adopted_lock);
	if (adopted_find(id, false, ret_fh) == 0)
		goto out;
	*ret_fh = adopt(se, in, &r);
	if (r < 0)
		goto out;
	v = realloc(adopted, (n_adopted + 1) * sizeof(*v));
	if (v) {
		adopted = v;
		adopted[n_adopted].id = id;
		adopted[n_adopted++].fh = *ret_fh;
	}
	/* else served once, and freed at exit */
out:
	pthread_mutex_unlock(&adopted_lock);
	return r;
}

/*
 * A handle of another server: what to do with request IN.  Returns 1
 * to pass it on (*FH rewritten, or FLAGS' bit FLAG cleared so that it is
 * served by path), 0 to answer it with success, or -errno to answer it
 * with that error.
 */
static int foreign(struct fuse_session *se, const struct fuse_in_header *in,
		   uint64_t *fh, uint32_t *flags, uint32_t flag)
{
	bool writable = *fh & ID_WRITABLE;
	uintptr_t h;
	int r;

	switch (in->opcode) {
	case FUSE_RELEASE:
		pthread_mutex_lock(&adopted_lock);
		r = adopted_find(*fh, true, &h);
		pthread_mutex_unlock(&adopted_lock);
		if (r < 0)
			return 0;
		*fh = h;
		return 1;
	case FUSE_READ:
		if (writable)
			return -EIO;
		r = adopted_get(se, in, *fh, &h);
		if (r < 0)
			return r;
		*fh = h;
		return 1;
	case FUSE_GETATTR:
	case FUSE_SETATTR:
		if (writable)
			return -EIO;
		*flags &= ~flag;
		return 1;
	case FUSE_FLUSH:
	case FUSE_FSYNC:
		/* what it wrote went with its server */
		return writable ? -EIO : 0;
	default:
		return -EIO;
	}
}

int rcfs_io_request(struct fuse_session *se, void *buf, size_t len)
{
	struct fuse_in_header *in = buf;
	struct rcfs_io_thread *t = &rcfs_io_tl;
	void *arg = in + 1;
	size_t alen = len - sizeof(*in);
	uint32_t none = 0, *flags = &none, flag = 0;
	uint64_t *fh = NULL;
	uintptr_t h;

	t->unique = in->unique;
	t->opcode = in->opcode;
	t->release_id = 0;
	switch (in->opcode) {
	case FUSE_OPEN:
		if (alen >= sizeof(struct fuse_open_in))
			t->open_flags = ((struct fuse_open_in *)arg)->flags;
		return 1;
	case FUSE_READ:
	case FUSE_WRITE:
	case FUSE_FLUSH:
	case FUSE_FSYNC:
	case FUSE_RELEASE:
		/* the first field of each of their arguments */
		if (alen >= sizeof(uint64_t))
			fh = arg;
		break;
	case FUSE_GETATTR:
		if (alen >= sizeof(struct fuse_getattr_in)) {
			struct fuse_getattr_in *g = arg;

			flags = &g->getattr_flags;
			flag = FUSE_GETATTR_FH;
			fh = &g->fh;
		}
		break;
	case FUSE_SETATTR:
		if (alen >= sizeof(struct fuse_setattr_in)) {
			struct fuse_setattr_in *s = arg;

			flags = &s->valid;
			flag = FATTR_FH;
			fh = &s->fh;
		}
		break;
	}
	if (!fh || (flag && !(*flags & flag)))
		return 1;
	if (gen_of(*fh) != io.gen)
		return foreign(se, in, fh, flags, flag);
	h = slot_get(*fh);
	if (!h)
		return -EBADF;
	if (in->opcode == FUSE_RELEASE)
		t->release_id = *fh;
	*fh = h;
	return 1;
}
