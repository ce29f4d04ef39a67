// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Before the mount is live: find the mount point, the host's file and
 * everything else a bad command line could get wrong, then mount.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define PROG "resolvconffs"
#include "backing.h"
#include "c.h"
#include "daemon.h"
#include "mounts.h"
#include "options.h"
#include "paths.h"
#include "start.h"

/* The absolute path of PATH without following its last component. */
static char *abspath_nofollow(const char *path)
{
	char dir[PATH_MAX], real[PATH_MAX], *out;
	const char *slash = strrchr(path, '/'), *base;
	size_t len;

	if (slash) {
		len = (size_t)(slash - path);
		if (len >= sizeof(dir))
			return NULL;
		memcpy(dir, path, len);
		dir[len] = '\0';
		base = slash + 1;
		if (!len)
			strcpy(dir, "/");
	} else {
		strcpy(dir, ".");
		base = path;
	}
	if (!*base || !strcmp(base, ".") || !strcmp(base, "..")) {
		errno = EINVAL;
		return NULL;
	}
	if (!realpath(dir, real))
		return NULL;
	if (asprintf(&out, "%s/%s", strcmp(real, "/") ? real : "", base) < 0)
		return NULL;
	return out;
}

/*
 * Where a symlink points, as an absolute path (opened at each open).
 * LINK's directory is canonical, so the leading "." and ".." of a
 * relative target (Ubuntu's "../run/systemd/resolve/stub-resolv.conf")
 * can be resolved by hand, giving the path that readers and netnsctl's
 * manager detection expect; the rest is kept as written, since it may
 * hold symlinks.  The target itself may not exist yet: its manager may
 * not have started.
 */
static char *link_target(const char *link)
{
	char target[PATH_MAX], dir[PATH_MAX], *t = target, *out, *slash;
	ssize_t n = readlink(link, target, sizeof(target) - 1);

	if (n < 0)
		return NULL;
	target[n] = '\0';
	if (target[0] == '/') {
		dir[0] = '\0';
	} else {
		slash = strrchr(link, '/');
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - link), link);
	}
	for (;;) {
		while (*t == '/')
			t++;
		if (t[0] == '.' && (t[1] == '/' || !t[1])) {
			t++;
		} else if (t[0] == '.' && t[1] == '.' &&
			   (t[2] == '/' || !t[2])) {
			t += 2;
			slash = strrchr(dir, '/');
			if (slash)
				*slash = '\0';
		} else {
			break;
		}
	}
	if (asprintf(&out, "%s/%s", dir, t) < 0)
		return NULL;
	return out;
}

/*
 * Whether PATH is the file that LINK, a symlink, leads to.  mount(8)
 * resolves symlinks in the mount point before it runs a helper, so
 * `mount -t resolvconffs DIR /etc/resolv.conf` (or a line in fstab)
 * arrives here as the DNS manager's own file in /run: mounted on, the
 * manager's next rename(2) onto it would fail with EBUSY.
 */
static bool behind_symlink(const char *path, const char *link)
{
	struct stat l, a, b;

	if (!strcmp(path, link) || lstat(link, &l) < 0 || !S_ISLNK(l.st_mode))
		return false;
	if (stat(link, &a) < 0 || stat(path, &b) < 0)
		return false;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/*
 * PATH relative to the working directory, made absolute: the default,
 * the host file and the netns directory are opened again at requests,
 * after a detach has changed to "/", and netnsctl reads them from the
 * published state.  Symlinks are kept: they are read live.
 */
static int make_absolute(char **path)
{
	char cwd[PATH_MAX], *abs;

	if (!*path || **path == '/')
		return 0;
	if (!getcwd(cwd, sizeof(cwd)))
		return -errno;
	if (asprintf(&abs, "%s/%s", strcmp(cwd, "/") ? cwd : "", *path) < 0)
		return -ENOMEM;
	free(*path);
	*path = abs;
	return 0;
}

/* Everything that can be checked before mounting. */
/* The backing directory and the mount point, made absolute (the
 * daemon's working directory is not the caller's for long). */
static int check_paths(struct rcfs_settings *s, const char *backing,
		       const char *mountpoint)
{
	struct stat st;
	int r;

	r = make_absolute(&s->default_file);
	if (!r)
		r = make_absolute(&s->host_file);
	if (!r)
		r = make_absolute(&s->netns_dir);
	if (!r)
		r = make_absolute(&s->procfs);
	if (r < 0) {
		rcfs_warnx("cannot get the working directory: %s", strerror(-r));
		return -1;
	}

	if (stat(backing, &st) < 0)
		return rcfs_fail_errno("cannot access backing directory", backing, errno);
	if (!S_ISDIR(st.st_mode))
		return rcfs_fail_errno("backing directory", backing, ENOTDIR);
	s->backing_dir = realpath(backing, NULL);
	if (!s->backing_dir)
		return rcfs_fail_errno("cannot resolve backing directory", backing, errno);

	if (lstat(mountpoint, &st) < 0)
		return rcfs_fail_errno("cannot access mount point", mountpoint, errno);
	if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
		rcfs_warnx("mount point \"%s\" is not a regular file or a symlink",
		       mountpoint);
		return -1;
	}
	s->mountpoint = abspath_nofollow(mountpoint);
	if (!s->mountpoint)
		return rcfs_fail_errno("cannot resolve mount point", mountpoint, errno);
	if (S_ISREG(st.st_mode) && behind_symlink(s->mountpoint, RCFS_MOUNTPOINT)) {
		rcfs_warnx("\"%s\" is the file the symlink %s leads to: "
		       "mounting over the symlink", s->mountpoint,
		       RCFS_MOUNTPOINT);
		free(s->mountpoint);
		s->mountpoint = strdup(RCFS_MOUNTPOINT);
		if (!s->mountpoint || lstat(s->mountpoint, &st) < 0 ||
		    !S_ISLNK(st.st_mode))
			return rcfs_fail_errno("cannot access mount point", RCFS_MOUNTPOINT,
				    s->mountpoint ? errno : ENOMEM);
	}
	return 0;
}

