// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The settings that decide which file a caller sees, their key=value
 * names (the daemon's -o options and the published state file).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
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

enum kind {
	KIND_PATH,	/* a non-empty path */
	KIND_EXT,	/* a file name extension, may be empty */
	KIND_LAYOUT,	/* flat or dir */
	KIND_BOOL,	/* yes/no, or the key alone */
	KIND_MOUNT,	/* mount(8)'s and fstab's own, never the daemon's */
};

/* Where a key is stored (and so where it may appear). */
enum {
	IN_STATE = 1,	/* struct rcfs_settings, and the published state */
	IN_OPTION = 2,	/* settable by the daemon's -o */
};

/*
 * Every key=value name the settings know: the daemon's -o parser, its
 * --help (rcfs_settings_usage), the published state file (in this
 * order) and the mount helper's filter read these rows.  The man pages
 * describe the same rows: change them together.
 */
static const struct setting {
	const char *key;
	enum kind kind;
	size_t offset;		/* of the field in struct rcfs_settings */
	int where;
	const char *option;	/* its command-line form, for --help */
	const char *arg;	/* its value's name in -o KEY=ARG */
	const char *help;	/* '\n' ends a line early */
} settings[] = {
#define FIELD(f) offsetof(struct rcfs_settings, f)
	{ "backing", KIND_PATH, FIELD(backing_dir), IN_STATE, NULL, NULL,
	  "the backing directory (the command line's BACKING_DIR)" },
	{ "mountpoint", KIND_PATH, FIELD(mountpoint), IN_STATE, NULL, NULL,
	  "the mount point (the command line's MOUNTPOINT)" },
	{ "extension", KIND_EXT, FIELD(extension), IN_STATE | IN_OPTION,
	  "-p, --extension EXT", "EXT",
	  "extension of backing files (default \"conf\"; \"\" for none)" },
	{ "default", KIND_PATH, FIELD(default_file), IN_STATE | IN_OPTION,
	  "-d, --default-file FILE", "FILE",
	  "shown to namespaces with no file of their own (read live); "
	  "without it they get ENOENT" },
	{ "procfs", KIND_PATH, FIELD(procfs), IN_STATE | IN_OPTION,
	  "-P, --procfs DIR", "DIR",
	  "where procfs is mounted (default /proc)" },
	{ "netns_dir", KIND_PATH, FIELD(netns_dir), IN_STATE | IN_OPTION,
	  "-n, --netns-dir DIR", "DIR",
	  "named namespaces (default /run/netns)" },
	{ "layout", KIND_LAYOUT, FIELD(layout), IN_STATE | IN_OPTION,
	  "-l, --layout LAYOUT", "LAYOUT",
	  "flat: BACKING_DIR/KEY.EXT (default);\n"
	  "dir: BACKING_DIR/KEY/BASENAME (as /etc/netns)" },
	{ "host", KIND_PATH, FIELD(host_file), IN_STATE | IN_OPTION,
	  "-H, --host-file PATH", "PATH",
	  "what the host namespace sees (default: the original file, or the "
	  "symlink's target)" },
	{ "map_host", KIND_BOOL, FIELD(map_host), IN_STATE | IN_OPTION,
	  "    --map-host", NULL,
	  "map the host namespace like any other" },
#undef FIELD
	/* mount(8)'s own: the mount helper drops them, -o skips them */
	{ "defaults", KIND_MOUNT, 0, 0, NULL, NULL, "mount(8)" },
	{ "auto", KIND_MOUNT, 0, 0, NULL, NULL, "mount -a mounts it" },
	{ "noauto", KIND_MOUNT, 0, 0, NULL, NULL, "mount -a does not" },
	{ "nofail", KIND_MOUNT, 0, 0, NULL, NULL,
	  "no error when it fails at boot" },
	{ "_netdev", KIND_MOUNT, 0, 0, NULL, NULL, "needs the network" },
	{ "user", KIND_MOUNT, 0, 0, NULL, NULL, "mountable by a user" },
	{ "users", KIND_MOUNT, 0, 0, NULL, NULL, "by any user" },
	{ "nouser", KIND_MOUNT, 0, 0, NULL, NULL, "by root alone" },
	{ "owner", KIND_MOUNT, 0, 0, NULL, NULL, "by the device's owner" },
	{ "group", KIND_MOUNT, 0, 0, NULL, NULL, "by the device's group" },
};

#define N_SETTINGS (sizeof(settings) / sizeof(*settings))

static const struct setting *find(const char *key, int where)
{
	for (size_t i = 0; i < N_SETTINGS; i++)
		if ((settings[i].where & where) && !strcmp(key, settings[i].key))
			return &settings[i];
	return NULL;
}

static char **str_field(struct rcfs_settings *s, const struct setting *k)
{
	return (char **)((char *)s + k->offset);
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
	const struct setting *k = find(key, IN_STATE);

	/* The published state is one key=value a line: a newline in a
	 * value would cut it, or add keys netnsctl then believes. */
	if (value && strchr(value, '\n'))
		return -EINVAL;
	if (!k)
		return -ENOENT;
	switch (k->kind) {
	case KIND_EXT:
		if (!value || strchr(value, '/'))
			return -EINVAL;
		return set_str(str_field(s, k), value);
	case KIND_PATH:
		return set_path(str_field(s, k), value);
	case KIND_LAYOUT:
		return rcfs_layout_parse(value, &s->layout);
	case KIND_BOOL:
		return parse_bool(value, (bool *)((char *)s + k->offset));
	case KIND_MOUNT:
		break;
	}
	return -ENOENT;
}

bool rcfs_settings_known(const char *key)
{
	return find(key, IN_STATE) != NULL;
}

bool rcfs_settings_is_option(const char *key)
{
	return find(key, IN_OPTION) != NULL;
}

bool rcfs_option_is_mount_only(const char *opt)
{
	if (!strncmp(opt, "x-", 2) || !strncmp(opt, "comment=", 8))
		return true;
	for (size_t i = 0; i < N_SETTINGS; i++)
		if (settings[i].kind == KIND_MOUNT &&
		    !strcmp(opt, settings[i].key))
			return true;
	return false;
}

int rcfs_settings_write(const struct rcfs_settings *s, FILE *f)
{
	for (size_t i = 0; i < N_SETTINGS; i++) {
		const struct setting *k = &settings[i];
		const char *value;

		if (!(k->where & IN_STATE))
			continue;
		if (k->kind == KIND_LAYOUT)
			value = rcfs_layout_name(s->layout);
		else if (k->kind == KIND_BOOL)
			value = *(const bool *)((const char *)s + k->offset) ?
				"yes" : "no";
		else
			value = *(char *const *)((const char *)s + k->offset);
		if (value && fprintf(f, "%s=%s\n", k->key, value) < 0)
			return -EIO;
	}
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

/* --help's columns: the option, its text, its -o form. */
#define USAGE_TEXT_COL	27
#define USAGE_TEXT_END	72	/* leaves room for a short -o form */
#define USAGE_WIDTH	79
#define USAGE_OFORM_COL	58

/* Print TEXT from column USAGE_TEXT_COL, wrapped; returns the length of
 * its last line. */
static size_t usage_text(FILE *out, const char *text)
{
	size_t col = 0;

	while (*text) {
		size_t word = strcspn(text, " \n");

		if (col && col + 1 + word > USAGE_TEXT_END - USAGE_TEXT_COL) {
			fprintf(out, "\n%*s", USAGE_TEXT_COL, "");
			col = 0;
		} else if (col) {
			fputc(' ', out);
			col++;
		}
		fwrite(text, 1, word, out);
		col += word;
		text += word;
		if (*text == '\n' && text[1]) {
			fprintf(out, "\n%*s", USAGE_TEXT_COL, "");
			col = 0;
		}
		if (*text)
			text++;
	}
	return col;
}

void rcfs_settings_usage(FILE *out)
{
	for (size_t i = 0; i < N_SETTINGS; i++) {
		const struct setting *k = &settings[i];
		char oform[64];
		size_t col;
		int n;

		if (!(k->where & IN_OPTION) || !k->option)
			continue;
		fprintf(out, "  %-*s", USAGE_TEXT_COL - 2, k->option);
		col = USAGE_TEXT_COL + usage_text(out, k->help);
		n = snprintf(oform, sizeof(oform), "-o %s%s%s", k->key,
			     k->arg ? "=" : "", k->arg ? k->arg : "");
		if (col + 1 > USAGE_OFORM_COL ||
		    USAGE_OFORM_COL + (size_t)n > USAGE_WIDTH) {
			fputc('\n', out);
			col = 0;
		}
		fprintf(out, "%*s%s\n", (int)(USAGE_OFORM_COL - col), "", oform);
	}
}
