// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * openresolv's state of each network namespace, and which resolvconf(8)
 * the host has.
 *
 * openresolv keeps what every interface gave it in one directory
 * (/run/resolvconf) and rebuilds resolv.conf from all of it.  /run is
 * the same in every network namespace, so without a directory of its
 * own a namespace's VPN ends up in the host's resolv.conf at the
 * host's next update, and the host's in the VPN's.  The directory is
 * keyed like the namespace's file (name, else inode) and carries the
 * namespace's cookie: names and inodes come back for new namespaces,
 * the cookie never does, so a new namespace never inherits a dead
 * one's interfaces.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backing.h"
#include "netns.h"
#include "paths.h"
#include "resolvstate.h"
#include "util.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE	71	/* Linux 5.14 */
#endif

/* The state's own files beside openresolv's */
#define MARK_FILE	"netns"
#define LINK_FILE	"resolv.conf"

/* A state file is a few lines; anything larger is not openresolv's. */
#define STATE_FILE_MAX	65536

int rcfs_rcstate_path(const char *base, const char *key, char *buf,
		      size_t len)
{
	int n;

	if (!rcfs_name_is_safe(key) || key[0] == '.')
		return -EINVAL;
	n = snprintf(buf, len, "%s/%s", base ? base : RCFS_RESOLVCONF_NETNS_DIR,
		     key);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* The cookie recorded in the state directory DFD.  Returns 0, -ENOENT
 * without one, -EBADMSG when unreadable. */
static int mark_read(int dfd, uint64_t *ret)
{
	char buf[64];
	ssize_t n;
	int fd;

	fd = openat(dfd, MARK_FILE, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	if (sscanf(buf, "cookie=%" SCNu64, ret) != 1)
		return -EBADMSG;
	return 0;
}

static int mark_write(int dfd, uint64_t cookie)
{
	char buf[64];
	int fd, n, r = 0;

	fd = openat(dfd, MARK_FILE, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	n = snprintf(buf, sizeof(buf), "cookie=%" PRIu64 "\n", cookie);
	if (write(fd, buf, (size_t)n) != n)
		r = errno ? -errno : -EIO;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

/* Remove the directory NAME under DFD and what it holds; openresolv's
 * tree is two levels deep, so DEPTH bounds the walk. */
static int tree_remove(int dfd, const char *name, int depth)
{
	struct dirent *de;
	DIR *d;
	int r;

	if (unlinkat(dfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR || depth == 0)
		return -errno;
	r = rcfs_opendirat(dfd, name, &d);
	if (r < 0)
		return r;
	while ((de = readdir(d)) && r == 0)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			r = tree_remove(dirfd(d), de->d_name, depth - 1);
	closedir(d);
	if (r == 0 && unlinkat(dfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		r = -errno;
	return r;
}

/* Put the stale NAME away under a name of its own, then remove it:
 * a resolvconf that runs meanwhile finds no directory, not half of
 * one. */
static int stale_remove(int basefd, const char *name)
{
	char tmp[RCFS_KEY_MAX + 64];

	snprintf(tmp, sizeof(tmp), ".stale.%s.%d", name, (int)getpid());
	if (renameat(basefd, name, basefd, tmp) < 0)
		return errno == ENOENT ? 0 : -errno;
	return tree_remove(basefd, tmp, 4);
}

/* A new state directory, complete before it appears under NAME. */
static int fresh_make(int basefd, const char *name, uint64_t cookie,
		      const char *resolv_conf)
{
	char tmp[RCFS_KEY_MAX + 64];
	int fd, r;

	snprintf(tmp, sizeof(tmp), ".new.%s.%d", name, (int)getpid());
	tree_remove(basefd, tmp, 4);
	if (mkdirat(basefd, tmp, 0755) < 0)
		return -errno;
	fd = openat(basefd, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
	r = fd < 0 ? -errno : mark_write(fd, cookie);
	if (r == 0 && resolv_conf && symlinkat(resolv_conf, fd, LINK_FILE) < 0)
		r = -errno;
	if (fd >= 0)
		close(fd);
	if (r == 0 && renameat2(basefd, tmp, basefd, name,
				RENAME_NOREPLACE) < 0)
		r = -errno;
	if (r < 0)
		tree_remove(basefd, tmp, 4);
	return r;
}

int rcfs_rcstate_prepare(const char *base, const char *key,
			 uint64_t cookie, const char *resolv_conf)
{
	char path[PATH_MAX];
	uint64_t had;
	int basefd, fd, r = 0, made = 0;

	if (!base)
		base = RCFS_RESOLVCONF_NETNS_DIR;
	r = rcfs_rcstate_path(base, key, path, sizeof(path));
	if (r < 0)
		return r;
	if (mkdir(base, 0755) < 0 && errno != EEXIST)
		return -errno;
	basefd = open(base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (basefd < 0)
		return -errno;
	/* a few rounds: another resolvconf of the namespace may race us */
	for (int round = 0; round < 4; round++) {
		fd = openat(basefd, key, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			    O_CLOEXEC);
		if (fd >= 0) {
			r = mark_read(fd, &had);
			close(fd);
			if (r == 0 && had == cookie) {
				r = made;
				goto out;
			}
			/* an earlier namespace's, or not ours at all */
			r = stale_remove(basefd, key);
		} else if (errno == ENOENT) {
			r = fresh_make(basefd, key, cookie, resolv_conf);
			if (r == -EEXIST || r == -ENOTEMPTY)
				r = 0;	/* made meanwhile: look again */
		} else if (errno == ENOTDIR || errno == ELOOP) {
			r = unlinkat(basefd, key, 0) < 0 ? -errno : 0;
		} else {
			r = -errno;
		}
		if (r < 0)
			goto out;
		made = 1;
	}
	r = -EAGAIN;
out:
	close(basefd);
	return r;
}

int rcfs_rcstate_owned(const char *dir, uint64_t cookie)
{
	uint64_t had;
	int fd, r;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = mark_read(fd, &had);
	close(fd);
	if (r == -ENOENT || r == -EBADMSG)
		return 0;
	return r < 0 ? r : had == cookie;
}

/* ---- reading a state ------------------------------------------------ */

void rcfs_rcstate_free(struct rcfs_rcstate *s)
{
	for (size_t i = 0; s && i < s->n; i++) {
		free(s->v[i].name);
		rcfs_resolv_free(&s->v[i].rv);
	}
	if (s) {
		free(s->v);
		s->v = NULL;
		s->n = 0;
	}
}

static struct rcfs_rcstate_iface *iface_find(struct rcfs_rcstate *s,
					     const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].name, name))
			return &s->v[i];
	return NULL;
}

static int iface_read(int dfd, const char *name, struct rcfs_rcstate *s)
{
	struct rcfs_rcstate_iface *nv, *f;
	struct stat st;
	char *text;
	size_t len;
	int fd, r;

	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ELOOP ? 0 : -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > STATE_FILE_MAX) {
		close(fd);
		return 0;
	}
	r = rcfs_read_fd(fd, &text, &len);
	close(fd);
	if (r < 0)
		return r;
	nv = realloc(s->v, (s->n + 1) * sizeof(*s->v));
	if (!nv) {
		free(text);
		return -ENOMEM;
	}
	s->v = nv;
	f = &s->v[s->n];
	memset(f, 0, sizeof(*f));
	f->metric = -1;
	f->name = strdup(name);
	r = f->name ? rcfs_resolv_parse(text, &f->rv) : -ENOMEM;
	free(text);
	if (r < 0) {
		free(f->name);
		rcfs_resolv_free(&f->rv);
		return r;
	}
	s->n++;
	return 0;
}

/*
 * openresolv's flags are file names: metrics/"NNNNNNN IFACE",
 * exclusive/"N IFACE", private/"IFACE".
 */
static void flags_read(const char *dir, const char *sub,
		       struct rcfs_rcstate *s)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		const char *sp = strchr(de->d_name, ' ');
		struct rcfs_rcstate_iface *f;

		if (de->d_name[0] == '.')
			continue;
		if (!strcmp(sub, "private")) {
			f = iface_find(s, de->d_name);
			if (f)
				f->private_ = true;
			continue;
		}
		if (!sp || !(f = iface_find(s, sp + 1)))
			continue;
		if (!strcmp(sub, "metrics"))
			f->metric = strtol(de->d_name, NULL, 10);
		else
			f->exclusive = true;
	}
	closedir(d);
}

static int iface_cmp(const void *a, const void *b)
{
	return strcmp(((const struct rcfs_rcstate_iface *)a)->name,
		      ((const struct rcfs_rcstate_iface *)b)->name);
}

int rcfs_rcstate_read(const char *dir, struct rcfs_rcstate *ret)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int r = 0;

	memset(ret, 0, sizeof(*ret));
	snprintf(path, sizeof(path), "%s/interfaces", dir);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d)) && r == 0)
		if (de->d_name[0] != '.')
			r = iface_read(dirfd(d), de->d_name, ret);
	closedir(d);
	if (r < 0) {
		rcfs_rcstate_free(ret);
		return r;
	}
	if (ret->n)
		qsort(ret->v, ret->n, sizeof(*ret->v), iface_cmp);
	flags_read(dir, "metrics", ret);
	flags_read(dir, "exclusive", ret);
	flags_read(dir, "private", ret);
	return 0;
}

