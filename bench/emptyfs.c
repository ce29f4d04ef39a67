// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * emptyfs - the cheapest FUSE file system that can stand where resolvconffs
 * stands: one regular file with fixed content, mounted over a regular file
 * with the daemon's mount options and timeouts.  Its ops/s are the limit
 * for any FUSE design, which is what the benchmark compares against.
 *
 * Usage: emptyfs [-t MAX_THREADS] [-c] [-f CONTENT_FILE] MOUNTPOINT
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#define FUSE_USE_VERSION FUSE_MAKE_VERSION(3, 14)

#include <errno.h>
#include <fcntl.h>
#include <fuse_lowlevel.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define EMPTYFS_NAME	"emptyfs"
#define EMPTYFS_MAX	(64 * 1024)

static const char default_content[] =
	"# emptyfs: fixed content served by the benchmark's reference file system\n"
	"nameserver 192.0.2.53\n"
	"nameserver 2001:db8::53\n"
	"search bench.example\n"
	"options edns0 trust-ad\n";

struct emptyfs {
	char *data;
	size_t size;
	struct timespec time;
};

static struct emptyfs efs;

static void efs_fill_stat(struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = FUSE_ROOT_ID;
	st->st_mode = S_IFREG | 0644;
	st->st_nlink = 1;
	st->st_size = efs.size;
	st->st_blksize = 4096;
	st->st_blocks = (efs.size + 511) / 512;
	st->st_atim = efs.time;
	st->st_mtim = efs.time;
	st->st_ctim = efs.time;
}

static void efs_getattr(fuse_req_t req, fuse_ino_t ino,
			struct fuse_file_info *fi)
{
	struct stat st;

	(void)fi;
	if (ino != FUSE_ROOT_ID) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	efs_fill_stat(&st);
	fuse_reply_attr(req, &st, 0.0);
}

static void efs_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	(void)parent;
	(void)name;
	/* The root is a regular file: there is nothing to look up. */
	fuse_reply_err(req, ENOTDIR);
}

static void efs_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	if (ino != FUSE_ROOT_ID) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	if ((fi->flags & O_ACCMODE) != O_RDONLY) {
		fuse_reply_err(req, EACCES);
		return;
	}
	/* As the daemon: no page cache, every read is a request. */
	fi->direct_io = 1;
	fi->keep_cache = 0;
	fuse_reply_open(req, fi);
}

static void efs_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		     struct fuse_file_info *fi)
{
	(void)ino;
	(void)fi;
	if (off < 0 || (size_t)off >= efs.size) {
		fuse_reply_buf(req, NULL, 0);
		return;
	}
	if (size > efs.size - off)
		size = efs.size - off;
	fuse_reply_buf(req, efs.data + off, size);
}

static void efs_release(fuse_req_t req, fuse_ino_t ino,
			struct fuse_file_info *fi)
{
	(void)ino;
	(void)fi;
	fuse_reply_err(req, 0);
}

static const struct fuse_lowlevel_ops efs_ops = {
	.lookup		= efs_lookup,
	.getattr	= efs_getattr,
	.open		= efs_open,
	.read		= efs_read,
	.release	= efs_release,
};

static int efs_load(const char *path)
{
	ssize_t n;
	int fd;

	efs.data = malloc(EMPTYFS_MAX);
	if (!efs.data)
		return -ENOMEM;
	if (!path) {
		efs.size = sizeof(default_content) - 1;
		memcpy(efs.data, default_content, efs.size);
		return 0;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, efs.data, EMPTYFS_MAX);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	efs.size = n;
	return 0;
}

/*
 * Mount as the daemon does: mount(2) on an O_PATH handle of the mount
 * point, so that a symlink or a file that is replaced meanwhile is never
 * followed, then hand the /dev/fuse descriptor to libfuse.
 */
