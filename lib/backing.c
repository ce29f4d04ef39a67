// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Access to backing files: confined beneath the backing directory, and
 * replaced only atomically.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <linux/openat2.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "backing.h"
#include "identity.h"
#include "paths.h"
#include "util.h"

static int sys_openat2(int dirfd, const char *path, struct open_how *how)
{
	return (int)syscall(SYS_openat2, dirfd, path, how, sizeof(*how));
}

/*
 * Without openat2 (Linux < 5.6, valgrind): the same confinement by hand,
 * one component at a time, none of them a symlink, "." or "..".
 */
static int open_beneath_walk(int dirfd, const char *rel, int flags,
			     mode_t mode)
{
	char buf[PATH_MAX], *comp, *next;
	int fd = dirfd, nfd;

	if (strlen(rel) >= sizeof(buf) || rel[0] == '/')
		return -EXDEV;
	strcpy(buf, rel);
	for (comp = buf; comp; comp = next) {
		next = strchr(comp, '/');
		if (next)
			*next++ = '\0';
		if (!strcmp(comp, "..") || !*comp) {
			nfd = -EXDEV;
		} else if (!strcmp(comp, ".") && !next) {
			nfd = openat(fd, ".", flags | O_CLOEXEC, mode);
			nfd = nfd < 0 ? -errno : nfd;
		} else if (!strcmp(comp, ".")) {
			continue;
		} else {
			nfd = openat(fd, comp, (next ? O_PATH | O_DIRECTORY :
				     flags) | O_NOFOLLOW | O_CLOEXEC, mode);
			nfd = nfd < 0 ? -errno : nfd;
		}
		if (fd != dirfd)
			close(fd);
		if (nfd < 0)
			return nfd;
		fd = nfd;
	}
	return fd == dirfd ? -EINVAL : fd;
}

int rcfs_backing_open(int dirfd, const char *rel, int flags, mode_t mode)
{
	struct open_how how = {
		.flags = (unsigned)(flags | O_NOFOLLOW | O_CLOEXEC),
		.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_MAGICLINKS,
	};
	int fd;

	do
		fd = sys_openat2(dirfd, rel, &how);
	while (fd < 0 && errno == EAGAIN);
	if (fd < 0 && errno == ENOSYS)
		return open_beneath_walk(dirfd, rel, (int)how.flags, how.mode);
	return fd < 0 ? -errno : fd;
}

