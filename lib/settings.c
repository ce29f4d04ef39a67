// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The settings that decide which file a caller sees, their key=value
 * names (the daemon's -o options and the published state file).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "paths.h"
#include "settings.h"

static int set_str(char **dst, const char *value)
{
	char *copy = NULL;

	if (value) {
		copy = strdup(value);
		if (!copy)
			return -ENOMEM;
	}
	free(*dst);
	*dst = copy;
	return 0;
}

int rcfs_settings_init(struct rcfs_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->layout = RCFS_LAYOUT_FLAT;
	if (set_str(&s->extension, RCFS_DEFAULT_EXT) < 0 ||
	    set_str(&s->procfs, RCFS_PROCFS) < 0 ||
	    set_str(&s->netns_dir, RCFS_NETNS_DIR) < 0) {
		rcfs_settings_free(s);
		return -ENOMEM;
	}
	return 0;
}

void rcfs_settings_free(struct rcfs_settings *s)
{
	if (!s)
		return;
	free(s->backing_dir);
	free(s->mountpoint);
	free(s->extension);
	free(s->default_file);
	free(s->procfs);
	free(s->netns_dir);
	free(s->host_file);
	memset(s, 0, sizeof(*s));
}

static const char *const layout_names[] = {
	[RCFS_LAYOUT_FLAT] = "flat",
	[RCFS_LAYOUT_DIR] = "dir",
};

const char *rcfs_layout_name(enum rcfs_layout l)
{
	return l == RCFS_LAYOUT_DIR ? layout_names[l] : layout_names[0];
}

int rcfs_layout_parse(const char *name, enum rcfs_layout *ret)
{
	for (size_t i = 0; i < sizeof(layout_names) / sizeof(*layout_names); i++) {
		if (name && strcmp(name, layout_names[i]) == 0) {
			*ret = (enum rcfs_layout)i;
			return 0;
		}
	}
	return -EINVAL;
}

static int parse_bool(const char *value, bool *ret)
{
	if (!value || !strcmp(value, "1") || !strcmp(value, "yes") ||
	    !strcmp(value, "true")) {
		*ret = true;
		return 0;
	}
	if (!strcmp(value, "0") || !strcmp(value, "no") ||
	    !strcmp(value, "false")) {
		*ret = false;
		return 0;
	}
	return -EINVAL;
}

/* Keys whose value is a path must have one; the extension may be empty. */
static int set_path(char **dst, const char *value)
{
	if (!value || !*value)
		return -EINVAL;
	return set_str(dst, value);
}

int rcfs_settings_set(struct rcfs_settings *s, const char *key,
		      const char *value)
{
	/* The published state is one key=value a line: a newline in a
	 * value would cut it, or add keys netnsctl then believes. */
	if (value && strchr(value, '\n'))
		return -EINVAL;
	if (!strcmp(key, "extension")) {
		if (!value || strchr(value, '/'))
			return -EINVAL;
		return set_str(&s->extension, value);
	}
	if (!strcmp(key, "default"))
		return set_path(&s->default_file, value);
	if (!strcmp(key, "procfs"))
		return set_path(&s->procfs, value);
	if (!strcmp(key, "netns_dir"))
		return set_path(&s->netns_dir, value);
	if (!strcmp(key, "host"))
		return set_path(&s->host_file, value);
	if (!strcmp(key, "backing"))
		return set_path(&s->backing_dir, value);
	if (!strcmp(key, "mountpoint"))
		return set_path(&s->mountpoint, value);
	if (!strcmp(key, "layout"))
		return rcfs_layout_parse(value, &s->layout);
	if (!strcmp(key, "map_host"))
		return parse_bool(value, &s->map_host);
	return -ENOENT;
}

bool rcfs_settings_known(const char *key)
{
	static const char *const keys[] = {
		"extension", "default", "procfs", "netns_dir", "host",
		"backing", "mountpoint", "layout", "map_host",
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++)
		if (!strcmp(key, keys[i]))
			return true;
	return false;
}

bool rcfs_option_is_mount_only(const char *opt)
{
	static const char *const names[] = {
		"defaults", "auto", "noauto", "nofail", "_netdev", "user",
		"users", "nouser", "owner", "group",
	};

	if (!strncmp(opt, "x-", 2) || !strncmp(opt, "comment=", 8))
		return true;
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (!strcmp(opt, names[i]))
			return true;
	return false;
}

int rcfs_settings_write(const struct rcfs_settings *s, FILE *f)
{
	const struct { const char *key, *value; } kv[] = {
		{ "backing", s->backing_dir },
		{ "mountpoint", s->mountpoint },
		{ "extension", s->extension },
		{ "default", s->default_file },
		{ "procfs", s->procfs },
		{ "netns_dir", s->netns_dir },
		{ "host", s->host_file },
		{ "layout", rcfs_layout_name(s->layout) },
		{ "map_host", s->map_host ? "yes" : "no" },
	};

	for (size_t i = 0; i < sizeof(kv) / sizeof(*kv); i++)
		if (kv[i].value && fprintf(f, "%s=%s\n", kv[i].key, kv[i].value) < 0)
			return -EIO;
	return fflush(f) == 0 ? 0 : -errno;
}

int rcfs_settings_read(struct rcfs_settings *s, FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int r = 0;

	while ((n = getline(&line, &cap, f)) > 0) {
		char *eq;

		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq = '\0';
		if (!rcfs_settings_known(line))
			continue;
		r = rcfs_settings_set(s, line, eq + 1);
		if (r < 0)
			break;
	}
	free(line);
	if (r == 0 && ferror(f))
		r = -EIO;
	return r;
}

int rcfs_state_path(const char *dev, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s", RCFS_STATE_DIR, dev);

	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}
