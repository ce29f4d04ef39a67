// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The BPF half of the caller tap (nstap.c): on every FUSE request sent to
 * our mount, note the sending thread's network namespace where the daemon
 * can read it without a system call.
 *
 * The kernel's fuse_request_send tracepoint runs in the requesting
 * thread, with preemption off, just before the request is queued: what
 * is stored here is in memory before the daemon can read the request
 * (the queue's spinlock orders the two), and the thread cannot change
 * namespace until it has its answer.  So a slot that names the
 * request's thread names that thread's namespace as it made the
 * request; a slot that names another thread is a miss, and the daemon
 * reads /proc as before.
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
} CORE;

struct nsproxy {
	struct net *net_ns;
} CORE;

struct task_struct {
	int pid;
	struct nsproxy *nsproxy;
} CORE;

/* the kernel's dev_t of our mount's superblock (MAJOR << 20 | MINOR) */
const volatile __u32 rcfs_dev = 0;

/* tid << 32 | network namespace inode, at tid's slot; 0 when unknown */
__u64 rcfs_slots[RCFS_NSTAP_SLOTS];

SEC("tp_btf/fuse_request_send")
int BPF_PROG(rcfs_nstap_send, const struct fuse_req *req)
{
	struct fuse_mount *fm = req->fm;
	struct task_struct *task;
	__u32 tid, inum = 0;

	if (fm->sb->s_dev != rcfs_dev)
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
	if (fm->fc->pid_ns->level == 0 && (__u32)task->pid == tid)
		inum = task->nsproxy->net_ns->ns.inum;
	/* one atomic store: the daemon never sees half a slot */
	__sync_lock_test_and_set(&rcfs_slots[tid & (RCFS_NSTAP_SLOTS - 1)],
				 inum ? (__u64)tid << 32 | inum : 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
