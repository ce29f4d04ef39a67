// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The BPF half of the caller tap (nstap.c): on every FUSE request sent to
 * our mount, note the sending thread's network namespace where the daemon
 * can read it without a system call, and whether the daemon's watch had
 * changes waiting to be read.
 *
 * The kernel's fuse_request_send tracepoint runs in the requesting
 * thread, with preemption off, just before the request is queued: what
 * is stored here is in memory before the daemon can read the request
 * (the queue's spinlock orders the two), and the thread cannot change
 * namespace until it has its answer.  So a slot that names the
 * request's thread describes that thread as it made the request; a slot
 * that names another thread is a miss, and the daemon reads /proc.
 *
 * Only the fields used are declared: CO-RE relocates them against the
 * running kernel's BTF, so no kernel headers are needed to build this.
 */
typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef signed char __s8;
typedef short __s16;
typedef int __s32;
typedef long long __s64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "nstap-slots.h"

#define CORE __attribute__((preserve_access_index))

struct fuse_in_header {
	__u32 pid;
} CORE;

struct super_block {
	__u32 s_dev;
} CORE;

struct pid_namespace {
	unsigned int level;
} CORE;

struct fuse_conn {
	struct pid_namespace *pid_ns;
} CORE;

struct fuse_mount {
	struct fuse_conn *fc;
	struct super_block *sb;
} CORE;

struct fuse_req {
	struct {
		struct fuse_in_header h;
	} CORE in;
	struct fuse_mount *fm;
} CORE;

struct ns_common {
	unsigned int inum;
} CORE;

struct net {
	struct ns_common ns;
	__u64 net_cookie;
} CORE;

struct nsproxy {
	struct net *net_ns;
} CORE;

struct file {
	void *private_data;
} CORE;

struct fdtable {
	unsigned int max_fds;
	struct file **fd;
} CORE;

struct files_struct {
	struct fdtable *fdt;
} CORE;

struct pid {
	unsigned int level;
} CORE;

struct task_struct {
	int pid;
	struct pid *thread_pid;
	struct nsproxy *nsproxy;
	struct files_struct *files;
} CORE;

/* uapi's, for bpf_get_ns_current_pid_tgid() */
struct bpf_pidns_info {
	__u32 pid;
	__u32 tgid;
};

struct fsnotify_group {
	unsigned int q_len;
} CORE;

/* set by the daemon before it attaches: the kernel's dev_t of our
 * mount's superblock (MAJOR << 20 | MINOR); the daemon's pid as it sees
 * it, with its pid namespace (the nsfs device and inode); its inotify
 * descriptor */
__u32 rcfs_dev;
__u32 rcfs_tgid;
__u64 rcfs_pidns_dev;
__u64 rcfs_pidns_ino;
__u32 rcfs_ifd;
/* set by rcfs_nstap_group: the daemon was seen, in the first pid
 * namespace; the address of its descriptor's inotify group */
__u32 rcfs_seen;
__u64 rcfs_group;

/* RCFS_NSTAP_PENDING | tid << 32 | network namespace inode, at tid's
 * slot; 0 when unknown */
__u64 rcfs_slots[RCFS_NSTAP_SLOTS];
/* the same namespace's cookie (never reused, unlike the inode), valid
 * while the slot above stays the same around its read: a seqlock whose
 * sequence is the slot itself (see rcfs_nstap_read) */
__u64 rcfs_cookies[RCFS_NSTAP_SLOTS];

/*
 * The daemon renames one of its threads once it has attached (a rare
 * event, so this costs the rest of the system nothing): there, in the
 * daemon's own context, it is seen to be in the first pid namespace, and
 * its inotify descriptor (if it has one) leads to the group whose queue
 * rcfs_nstap_send looks at.  Tracepoints, not function entry:
 * kernels built without the function tracer have them too.
 */
SEC("tp_btf/task_rename")
int BPF_PROG(rcfs_nstap_group, struct task_struct *task, const char *comm)
{
	struct task_struct *self = bpf_get_current_task_btf();
	struct file **fds, *file = 0;
	struct files_struct *files;
	struct bpf_pidns_info me;
	struct fdtable *fdt;

	if (rcfs_seen || task != self)
		return 0;
	/* the daemon itself, by its own numbering */
	if (bpf_get_ns_current_pid_tgid(rcfs_pidns_dev, rcfs_pidns_ino, &me,
					sizeof(me)) || me.tgid != rcfs_tgid)
		return 0;
	/* In a pid namespace other than the first, the daemon's mount
	 * numbers its callers there, rcfs_nstap_send cannot name them, and
	 * the tap would serve nobody: leave the group unfound. */
	if (self->thread_pid->level != 0)
		return 0;
	rcfs_seen = 1;
	files = self->files;
	fdt = files ? files->fdt : 0;
	if (!fdt || rcfs_ifd >= fdt->max_fds)
		return 0;
	fds = BPF_CORE_READ(fdt, fd);
	bpf_probe_read_kernel(&file, sizeof(file), fds + rcfs_ifd);
	if (file)
		rcfs_group = (__u64)BPF_CORE_READ(file, private_data);
	return 0;
}

SEC("tp_btf/fuse_request_send")
int BPF_PROG(rcfs_nstap_send, const struct fuse_req *req)
{
	struct fuse_mount *fm = req->fm;
	struct fsnotify_group *group;
	struct task_struct *task;
	__u32 tid, inum = 0, i;
	__u64 w = 0, cookie = 0;

	if (!rcfs_dev || fm->sb->s_dev != rcfs_dev)
		return 0;
	tid = req->in.h.pid;
	if (!tid)
		return 0;	/* a request made for nobody (release) */
	task = bpf_get_current_task_btf();
	/*
	 * The header's pid is numbered in the mount's pid namespace; it is
	 * the sender's own only in the first one.  A request queued for
	 * another thread (one held back, sent when an earlier one ends)
	 * says nothing of the sender: clear the slot, so that the daemon
	 * does not trust what the thread's last request left there.  An
	 * exiting thread has no nsproxy: the loads read 0.
	 */
	if (fm->fc->pid_ns->level == 0 && (__u32)task->pid == tid) {
		inum = task->nsproxy->net_ns->ns.inum;
		cookie = task->nsproxy->net_ns->net_cookie;
	}
	if (inum) {
		w = (__u64)tid << 32 | inum;
		/* a change the daemon has not read yet happened before this
		 * request: nothing it kept may answer it */
		group = (struct fsnotify_group *)rcfs_group;
		if (group && BPF_CORE_READ(group, q_len))
			w |= RCFS_NSTAP_PENDING;
	}
	/* Atomic exchanges (full barriers): the daemon never sees half a
	 * slot, and a cookie is read as valid only between two reads of
	 * the same slot word, which it was stored before. */
	i = tid & (RCFS_NSTAP_SLOTS - 1);
	__sync_lock_test_and_set(&rcfs_slots[i], 0);
	if (w) {
		rcfs_cookies[i] = cookie;
		__sync_lock_test_and_set(&rcfs_slots[i], w);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
