// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * netnsctl's context: the daemon's settings with the command line's over
 * them, the map (the library's rule), the namespace a command names, and
 * what that namespace sees.  Commands gather these lazily, through the
 * ctl_* calls.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backing.h"
#include "identity.h"
#include "netnsctl.h"
#include "nl.h"
#include "nsenum.h"
#include "paths.h"

int read_path(const char *path, char **ret, size_t *ret_len)
{
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	r = rcfs_read_fd(fd, ret, ret_len);
	close(fd);
	return r;
}

static int settings_copy(struct rcfs_settings *dst,
			 const struct rcfs_settings *src)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int r;

	/* the key=value form is the one complete description */
	f = open_memstream(&buf, &len);
	if (!f)
		return -errno;
	r = rcfs_settings_write(src, f);
	fclose(f);
	if (r == 0) {
		f = fmemopen(buf, len, "r");
		if (!f)
			r = -errno;
		else {
			r = rcfs_settings_read(dst, f);
			fclose(f);
		}
	}
	free(buf);
	return r;
}

int ctl_settings(struct ctl *c, bool need_backing)
{
	int r, i;

	if (c->loaded)
		goto check;
	r = rcfs_settings_init(&c->settings);
	if (r < 0)
		return rcfs_failx(1, "%s", strerror(-r));
	r = rcfs_daemons_find(NULL, NULL, &c->daemons);
	if (r < 0)
		return rcfs_failx(1, "Cannot read the mount table: %s", strerror(-r));
	i = rcfs_daemons_pick(&c->daemons, c->mount);
	if (i >= 0) {
		c->daemon = &c->daemons.v[i];
		r = settings_copy(&c->settings, &c->daemon->settings);
		if (r < 0)
			return rcfs_failx(1, "%s", strerror(-r));
	} else if (c->mount && i == -EPERM) {
		return rcfs_failx(1, "The resolvconffs mount on \"%s\" is not owned by root: not a daemon's, ignored",
			    c->mount);
	} else if (c->mount) {
		return rcfs_failx(1, "No resolvconffs mount on \"%s\"", c->mount);
	} else if (i == -ENOTUNIQ) {
		return rcfs_failx(1, "Several resolvconffs mounts and none on %s: pick one with --mount",
			    RCFS_MOUNTPOINT);
	}
	for (size_t k = 0; k < c->n_over; k++) {
		r = rcfs_settings_set(&c->settings, c->over[k].key,
				      c->over[k].value);
		if (r < 0)
			return rcfs_failx(1, "%s", strerror(-r));
	}
	c->loaded = true;
check:
	if (need_backing && !c->settings.backing_dir)
		return rcfs_failx(1, "No resolvconffs mount found: give --backing-dir");
	return 0;
}

/* What the daemon serves the host, by path: what it published, else
 * what the settings say it would. */
static const char *host_source(const struct ctl *c)
{
	if (c->daemon && c->daemon->host_source)
		return c->daemon->host_source;
	if (c->settings.host_file)
		return c->settings.host_file;
	/* the file under the mount: reading it from the host namespace
	 * shows what the host sees */
	return c->settings.mountpoint;
}

int ctl_map(struct ctl *c)
{
	struct stat st;
	char path[64];
	ino_t host = 0;
	int r;

	if (c->map)
		return 0;
	r = ctl_settings(c, true);
	if (r)
		return r;
	r = rcfs_map_open(&c->map, &c->settings);
	if (r < 0) {
		struct stat dummy;

		if (stat(c->settings.backing_dir, &dummy) < 0)
			return rcfs_failx(1, "Cannot open backing directory \"%s\": %s",
				    c->settings.backing_dir, strerror(-r));
		return rcfs_failx(1, "Cannot open \"%s\": %s", c->settings.procfs,
			    strerror(-r));
	}
	/* The host is the daemon's namespace, which need not be ours. */
	if (c->daemon && c->daemon->pid > 0) {
		if (rcfs_netns_link_path_pid(path, sizeof(path),
					     c->settings.procfs,
					     c->daemon->pid) == 0 &&
		    stat(path, &st) == 0)
			host = st.st_ino;
	}
	rcfs_map_set_host(c->map, host, host_source(c));
	return 0;
}

void nsref_free(struct nsref *ns)
{
	free(ns->path);
	ns->path = NULL;
}

static int nsref_by_path(struct nsref *ret, const char *path)
{
	int r = rcfs_netns_of_path(path, &ret->ino);

	if (r < 0)
		return r;
	ret->path = strdup(path);
	return ret->path ? 0 : -ENOMEM;
}

