// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Finding a running daemon's settings: the mount table says where it is
 * mounted and from which backing directory, the state file it published
 * says the rest.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemonstate.h"
#include "mounts.h"
#include "paths.h"

static int dup_str(char **dst, const char *value)
{
	free(*dst);
	*dst = strdup(value);
	return *dst ? 0 : -ENOMEM;
}

/* KEY=... at the start of LINE: the value, or NULL. */
static const char *value_of(const char *line, const char *key)
{
	size_t n = strlen(key);

	return !strncmp(line, key, n) && line[n] == '=' ? line + n + 1 : NULL;
}

/* The extra keys the daemon adds after rcfs_settings_write()'s. */
static int read_extra(struct rcfs_daemon_info *d, FILE *f)
{
	char *line = NULL;
	const char *v;
	size_t cap = 0;
	ssize_t n;
	int r = 0;

	while (r == 0 && (n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		if ((v = value_of(line, RCFS_STATE_PID)))
			d->pid = (pid_t)atoi(v);
		else if ((v = value_of(line, RCFS_STATE_HOST_SOURCE)))
			r = dup_str(&d->host_source, v);
		else if ((v = value_of(line, RCFS_STATE_HOST_KIND)))
			r = dup_str(&d->host_kind, v);
		else if ((v = value_of(line, RCFS_STATE_CALLERS)))
			r = dup_str(&d->callers, v);
		else if ((v = value_of(line, RCFS_STATE_SERVER)))
			d->server = (pid_t)atoi(v);
		else if ((v = value_of(line, RCFS_STATE_RESTARTS)))
			d->restarts = (unsigned int)strtoul(v, NULL, 10);
		else if ((v = value_of(line, RCFS_STATE_REASON)))
			r = dup_str(&d->restart_reason, v);
		else if ((v = value_of(line, RCFS_STATE_VERSION)))
			r = dup_str(&d->version, v);
		else if ((v = value_of(line, RCFS_STATE_BINARY)))
			r = dup_str(&d->binary, v);
	}
	free(line);
	return r;
}

static void info_free(struct rcfs_daemon_info *i)
{
	free(i->mountpoint);
	free(i->source);
	free(i->host_source);
	free(i->host_kind);
	free(i->callers);
	free(i->restart_reason);
	free(i->version);
	free(i->binary);
	rcfs_settings_free(&i->settings);
}

static int read_state(struct rcfs_daemon_info *d, FILE *f)
{
	int r;

	r = rcfs_settings_read(&d->settings, f);
	if (r == 0) {
		rewind(f);
		r = read_extra(d, f);
	}
	fclose(f);
	if (r == 0)
		d->has_state = true;
	return r;
}

int rcfs_daemon_read_state(struct rcfs_daemon_info *d, const char *path)
{
	FILE *f = fopen(path, "re");
	struct stat st;

	if (!f)
		return -errno;
	/* settings root acts on: written by root alone */
	if (fstat(fileno(f), &st) < 0 || st.st_uid != 0 ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) || !S_ISREG(st.st_mode)) {
		fclose(f);
		return -EPERM;
	}
	return read_state(d, f);
}

int rcfs_daemon_read_state_fd(struct rcfs_daemon_info *d, int fd)
{
	int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	FILE *f;

	if (copy < 0)
		return -errno;
	f = lseek(copy, 0, SEEK_SET) == 0 ? fdopen(copy, "r") : NULL;
	if (!f) {
		int e = errno;

		close(copy);
		return -e;
	}
	return read_state(d, f);
}

void rcfs_daemon_info_free(struct rcfs_daemon_info *i)
{
	info_free(i);
}

struct find_ctx {
	struct rcfs_daemons *d;
	const char *state_dir;
};


/* Whether the super options say root mounted it: the daemon mounts with
 * user_id=0; fusermount writes the mounting user's. */
static bool owned_by_root(const char *opts)
{
	const char *p = opts;

	while ((p = strstr(p, "user_id="))) {
		if ((p == opts || p[-1] == ',') && !strncmp(p + 8, "0", 1) &&
		    (p[9] == ',' || !p[9]))
			return true;
		p += 8;
	}
	return false;
}