int rcfs_backing_stat(int dirfd, const char *rel, struct stat *ret)
{
	int fd, r = 0;

	/* The single-component case (the flat layout) needs no descriptor:
	 * AT_SYMLINK_NOFOLLOW is all the confinement a bare name needs. */
	if (!strchr(rel, '/')) {
		if (fstatat(dirfd, rel, ret, AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
		return S_ISLNK(ret->st_mode) ? -ELOOP : 0;
	}
	fd = rcfs_backing_open(dirfd, rel, O_PATH, 0);
	if (fd < 0)
		return fd;
	if (fstat(fd, ret) < 0)
		r = -errno;
	close(fd);
	return r;
}

/* Split REL into the directory that holds it (opened beneath BASEFD
 * with FLAGS, created when MKDIR) and its last component. */
static int open_parent(int basefd, const char *rel, int flags,
		       int mkdir_missing, char *name, size_t len)
{
	const char *slash = strrchr(rel, '/');
	char dir[PATH_MAX];
	int fd;

	if (strlen(slash ? slash + 1 : rel) >= len)
		return -ENAMETOOLONG;
	strcpy(name, slash ? slash + 1 : rel);
	if (!slash)
		return rcfs_backing_open(basefd, ".", flags | O_DIRECTORY, 0);
	if ((size_t)(slash - rel) >= sizeof(dir))
		return -ENAMETOOLONG;
	memcpy(dir, rel, (size_t)(slash - rel));
	dir[slash - rel] = '\0';
	fd = rcfs_backing_open(basefd, dir, flags | O_DIRECTORY, 0);
	if (fd == -ENOENT && mkdir_missing) {
		if (mkdirat(basefd, dir, 0755) < 0 && errno != EEXIST)
			return -errno;
		fd = rcfs_backing_open(basefd, dir, flags | O_DIRECTORY, 0);
	}
	return fd;
}

int rcfs_backing_unlink(int dirfd, const char *rel)
{
	char name[NAME_MAX + 1];
	struct stat st;
	int pfd, r = 0;

	pfd = open_parent(dirfd, rel, O_PATH, 0, name, sizeof(name));
	if (pfd < 0)
		return pfd;
	if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		r = -errno;
	else if (!S_ISREG(st.st_mode))
		r = S_ISDIR(st.st_mode) ? -EISDIR : -ELOOP;
	else if (unlinkat(pfd, name, 0) < 0)
		r = -errno;
	close(pfd);
	return r;
}

static int replace_init(struct rcfs_replace *r, const struct stat *like)
{
	uid_t uid = like ? like->st_uid : 0;
	gid_t gid = like ? like->st_gid : 0;
	mode_t mode = like ? (like->st_mode & 07777) : 0644;
	int fd;

	fd = openat(r->dirfd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	r->fd = fd;
	/* owner first: fchown clears the set-id bits fchmod sets */
	if ((fchown(r->fd, uid, gid) < 0 && errno != EPERM) ||
	    fchmod(r->fd, mode) < 0)
		return -errno;
	return 0;
}

int rcfs_replace_begin(struct rcfs_replace *r, int basefd, const char *rel,
		       const struct stat *like, int mkdir_missing)
{
	int e;

	r->fd = -1;
	r->record = 0;
	r->published = false;
	/* readable, not O_PATH: fsync() of an O_PATH descriptor fails */
	r->dirfd = open_parent(basefd, rel, O_RDONLY, mkdir_missing, r->name,
			       sizeof(r->name));
	if (r->dirfd < 0)
		return r->dirfd;
	e = replace_init(r, like);
	if (e < 0)
		rcfs_replace_abort(r);
	return e;
}

int rcfs_replace_begin_path(struct rcfs_replace *r, const char *path,
			    const struct stat *like)
{
	char real[PATH_MAX], dir[PATH_MAX];
	const char *slash;
	int e;

	r->fd = r->dirfd = -1;
	r->record = 0;
	r->published = false;
	/* Replace the file, not a symlink on the way to it. */
	if (!realpath(path, real))
		return -errno;
	slash = strrchr(real, '/');
	if (strlen(slash + 1) >= sizeof(r->name))
		return -ENAMETOOLONG;
	strcpy(r->name, slash + 1);
	memcpy(dir, real, (size_t)(slash - real));
	dir[slash - real] = '\0';
	r->dirfd = open(*dir ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (r->dirfd < 0)
		return -errno;
	e = replace_init(r, like);
	if (e < 0)
		rcfs_replace_abort(r);
	return e;
}

static int link_tmpfile(int fd, int dirfd, const char *name)
{
	char proc[64];

	if (linkat(fd, "", dirfd, name, AT_EMPTY_PATH) == 0)
		return 0;
	if (errno != ENOENT && errno != EPERM)
		return -errno;
	/* AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH; the magic link does not */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	return linkat(AT_FDCWD, proc, dirfd, name, AT_SYMLINK_FOLLOW) == 0 ?
	       0 : -errno;
}

/* The name a commit links the new file in under, before renaming it. */
static void tmp_name(char *buf, size_t len, const char *name, pid_t pid,
		     unsigned int n)
{
	snprintf(buf, len, ".%.200s" RCFS_TMP_INFIX "%d-%u", name, (int)pid, n);
}

/* Digits only, no sign or space, at most 9: 0 at the end of S. */
static const char *parse_digits(const char *s, long *ret)
{
	long v = 0;
	int n = 0;

	while (s[n] >= '0' && s[n] <= '9' && n < 9)
		v = v * 10 + (s[n++] - '0');
	if (!n)
		return NULL;
	*ret = v;
	return s + n;
}

/* Whether NAME is a commit's temporary name whose process is gone. */
static bool stale_tmp_name(const char *name)
{
	const char *p = NULL, *q = name;
	long pid, n;

	/* the last one: the file's own name may hold the infix too */
	while ((q = strstr(q, RCFS_TMP_INFIX)))
		p = q++;
	if (name[0] != '.' || !p)
		return false;
	p = parse_digits(p + strlen(RCFS_TMP_INFIX), &pid);
	if (!p || *p != '-' || !(p = parse_digits(p + 1, &n)) || *p || pid <= 0)
		return false;
	return kill((pid_t)pid, 0) < 0 && errno == ESRCH;
}

int rcfs_replace_cleanup(int base, bool subdirs)
{
	struct dirent *de;
	int removed = 0, r;
	DIR *d;

	r = rcfs_opendirat(base, ".", &d);
	if (r < 0)
		return r;
	while ((de = readdir(d))) {
		if (subdirs && de->d_type == DT_DIR && strcmp(de->d_name, ".") &&
		    strcmp(de->d_name, "..")) {
			int sub = openat(dirfd(d), de->d_name, O_PATH |
					 O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (sub >= 0) {
				int n = rcfs_replace_cleanup(sub, false);

				removed += n > 0 ? n : 0;
				close(sub);
			}
		} else if (de->d_type == DT_REG && stale_tmp_name(de->d_name) &&
			   unlinkat(dirfd(d), de->d_name, 0) == 0) {
			removed++;
		}
	}
	closedir(d);
	return removed;
}

int rcfs_replace_commit(struct rcfs_replace *r)
{
	static atomic_uint counter;
	char tmp[NAME_MAX + 1];
	int e;

	r->published = false;
	if (r->record) {
		e = rcfs_record_set(r->fd, r->record);
		if (e < 0 && e != -EOPNOTSUPP)
			return e;
	}
	if (fsync(r->fd) < 0)
		return -errno;
	for (;;) {
		tmp_name(tmp, sizeof(tmp), r->name, getpid(),
			 atomic_fetch_add(&counter, 1));
		e = link_tmpfile(r->fd, r->dirfd, tmp);
		if (e != -EEXIST)
			break;
	}
	if (e < 0)
		return e;
	if (renameat(r->dirfd, tmp, r->dirfd, r->name) < 0) {
		e = -errno;
		unlinkat(r->dirfd, tmp, 0);
		return e;
	}
	r->published = true;
	/* the rename is durable once the directory is: a writer told
	 * "saved" must not lose it to a power cut */
	return fsync(r->dirfd) < 0 ? -errno : 0;
}

int rcfs_replace_restart(struct rcfs_replace *r)
{
	struct stat st;
	int old = r->fd, e;

	if (fstat(old, &st) < 0)
		return -errno;
	e = replace_init(r, &st);
	if (e == 0)
		e = rcfs_copy_fd(old, r->fd);
	if (e < 0) {
		if (r->fd >= 0 && r->fd != old)
			close(r->fd);
		r->fd = old;
		return e;
	}
	close(old);
	return 0;
}

void rcfs_replace_abort(struct rcfs_replace *r)
{
	if (r->fd >= 0)
		close(r->fd);
	if (r->dirfd >= 0)
		close(r->dirfd);
	r->fd = r->dirfd = -1;
}

int rcfs_copy_fd(int src, int dst)
{
	char buf[16384];
	off_t off = 0;
	ssize_t n;

	while ((n = pread(src, buf, sizeof(buf), off)) > 0) {
		for (ssize_t done = 0; done < n;) {
			ssize_t w = pwrite(dst, buf + done, (size_t)(n - done),
					   off + done);

			if (w < 0)
				return -errno;
			done += w;
		}
		off += n;
		if (off > RCFS_MAX_FILE_SIZE)
			return -EFBIG;
	}
	if (n < 0)
		return -errno;
	return ftruncate(dst, off) < 0 ? -errno : 0;
}

int rcfs_replace_data(int basefd, const char *rel, const void *data,
		      size_t len, const struct stat *like, int mkdir_missing,
		      uint64_t record)
{
	struct rcfs_replace r;
	const char *p = data;
	int e;

	e = rcfs_replace_begin(&r, basefd, rel, like, mkdir_missing);
	if (e < 0)
		return e;
	r.record = record;
	while (len > 0) {
		ssize_t w = write(r.fd, p, len);

		if (w < 0) {
			e = -errno;
			goto out;
		}
		p += w;
		len -= (size_t)w;
	}
	e = rcfs_replace_commit(&r);
out:
	rcfs_replace_abort(&r);
	return e;
}

int rcfs_read_fd(int fd, char **ret_buf, size_t *ret_len)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap + 1);
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	while ((n = pread(fd, buf + len, cap - len, (off_t)len)) > 0) {
		len += (size_t)n;
		if (len == cap) {
			char *nb;

			if (cap > RCFS_MAX_FILE_SIZE) {
				free(buf);
				return -EFBIG;
			}
			cap *= 2;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
	}
	if (n < 0) {
		int e = -errno;

		free(buf);
		return e;
	}
	buf[len] = '\0';
	*ret_buf = buf;
	*ret_len = len;
	return 0;
}