int ctl_nsref(struct ctl *c, int argc, char **argv, struct nsref *ret)
{
	char path[PATH_MAX];
	int r;

	memset(ret, 0, sizeof(*ret));
	r = ctl_settings(c, false);
	if (r)
		return r;
	if (!strcmp(argv[0], "pid")) {
		if (argc < 2)
			return usage_error("\"pid\" needs a process id");
		if (!rcfs_is_number(argv[1]))
			return usage_error("Invalid pid \"%s\"", argv[1]);
		snprintf(ret->label, sizeof(ret->label), "pid %s", argv[1]);
		r = rcfs_netns_link_path(path, sizeof(path),
					 c->settings.procfs, argv[1]);
		if (r == 0)
			r = nsref_by_path(ret, path);
		if (r == -ENOENT)
			return rcfs_failx(1, "Cannot find process %s", argv[1]);
		if (r < 0)
			return rcfs_failx(1, "Cannot open network namespace of process %s: %s",
				    argv[1], strerror(-r));
		return 0;
	}
	if (argc > 1)
		return usage_error("Too many arguments after \"%s\"", argv[0]);
	snprintf(ret->label, sizeof(ret->label), "%s", argv[0]);
	/* a name first, as ip-netns does, then an inode */
	if (!strchr(argv[0], '/') && strcmp(argv[0], ".") &&
	    strcmp(argv[0], "..")) {
		snprintf(path, sizeof(path), "%s/%s", c->settings.netns_dir,
			 argv[0]);
		r = nsref_by_path(ret, path);
		if (r == 0)
			return 0;
		if (r == -EINVAL && !rcfs_is_number(argv[0]))
			return rcfs_failx(1, "\"%s\" is not a network namespace", path);
		if (r != -ENOENT && r != -EINVAL)
			return rcfs_failx(1, "Cannot open network namespace \"%s\": %s",
				    argv[0], strerror(-r));
	}
	if (rcfs_is_number(argv[0])) {
		struct rcfs_nslist l;
		const struct rcfs_ns *ns;
		char *end;

		errno = 0;
		ret->ino = (ino_t)strtoumax(argv[0], &end, 10);
		r = errno ? -errno : rcfs_nsenum(c->settings.procfs,
						 c->settings.netns_dir, &l);
		if (r < 0)
			return rcfs_failx(1, "Cannot list network namespaces: %s",
				    strerror(-r));
		ns = rcfs_nslist_find(&l, ret->ino);
		if (ns && ns->path)
			ret->path = strdup(ns->path);
		rcfs_nslist_free(&l);
		if (ns && ret->path)
			return 0;
	}
	return rcfs_failx(1, "Cannot find network namespace \"%s\"", argv[0]);
}

int ctl_target(struct ctl *c, const struct nsref *ns, struct rcfs_target *ret)
{
	int r = ctl_map(c);

	if (r)
		return r;
	r = rcfs_map_ino(c->map, ns->ino, ret);
	if (r < 0)
		return rcfs_failx(1, "Cannot map network namespace \"%s\": %s",
			    ns->label, strerror(-r));
	return 0;
}

/* The key of namespace INO as the daemon makes it (rcfs_names_key()).
 * Returns 0 or -errno. */
int ctl_ns_key(struct ctl *c, ino_t ino, char *buf, size_t len)
{
	struct rcfs_names *n;
	int r;

	r = rcfs_names_new(c->settings.netns_dir, &n);
	if (r < 0)
		return r;
	r = rcfs_names_key(n, ino, buf, len);
	rcfs_names_free(n);
	return r < 0 ? r : 0;
}

const char *file_state_name(enum file_state s)
{
	static const char *const names[] = {
		[FILE_OWN] = "own",
		[FILE_DEFAULT] = "default",
		[FILE_NONE] = "none",
		[FILE_HOST] = "host",
		[FILE_STALE] = "stale",
	};

	return names[s];
}

/* The cookie of the namespace that DATA, a path, opens: asked only
 * when an inode key's file has a record to compare. */
static int path_cookie(void *data, uint64_t *ret)
{
	if (!data)
		return -ENOENT;
	return rcfs_netns_cookie_of_path(data, ret);
}

int ctl_see(struct ctl *c, const struct rcfs_target *t, const char *nspath,
	    int flags, struct rcfs_sight *ret)
{
	const struct rcfs_asker who = { path_cookie, (void *)nspath };

	/* never RCFS_SEE_CLAIM: looking changes nothing */
	return rcfs_map_see(c->map, t, flags, &who, ret);
}

enum file_state sight_state(const struct rcfs_sight *s)
{
	static const enum file_state states[] = {
		[RCFS_SEES_OWN] = FILE_OWN,
		[RCFS_SEES_DEFAULT] = FILE_DEFAULT,
		[RCFS_SEES_HOST] = FILE_HOST,
		[RCFS_SEES_NONE] = FILE_NONE,
	};

	return s->stale ? FILE_STALE : states[s->kind];
}

int target_content(struct ctl *c, const struct rcfs_target *t,
		   const char *nspath, struct rcfs_sight *ret,
		   char **ret_text, size_t *ret_len)
{
	int r;

	r = ctl_see(c, t, nspath, RCFS_SEE_OPEN, ret);
	if (r == 0 && ret->fd >= 0)
		r = rcfs_read_fd(ret->fd, ret_text, ret_len);
	rcfs_sight_close(ret);
	/* nothing, or a default or host source that is missing: the
	 * daemon answers ENOENT, the namespace sees no file */
	if ((r == 0 && ret->kind == RCFS_SEES_NONE) ||
	    (r == -ENOENT && ret->kind != RCFS_SEES_OWN)) {
		*ret_text = strdup("");
		*ret_len = 0;
		r = *ret_text ? 0 : -ENOMEM;
	}
	return r;
}

/* The NSID our namespace gave the namespace at PATH, as text ("" for
 * none: most namespaces never get one). */
void ctl_nsid(const char *path, char *buf, size_t len)
{
	int fd, nsid = -1;

	buf[0] = '\0';
	if (!path)
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (rcfs_nl_nsid(fd, &nsid) == 0 && nsid >= 0)
		snprintf(buf, len, "%d", nsid);
	close(fd);
}

/* What the namespace sees, parsed; FILE state as text. */
int ctl_seen(struct ctl *c, ino_t ino, const char *nspath,
	     struct rcfs_target *t, struct rcfs_sight *s,
	     struct rcfs_resolv *rv, char **text)
{
	size_t len;
	int r;

	memset(rv, 0, sizeof(*rv));
	*text = NULL;
	r = rcfs_map_ino(c->map, ino, t);
	if (r < 0)
		return r;
	r = target_content(c, t, nspath, s, text, &len);
	if (r < 0)
		return r;
	return rcfs_resolv_parse(*text, rv);
}
