// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * File handle ids (see fuseio.h): the kernel gets an id that names the
 * server that opened the file; a request on another server's handle is
 * recognised, and a reader's is opened again for its caller.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fuse.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuseio.h"
#include "fuseio-int.h"

static unsigned int gen;	/* this server's number */

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

int rcfs_io_slot_new(uintptr_t fh, bool writable, uint64_t *ret_id)
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
	*ret_id = (uint64_t)gen << GEN_SHIFT | (writable ? ID_WRITABLE : 0) |
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

int rcfs_io_gen_set(unsigned int g)
{
	gen = (unsigned int)(g & GEN_MASK);
	return gen ? 0 : -EINVAL;
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
	if (gen_of(*fh) != gen)
		return foreign(se, in, fh, flags, flag);
	h = slot_get(*fh);
	if (!h)
		return -EBADF;
	if (in->opcode == FUSE_RELEASE)
		t->release_id = *fh;
	*fh = h;
	return 1;
}
