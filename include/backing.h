/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RCFS_BACKING_H
#define RCFS_BACKING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

/*
 * Backing files are reached only beneath the backing directory: no
 * symlink, no "..", no magic link is ever followed (openat2 with
 * RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS).
 */

/* Open REL beneath DIRFD.  FLAGS as for open(2); O_NOFOLLOW is added.
 * Returns an fd or -errno (-ELOOP for a symlink anywhere on the way). */
int rcfs_backing_open(int dirfd, const char *rel, int flags, mode_t mode);

/* stat(2) of REL beneath DIRFD without following links.  0 or -errno. */
int rcfs_backing_stat(int dirfd, const char *rel, struct stat *ret);

/* Remove REL (a file) beneath DIRFD.  0 or -errno. */
int rcfs_backing_unlink(int dirfd, const char *rel);

/*
 * An atomic replacement in progress: an unnamed file (O_TMPFILE) in the
 * directory of REL, which rcfs_replace_commit() links in and renames over
 * REL after fsync.  Until then no reader can see it, and a crash leaves
 * nothing behind.
 */
struct rcfs_replace {
	int fd;		/* the private copy: read, write, truncate it */
	int dirfd;	/* directory that holds REL's last component (a real
			 * descriptor: the commit fsyncs it) */
	char name[256];	/* REL's last component */
	/* the namespace the new file is for (identity.h), recorded on it
	 * before it is linked in; 0: none (a named namespace's file) */
	uint64_t record;
	bool published;	/* the last commit renamed it into place */
};

/*
 * Start replacing REL beneath BASEFD.  When MKDIR is set, a missing
 * parent directory (the dir layout) is created 0755.  The copy gets
 * LIKE's mode and owner, or 0644 root:root.  Returns 0 or -errno.
 */
int rcfs_replace_begin(struct rcfs_replace *r, int basefd, const char *rel,
		       const struct stat *like, int mkdir);
/* The same for an absolute PATH (the host's source).  0 or -errno. */
int rcfs_replace_begin_path(struct rcfs_replace *r, const char *path,
			    const struct stat *like);
/* Record, fsync, link under a temporary name, rename over the file,
 * fsync the directory.  On an error before the rename the old file is
 * intact; after it (the directory's fsync) the new one is in place but
 * may not survive a crash.  Returns 0 or -errno. */
int rcfs_replace_commit(struct rcfs_replace *r);
/* After a commit R's fd is the live file: start a new private copy of
 * it (same name, content, owner, mode) before writing again.  0 or
 * -errno; on error R is unchanged. */
int rcfs_replace_restart(struct rcfs_replace *r);
/* Drop the copy (no-op after a commit's cleanup).  Accepts a zeroed R. */
void rcfs_replace_abort(struct rcfs_replace *r);

/*
 * A commit links the new file in under ".NAME.rcfs-PID-N" and renames it
 * over NAME: a process killed between the two leaves that name behind.
 * Remove those of processes that are gone, in DIRFD (and with SUBDIRS in
 * each of its subdirectories, the dir layout).  Returns how many were
 * removed, or -errno.
 */
int rcfs_replace_cleanup(int base, bool subdirs);

/* Copy everything from SRC (from offset 0) to DST.  0 or -errno. */
int rcfs_copy_fd(int src, int dst);

/* Replace REL beneath BASEFD by LEN bytes of DATA, atomically, with
 * RECORD as rcfs_replace's.  0 or -errno. */
int rcfs_replace_data(int basefd, const char *rel, const void *data,
		      size_t len, const struct stat *like, int mkdir,
		      uint64_t record);

/* Read all of FD (at most RCFS_MAX_FILE_SIZE) into a malloc'd, NUL
 * terminated buffer.  0 or -errno (-EFBIG when larger). */
int rcfs_read_fd(int fd, char **ret_buf, size_t *ret_len);

#endif