static int add_untrusted(struct rcfs_daemons *d, const char *mountpoint)
{
	char **v = realloc(d->untrusted, (d->n_untrusted + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	d->untrusted = v;
	v[d->n_untrusted] = strdup(mountpoint);
	if (!v[d->n_untrusted])
		return -ENOMEM;
	d->n_untrusted++;
	return 0;
}

static int add_mount(const struct rcfs_mount *m, void *data)
{
	struct find_ctx *c = data;
	struct rcfs_daemon_info *v, *i;
	char path[PATH_MAX];
	int r;

	if (strcmp(m->fstype, RCFS_FSTYPE))
		return 0;
	if (!owned_by_root(m->super_options))
		return add_untrusted(c->d, m->mountpoint);
	v = realloc(c->d->v, (c->d->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	c->d->v = v;
	i = &v[c->d->n];
	memset(i, 0, sizeof(*i));
	r = rcfs_settings_init(&i->settings);
	if (r < 0)
		return r;
	c->d->n++;
	r = rcfs_mount_dev(m, i->dev, sizeof(i->dev));
	if (r == 0)
		r = dup_str(&i->mountpoint, m->mountpoint);
	if (r == 0)
		r = dup_str(&i->source, m->source);
	/* what the mount table alone tells, in case nothing was published */
	if (r == 0)
		r = rcfs_settings_set(&i->settings, "mountpoint", m->mountpoint);
	if (r == 0 && *m->source == '/')
		r = rcfs_settings_set(&i->settings, "backing", m->source);
	if (r < 0)
		return r;
	if (snprintf(path, sizeof(path), "%s/%s", c->state_dir, i->dev) >=
	    (int)sizeof(path))
		return 0;
	r = rcfs_daemon_read_state(i, path);
	/* a state file we cannot read is as good as none */
	return r == -ENOMEM ? r : 0;
}

int rcfs_daemons_find(const char *mountinfo, const char *state_dir,
		      struct rcfs_daemons *ret)
{
	struct find_ctx c = {
		.d = ret, .state_dir = state_dir ? state_dir : RCFS_STATE_DIR,
	};
	int r;

	memset(ret, 0, sizeof(*ret));
	r = rcfs_mounts_foreach(mountinfo, add_mount, &c);
	if (r < 0)
		rcfs_daemons_free(ret);
	return r;
}

void rcfs_daemons_free(struct rcfs_daemons *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++)
		info_free(&d->v[i]);
	free(d->v);
	for (size_t i = 0; i < d->n_untrusted; i++)
		free(d->untrusted[i]);
	free(d->untrusted);
	memset(d, 0, sizeof(*d));
}

/* PATH with its directory resolved: a mount point is a file, and may be
 * the mount itself, so only the directory part can be canonicalised. */
static int canon(const char *path, char *buf, size_t len)
{
	char tmp[PATH_MAX], dir[PATH_MAX];
	const char *base;
	int n;

	if (strlen(path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	strcpy(tmp, path);
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (!realpath(dirname(tmp), dir))
		return -errno;
	n = snprintf(buf, len, "%s/%s", strcmp(dir, "/") ? dir : "", base);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int find_on(const struct rcfs_daemons *d, const char *path)
{
	char want[PATH_MAX];
	int found = -ENOENT;

	if (canon(path, want, sizeof(want)) < 0)
		return -ENOENT;
	for (size_t i = 0; i < d->n_untrusted; i++)
		if (!strcmp(d->untrusted[i], want) ||
		    !strcmp(d->untrusted[i], path))
			found = -EPERM;
	/* the last one mounted there is the one in use */
	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(d->v[i].mountpoint, want) ||
		    !strcmp(d->v[i].mountpoint, path))
			found = (int)i;
	return found;
}

int rcfs_daemons_pick(const struct rcfs_daemons *d, const char *path)
{
	int i;

	if (path)
		return find_on(d, path);
	i = find_on(d, RCFS_MOUNTPOINT);
	if (i >= 0)
		return i;
	if (d->n == 0)
		return -ENOENT;
	return d->n == 1 ? 0 : -ENOTUNIQ;
}

const char *rcfs_host_kind_name(enum rcfs_host_kind k)
{
	switch (k) {
	case RCFS_HOST_ORIGINAL:
		return "original";
	case RCFS_HOST_SYMLINK:
		return "symlink";
	case RCFS_HOST_FILE:
		return "file";
	case RCFS_HOST_MAPPED:
		break;
	}
	return "mapped";
}

enum rcfs_host_kind rcfs_host_kind_parse(const char *name)
{
	for (int k = RCFS_HOST_ORIGINAL; k <= RCFS_HOST_MAPPED; k++)
		if (name && !strcmp(name, rcfs_host_kind_name(k)))
			return (enum rcfs_host_kind)k;
	return RCFS_HOST_MAPPED;
}
