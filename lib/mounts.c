// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The mount table, as the kernel shows it in mountinfo: how netnsctl and
 * the daemon find resolvconffs mounts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mounts.h"

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 |
					(s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

static int parse_line(char *line, struct rcfs_mount *m)
{
	char *field[6], *save = NULL, *tok, *sep;
	int i;

	/* id parent major:minor root mountpoint options [optional...] - fstype source super */
	sep = strstr(line, " - ");
	if (!sep)
		return -EINVAL;
	*sep = '\0';
	tok = strtok_r(line, " ", &save);
	for (i = 0; i < 6 && tok; i++) {
		field[i] = tok;
		tok = strtok_r(NULL, " ", &save);
	}
	if (i < 6)
		return -EINVAL;
	if (sscanf(field[0], "%d", &m->id) != 1 ||
	    sscanf(field[1], "%d", &m->parent) != 1 ||
	    sscanf(field[2], "%u:%u", &m->major, &m->minor) != 2)
		return -EINVAL;
	m->root = field[3];
	m->mountpoint = field[4];
	m->options = field[5];

	save = NULL;
	m->fstype = strtok_r(sep + 3, " ", &save);
	m->source = strtok_r(NULL, " ", &save);
	m->super_options = strtok_r(NULL, " \n", &save);
	if (!m->fstype || !m->source)
		return -EINVAL;
	if (!m->super_options)
		m->super_options = "";
	unescape((char *)m->root);
	unescape((char *)m->mountpoint);
	unescape((char *)m->source);
	return 0;
}

int rcfs_mounts_foreach(const char *mountinfo,
			int (*fn)(const struct rcfs_mount *m, void *data),
			void *data)
{
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int r = 0;

	f = fopen(mountinfo ? mountinfo : "/proc/self/mountinfo", "re");
	if (!f)
		return -errno;
	while ((n = getline(&line, &cap, f)) > 0) {
		struct rcfs_mount m;

		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		if (parse_line(line, &m) < 0)
			continue;
		r = fn(&m, data);
		if (r)
			break;
	}
	free(line);
	fclose(f);
	return r;
}

int rcfs_mount_dev(const struct rcfs_mount *m, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%u:%u", m->major, m->minor);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}
