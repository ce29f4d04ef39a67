// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The daemon's -o lists: split at commas and classify each item.  Here
 * rather than in the daemon so that a fuzzer can call it.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>

#include "options.h"
#include "util.h"

static const struct {
	const char *name;
	unsigned long set, clear;
} mount_flag_names[] = {
	{ "ro", MS_RDONLY, 0 },		{ "rw", 0, MS_RDONLY },
	{ "nosuid", MS_NOSUID, 0 },	{ "suid", 0, MS_NOSUID },
	{ "nodev", MS_NODEV, 0 },	{ "dev", 0, MS_NODEV },
	{ "noexec", MS_NOEXEC, 0 },	{ "exec", 0, MS_NOEXEC },
	{ "noatime", MS_NOATIME, 0 },	{ "atime", 0, MS_NOATIME },
	{ "relatime", MS_RELATIME, 0 },	{ "norelatime", 0, MS_RELATIME },
	{ "strictatime", MS_STRICTATIME, 0 },
	{ "sync", MS_SYNCHRONOUS, 0 },	{ "async", 0, MS_SYNCHRONOUS },
	{ "dirsync", MS_DIRSYNC, 0 },
};

int rcfs_threads_parse(const char *v, unsigned int *ret)
{
	char *end;
	long n;

	errno = 0;
	n = v ? strtol(v, &end, 10) : 0;
	if (!v || errno || *end || n < 1 || n > 1024)
		return -EINVAL;
	*ret = (unsigned int)n;
	return 0;
}

unsigned int rcfs_threads_default(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < RCFS_THREADS_MIN)
		return RCFS_THREADS_MIN;
	return n > RCFS_THREADS_MAX_DEFAULT ? RCFS_THREADS_MAX_DEFAULT :
					      (unsigned int)n;
}

static int __attribute__((format(printf, 2, 3)))
bad(char **ret_msg, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(ret_msg, fmt, ap) < 0)
		*ret_msg = NULL;
	va_end(ap);
	return -EINVAL;
}

const char *rcfs_option_next(const char **cursor, size_t *ret_len)
{
	const char *p = *cursor, *end;

	for (;; p = end + 1) {
		end = strchrnul(p, ',');
		if (end > p || !*end)
			break;
	}
	*cursor = *end ? end + 1 : end;
	*ret_len = (size_t)(end - p);
	return end > p ? p : NULL;
}

/* One item: key or key=value; OPT is modified. */
static int parse_one(struct rcfs_options *o, char *opt, char **ret_msg)
{
	char *value = strchr(opt, '=');
	int r;

	if (!*opt || rcfs_option_is_mount_only(opt))
		return 0;
	if (value)
		*value++ = '\0';
	for (size_t i = 0; i < sizeof(mount_flag_names) / sizeof(*mount_flag_names); i++) {
		if (!value && !strcmp(opt, mount_flag_names[i].name)) {
			o->mount_flags |= mount_flag_names[i].set;
			o->mount_flags &= ~mount_flag_names[i].clear;
			return 0;
		}
	}
	if (rcfs_settings_is_option(opt)) {
		char what[64];

		r = rcfs_settings_set(o->s, opt, value);
		if (r == -ENOMEM)
			return r;
		/* the daemon's message has always been cut at 64 bytes */
		snprintf(what, sizeof(what), "option \"%s\"", opt);
		if (r < 0)
			return bad(ret_msg, "invalid value for %s", what);
	} else if (!value && (!strcmp(opt, "allow_other") ||
			      !strcmp(opt, "default_permissions"))) {
		/* always on: the kernel, not us, checks permissions */
	} else if (!value && !strcmp(opt, "detach")) {
		o->detach = true;
	} else if (!value && !strcmp(opt, "foreground")) {
		o->detach = false;
	} else if (!value && !strcmp(opt, "verbose")) {
		o->verbose++;
	} else if (!value && !strcmp(opt, "debug")) {
		o->debug = true;
	} else if (!value && !strcmp(opt, "clone_fd")) {
		o->clone_fd = true;
	} else if (!value && !strcmp(opt, "no_bpf")) {
		o->no_bpf = true;
	} else if (!strcmp(opt, "threads")) {
		if (rcfs_threads_parse(value, &o->threads) < 0)
			return bad(ret_msg, "invalid number of threads: \"%s\"",
				   value ? value : "");
	} else if (value && !strcmp(opt, "fsname") && *value) {
		free(o->fsname);
		o->fsname = strdup(value);
		if (!o->fsname)
			return -ENOMEM;
	} else if (value && !strcmp(opt, "max_read") &&
		   rcfs_is_number(value) && strlen(value) < 12) {
		snprintf(o->kernel_opts, sizeof(o->kernel_opts),
			 ",max_read=%s", value);
	} else {
		if (value)
			value[-1] = '=';
		return bad(ret_msg, "unknown mount option \"%s\"", opt);
	}
	return 0;
}

/*
 * Whether LIST ends the way mount.fuse3(8) ends every list it passes:
 * it runs "TYPE SOURCE MOUNTPOINT -o LIST" through /bin/sh, waits for
 * it to exit, and appends "dev" unless LIST has "nodev", then "suid"
 * unless it has "nosuid".  Both are no-ops here (the daemon always
 * mounts nodev,nosuid), so nothing else has a reason to end a list with
 * them.  With both nodev and nosuid nothing is appended, and nothing
 * tells.  A list that says "detach" or "foreground" has chosen.
 */
static bool from_mount_fuse(const char *list)
{
	const char *last = NULL, *prev = NULL, *p, *cursor;
	size_t last_len = 0, prev_len = 0, len;
	bool nodev = false, nosuid = false;

#define IS(s, n, lit) ((n) == sizeof(lit) - 1 && !memcmp(s, lit, n))
	for (cursor = list; (p = rcfs_option_next(&cursor, &len));) {
		if (IS(p, len, "detach") || IS(p, len, "foreground"))
			return false;
		nodev |= IS(p, len, "nodev");
		nosuid |= IS(p, len, "nosuid");
		prev = last;
		prev_len = last_len;
		last = p;
		last_len = len;
	}
	if (!last)
		return false;
	if (IS(last, last_len, "suid"))
		return nodev || (prev && IS(prev, prev_len, "dev"));
	return IS(last, last_len, "dev") && nosuid;
#undef IS
}

int rcfs_options_parse(struct rcfs_options *o, const char *list,
		       char **ret_msg)
{
	const char *cursor = list, *item;
	size_t len;
	int r = 0;

	*ret_msg = NULL;
	while (r == 0 && (item = rcfs_option_next(&cursor, &len))) {
		char *opt = strndup(item, len);

		r = opt ? parse_one(o, opt, ret_msg) : -ENOMEM;
		free(opt);
	}
	/* mount.fuse3 waits for us: the mount must outlive our exit */
	if (r == 0 && from_mount_fuse(list))
		o->detach = true;
	return r;
}

void rcfs_options_free(struct rcfs_options *o)
{
	free(o->fsname);
	o->fsname = NULL;
}