char *rcfs_rcstate_origin(const struct rcfs_rcstate *s, const char *ns)
{
	size_t len = 0;
	char *out = NULL;

	for (size_t i = 0; i < s->n; i++)
		for (size_t k = 0; k < s->v[i].rv.n_nameservers; k++) {
			char *o;

			if (strcmp(s->v[i].rv.nameservers[k], ns))
				continue;
			o = realloc(out, len + strlen(s->v[i].name) + 2);
			if (!o) {
				free(out);
				errno = ENOMEM;
				return NULL;
			}
			out = o;
			len += (size_t)sprintf(out + len, "%s%s", len ? " " : "",
					       s->v[i].name);
			break;
		}
	if (!out)
		errno = ENOENT;
	return out;
}

/* ---- the host's configuration ------------------------------------------ */

/* The value of a plain "state_dir=VALUE" line (quotes taken off), or
 * NULL; LINE ends at a newline or NUL. */
static char *state_dir_value(const char *line)
{
	const char *p = rcfs_resolv_skip_ws(line), *end;
	size_t len;

	if (strncmp(p, "state_dir=", 10))
		return NULL;
	p += 10;
	end = p + strcspn(p, "\n");
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	len = (size_t)(end - p);
	if (len >= 2 && (*p == '"' || *p == '\'') && end[-1] == *p) {
		p++;
		len -= 2;
	}
	/* anything computed ($(...), ${...}) is not a plain path */
	if (len == 0 || *p != '/' || memchr(p, '$', len) ||
	    memchr(p, '`', len))
		return NULL;
	return strndup(p, len);
}

