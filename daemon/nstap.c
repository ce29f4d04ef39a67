// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Loading the caller tap (nstap.bpf.c); see nstap.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "nstap.h"

#ifdef HAVE_BPF
#include <bpf/libbpf.h>

#include "nstap.skel.h"

static void (*libbpf_log)(const char *msg);

static int print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	if (level == LIBBPF_DEBUG || !libbpf_log)
		return 0;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	libbpf_log(msg);
	return 0;
}

int rcfs_nstap_open(void (*log)(const char *msg), struct rcfs_nstap **ret)
{
	struct rcfs_nstap *t;
	struct nstap_bpf *skel;
	int r;

	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	libbpf_log = log;
	libbpf_set_print(print);
	skel = nstap_bpf__open();
	if (!skel) {
		r = -errno;
		goto out_free;
	}
	r = nstap_bpf__load(skel);
	if (r < 0)
		goto out_destroy;
	t->slots = skel->bss->rcfs_slots;
	t->cookies = skel->bss->rcfs_cookies;
	t->skel = skel;
	*ret = t;
	return 0;

out_destroy:
	nstap_bpf__destroy(skel);
out_free:
	free(t);
	return r < 0 ? r : -EINVAL;
}

int rcfs_nstap_attach(struct rcfs_nstap *t, unsigned int major,
		      unsigned int minor, int watch_fd,
		      const struct stat *pidns)
{
	struct nstap_bpf *skel = t->skel;
	char name[16];
	int r;

	/* the kernel's dev_t, not glibc's */
	skel->bss->rcfs_dev = major << 20 | minor;
	skel->bss->rcfs_tgid = (__u32)getpid();
	skel->bss->rcfs_pidns_dev = pidns->st_dev;
	skel->bss->rcfs_pidns_ino = pidns->st_ino;
	/* none: past any table's end */
	skel->bss->rcfs_ifd = watch_fd < 0 ? (__u32)-1 : (__u32)watch_fd;
	r = nstap_bpf__attach(skel);
	/* renamed to its own name: rcfs_nstap_group sees the daemon */
	if (r == 0 && (prctl(PR_GET_NAME, name) < 0 ||
		       prctl(PR_SET_NAME, name) < 0))
		r = -errno;
	if (r == 0 && !__atomic_load_n(&skel->bss->rcfs_seen, __ATOMIC_ACQUIRE))
		r = -EXDEV;
	if (r == 0 && watch_fd >= 0 &&
	    !__atomic_load_n(&skel->bss->rcfs_group, __ATOMIC_ACQUIRE))
		r = -EBADF;
	return r;
}

void rcfs_nstap_close(struct rcfs_nstap *t)
{
	if (!t)
		return;
	nstap_bpf__destroy(t->skel);
	free(t);
}

#else /* !HAVE_BPF */

int rcfs_nstap_open(void (*log)(const char *msg), struct rcfs_nstap **ret)
{
	(void)log;
	(void)ret;
	return -EOPNOTSUPP;
}

int rcfs_nstap_attach(struct rcfs_nstap *t, unsigned int major,
		      unsigned int minor, int watch_fd,
		      const struct stat *pidns)
{
	(void)t;
	(void)major;
	(void)minor;
	(void)watch_fd;
	(void)pidns;
	return -EOPNOTSUPP;
}

void rcfs_nstap_close(struct rcfs_nstap *t)
{
	(void)t;
}

#endif