/* The default file, when one is given, must be a readable regular file. */
static int check_default_file(const struct rcfs_settings *s)
{
	struct stat st;
	int fd;

	if (!s->default_file)
		return 0;
	fd = open(s->default_file, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return rcfs_fail_errno("cannot read default file", s->default_file,
			    errno);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		rcfs_warnx("default file \"%s\" is not a regular file",
		       s->default_file);
		return -1;
	}
	close(fd);
	return 0;
}

/*
 * What the host sees: its namespace mapped like any other, a file it was
 * given, the live target of a symlink mount point, or the original file
 * under the mount (opened now: afterwards the path shows us).
 */
static int host_discover(struct rcfs_daemon *d)
{
	struct rcfs_settings *s = &d->settings;
	struct stat st;
	int fd;

	d->host_fd = -1;
	if (s->map_host) {
		d->host_kind = RCFS_HOST_MAPPED;
		return 0;
	}
	if (s->host_file) {
		d->host_kind = RCFS_HOST_FILE;
		fd = open(s->host_file, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0)
			return rcfs_fail_errno("cannot read host file", s->host_file, errno);
		close(fd);
		d->host_path = strdup(s->host_file);
		if (!d->host_path) {
			rcfs_warnx("out of memory");
			return -1;
		}
		return 0;
	}
	if (lstat(s->mountpoint, &st) == 0 && S_ISLNK(st.st_mode)) {
		d->host_kind = RCFS_HOST_SYMLINK;
		d->host_path = link_target(s->mountpoint);
		if (!d->host_path)
			return rcfs_fail_errno("cannot read symlink", s->mountpoint, errno);
		return 0;
	}
	d->host_kind = RCFS_HOST_ORIGINAL;
	d->host_fd = open(s->mountpoint,
			  O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (d->host_fd < 0 && (errno == EACCES || errno == EROFS))
		d->host_fd = open(s->mountpoint, O_RDONLY | O_NOFOLLOW |
				  O_CLOEXEC | O_NONBLOCK);
	if (d->host_fd < 0)
		return rcfs_fail_errno("cannot open mount point", s->mountpoint,
				       errno);
	return 0;
}

int rcfs_check_setup(struct rcfs_daemon *d, const char *backing,
		     const char *mountpoint, int *ret_fuse_fd)
{
	int fd;

	if (check_paths(&d->settings, backing, mountpoint) < 0 ||
	    check_default_file(&d->settings) < 0 || host_discover(d) < 0)
		return -1;
	fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return rcfs_fail_errno("cannot open", "/dev/fuse", errno);
	*ret_fuse_fd = fd;
	return 0;
}

void rcfs_remove_cut_writes(struct rcfs_daemon *d)
{
	int n = rcfs_replace_cleanup(rcfs_map_backing_fd(d->map),
				     d->settings.layout == RCFS_LAYOUT_DIR);

	if (n > 0)
		log_msg(LOG_NOTICE, "removed %d temporary file%s of writes cut "
			"short in %s", n, n == 1 ? "" : "s",
			d->settings.backing_dir);
}

int rcfs_do_mount(struct rcfs_daemon *d, const struct rcfs_options *o,
		  int fuse_fd)
{
	char target[64], data[512];
	int mp;

	/*
	 * Mount on the mount point itself, even when it is a symlink: a
	 * DNS manager keeps replacing its own file by rename, which a mount
	 * on that file would make fail with EBUSY.  mount(2) follows
	 * symlinks in a path, but not the magic link of an O_PATH
	 * descriptor; libfuse cannot mount that way, so we mount and hand
	 * it the descriptor.
	 */
	mp = open(d->settings.mountpoint, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (mp < 0)
		return rcfs_fail_errno("cannot open mount point", d->settings.mountpoint,
			    errno);
	snprintf(target, sizeof(target), "/proc/self/fd/%d", mp);
	snprintf(data, sizeof(data),
		 "fd=%d,rootmode=100000,user_id=0,group_id=0,"
		 "allow_other,default_permissions%s", fuse_fd, o->kernel_opts);
	if (mount(o->fsname ? o->fsname : d->settings.backing_dir, target,
		  RCFS_FSTYPE, o->mount_flags | MS_NOSUID | MS_NODEV, data) < 0) {
		int e = errno;

		close(mp);
		return rcfs_fail_errno("cannot mount on", d->settings.mountpoint, e);
	}
	close(mp);
	return 0;
}

struct find_ctx {
	const char *mountpoint;
	char dev[32];
	bool found;
};

static int find_mount(const struct rcfs_mount *m, void *data)
{
	struct find_ctx *c = data;

	if (!strcmp(m->fstype, RCFS_FSTYPE) &&
	    !strcmp(m->mountpoint, c->mountpoint)) {
		rcfs_mount_dev(m, c->dev, sizeof(c->dev));
		c->found = true;	/* the last one is on top */
	}
	return 0;
}

/* The device of the topmost resolvconffs mount on our mount point. */
bool rcfs_our_mount_dev(const char *mountpoint, char *dev, size_t len)
{
	struct find_ctx c = { .mountpoint = mountpoint };

	if (rcfs_mounts_foreach(NULL, find_mount, &c) < 0 || !c.found)
		return false;
	snprintf(dev, len, "%s", c.dev);
	return true;
}