bool rcfs_openresolv_sets_state_dir(const char *text)
{
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p) {
		const char *q = rcfs_resolv_skip_ws(p);

		if (!strncmp(q, "state_dir=", 10))
			return true;
	}
	return false;
}

char *rcfs_openresolv_state_dir(const char *conf)
{
	char *text = NULL, *dir = NULL;
	size_t len;
	int fd;

	fd = open(conf ? conf : RCFS_RESOLVCONF_CONF,
		  O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0) {
		if (rcfs_read_fd(fd, &text, &len) < 0)
			text = NULL;
		close(fd);
	}
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p) {
		char *v = state_dir_value(p);

		if (v) {
			free(dir);
			dir = v;
		}
	}
	free(text);
	return dir ? dir : strdup(RCFS_OPENRESOLV_STATE_DIR);
}

enum rcfs_resolvconf_kind rcfs_resolvconf_detect(const char *bin)
{
	char buf[8192], link[PATH_MAX];
	struct stat st;
	ssize_t n;
	int fd;

	if (!bin)
		bin = RCFS_RESOLVCONF_BIN;
	if (lstat(bin, &st) < 0)
		return RCFS_RESOLVCONF_NONE;
	if (S_ISLNK(st.st_mode)) {
		n = readlink(bin, link, sizeof(link) - 1);
		if (n > 0) {
			const char *base;

			link[n] = '\0';
			base = strrchr(link, '/');
			base = base ? base + 1 : link;
			if (!strcmp(base, "resolvectl"))
				return RCFS_RESOLVCONF_SYSTEMD;
		}
	}
	fd = open(bin, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return RCFS_RESOLVCONF_OTHER;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return RCFS_RESOLVCONF_OTHER;
	buf[n] = '\0';
	/* both are shell scripts that say who they are near the top */
	if (strstr(buf, "openresolv") || strstr(buf, "OPENRESOLV"))
		return RCFS_RESOLVCONF_OPENRESOLV;
	if (strstr(buf, "/etc/resolvconf/update.d") ||
	    strstr(buf, "/etc/resolvconf/run"))
		return RCFS_RESOLVCONF_DEBIAN;
	return RCFS_RESOLVCONF_OTHER;
}

const char *rcfs_resolvconf_kind_name(enum rcfs_resolvconf_kind k)
{
	switch (k) {
	case RCFS_RESOLVCONF_NONE:
		return "none";
	case RCFS_RESOLVCONF_OPENRESOLV:
		return "openresolv";
	case RCFS_RESOLVCONF_DEBIAN:
		return "resolvconf";
	case RCFS_RESOLVCONF_SYSTEMD:
		return "systemd-resolved";
	case RCFS_RESOLVCONF_OTHER:
		break;
	}
	return "other";
}