static int efs_mount(const char *mountpoint, int *ret_fusefd)
{
	char target[64], data[256];
	struct stat st;
	int fusefd, mpfd, r;

	mpfd = open(mountpoint, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (mpfd < 0) {
		fprintf(stderr, EMPTYFS_NAME ": cannot open \"%s\": %s\n",
			mountpoint, strerror(errno));
		return -1;
	}
	if (fstat(mpfd, &st) < 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, EMPTYFS_NAME ": \"%s\" is not a regular file\n",
			mountpoint);
		goto out_close_mp;
	}
	fusefd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fusefd < 0) {
		fprintf(stderr, EMPTYFS_NAME ": cannot open \"/dev/fuse\": %s\n",
			strerror(errno));
		goto out_close_mp;
	}
	snprintf(target, sizeof(target), "/proc/self/fd/%d", mpfd);
	snprintf(data, sizeof(data),
		 "fd=%d,rootmode=%o,user_id=%u,group_id=%u,"
		 "allow_other,default_permissions",
		 fusefd, S_IFREG, (unsigned int)geteuid(),
		 (unsigned int)getegid());
	r = mount(EMPTYFS_NAME, target, "fuse." EMPTYFS_NAME,
		  MS_NOSUID | MS_NODEV, data);
	if (r < 0) {
		fprintf(stderr, EMPTYFS_NAME ": cannot mount on \"%s\": %s\n",
			mountpoint, strerror(errno));
		goto out_close_fuse;
	}
	close(mpfd);
	*ret_fusefd = fusefd;
	return 0;

out_close_fuse:
	close(fusefd);
out_close_mp:
	close(mpfd);
	return -1;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: " EMPTYFS_NAME " [-t MAX_THREADS] [-c] [-f FILE] MOUNTPOINT\n"
		"  -t N     at most N worker threads (default 10)\n"
		"  -c       one /dev/fuse clone per worker thread\n"
		"  -f FILE  serve FILE's content (read once) instead of the built-in\n");
}

int main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
	struct fuse_loop_config *cfg;
	struct fuse_session *se;
	const char *content = NULL, *mountpoint;
	char fdpath[64];
	unsigned int threads = 10;
	int clone_fd = 0, fusefd, opt, r, ret = 1;

	while ((opt = getopt(argc, argv, "t:cf:h")) != -1) {
		switch (opt) {
		case 't':
			threads = strtoul(optarg, NULL, 10);
			if (!threads) {
				fprintf(stderr, EMPTYFS_NAME ": bad thread count \"%s\"\n",
					optarg);
				return 2;
			}
			break;
		case 'c':
			clone_fd = 1;
			break;
		case 'f':
			content = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	mountpoint = argv[optind];

	r = efs_load(content);
	if (r < 0) {
		fprintf(stderr, EMPTYFS_NAME ": cannot read \"%s\": %s\n",
			content, strerror(-r));
		return 1;
	}
	clock_gettime(CLOCK_REALTIME, &efs.time);

	if (fuse_opt_add_arg(&args, EMPTYFS_NAME) < 0)
		return 1;
	se = fuse_session_new(&args, &efs_ops, sizeof(efs_ops), NULL);
	if (!se)
		goto out_args;
	if (fuse_set_signal_handlers(se) < 0)
		goto out_session;
	if (efs_mount(mountpoint, &fusefd) < 0)
		goto out_signals;
	snprintf(fdpath, sizeof(fdpath), "/dev/fd/%d", fusefd);
	if (fuse_session_mount(se, fdpath) < 0)
		goto out_umount;

	cfg = fuse_loop_cfg_create();
	if (!cfg)
		goto out_umount;
	fuse_loop_cfg_set_clone_fd(cfg, clone_fd);
	fuse_loop_cfg_set_max_threads(cfg, threads);
	fuse_loop_cfg_set_idle_threads(cfg, threads);
	ret = fuse_session_loop_mt(se, cfg) < 0 ? 1 : 0;
	fuse_loop_cfg_destroy(cfg);

out_umount:
	/* libfuse was handed a descriptor, not a path: unmount ourselves. */
	if (umount2(mountpoint, MNT_DETACH | UMOUNT_NOFOLLOW) < 0)
		fprintf(stderr, EMPTYFS_NAME ": cannot unmount \"%s\": %s\n",
			mountpoint, strerror(errno));
out_signals:
	fuse_remove_signal_handlers(se);
out_session:
	fuse_session_destroy(se);
out_args:
	fuse_opt_free_args(&args);
	free(efs.data);
	return ret;
}
