// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Network namespaces by inode: of a thread, of a path; which names are
 * safe as keys.  The mapping rule's first step; see netns.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netns.h"
#include "paths.h"

bool rcfs_name_is_safe(const char *name)
{
	size_t len;

	if (!name || !*name || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (len = 0; name[len]; len++) {
		unsigned char c = (unsigned char)name[len];

		if (c == '/' || c < 0x20 || c == 0x7f)
			return false;
	}
	/* Room for ".EXT" (or a separate BASENAME in the dir layout) and
	 * for the temporary names of an atomic replace, which must not be
	 * mistaken for a namespace's file. */
	return len <= NAME_MAX - 32 && !strstr(name, RCFS_TMP_INFIX);
}

void *rcfs_netns_table_new(size_t head, size_t nslots, size_t size)
{
	size_t n = 1;
	void *t;

	while (n < nslots)
		n <<= 1;
	t = calloc(1, head + n * size);
	if (t)
		*(size_t *)t = n - 1;
	return t;
}

void rcfs_netns_tid_rel(char *buf, pid_t tid)
{
	static const char tail[] = "/ns/net";
	char digits[16];
	unsigned int v = (unsigned int)tid;
	size_t n = 0;

	/* by hand: snprintf() costs more than the rest of a kept answer */
	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*buf++ = digits[--n];
	memcpy(buf, tail, sizeof(tail));
}

bool rcfs_netns_parse_link(const char *text, ino_t *ret_ino)
{
	unsigned long long ino;
	char *end;

	if (strncmp(text, "net:[", 5) || text[5] < '0' || text[5] > '9')
		return false;
	errno = 0;
	ino = strtoull(text + 5, &end, 10);
	if (errno || strcmp(end, "]"))
		return false;
	*ret_ino = (ino_t)ino;
	return true;
}

int rcfs_netns_of_tid(int procfd, pid_t tid, ino_t *ret_ino)
{
	char rel[RCFS_TID_REL_MAX], link[64];
	struct stat st;
	ssize_t n;

	/*
	 * readlink() of the link ("net:[4026531840]") names the inode
	 * without opening the namespace: half the cost of a stat() through
	 * the link, and this runs for every request.
	 */
	rcfs_netns_tid_rel(rel, tid);
	n = readlinkat(procfd, rel, link, sizeof(link) - 1);
	if (n < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	link[n] = '\0';
	if (rcfs_netns_parse_link(link, ret_ino))
		return 0;
	/* a form this code does not know: ask the inode itself */
	if (fstatat(procfd, rel, &st, 0) < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	*ret_ino = st.st_ino;
	return 0;
}

/* The device of nsfs, to tell a bound /run/netns entry from the empty
 * file ip-netns creates before binding onto it. */
int rcfs_nsfs_dev(dev_t *ret)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st) < 0)
		return -errno;
	*ret = st.st_dev;
	return 0;
}

int rcfs_netns_of_path(const char *path, ino_t *ret_ino)
{
	struct stat st;
	dev_t dev = 0;
	int r;

	r = rcfs_nsfs_dev(&dev);
	if (r < 0)
		return r;
	if (stat(path, &st) < 0)
		return -errno;
	if (st.st_dev != dev)
		return -EINVAL;
	*ret_ino = st.st_ino;
	return 0;
}

