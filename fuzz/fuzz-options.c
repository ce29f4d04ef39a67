// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz the daemon's -o list parser (fstab's options column, the mount
 * helper's -o) and the settings it fills, then the state file the daemon
 * publishes from them: netnsctl must read back exactly what the daemon
 * uses, or it would show another file than the one served.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static void check_roundtrip(const struct rcfs_settings *s)
{
	struct rcfs_settings back;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return;
	if (rcfs_settings_write(s, f) < 0 || fclose(f) != 0) {
		free(buf);
		return;
	}
	f = fmemopen(buf, len, "r");
	if (!f || rcfs_settings_init(&back) < 0) {
		if (f)
			fclose(f);
		free(buf);
		return;
	}
	if (rcfs_settings_read(&back, f) == 0 &&
	    (!same(s->extension, back.extension) ||
	     !same(s->default_file, back.default_file) ||
	     !same(s->procfs, back.procfs) ||
	     !same(s->netns_dir, back.netns_dir) ||
	     !same(s->host_file, back.host_file) ||
	     s->layout != back.layout || s->map_host != back.map_host))
		abort();
	fclose(f);
	rcfs_settings_free(&back);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rcfs_settings s;
	struct rcfs_options o = { .s = &s, .threads = 16 };
	char *list, *msg;
	int r;

	list = malloc(size + 1);
	if (!list)
		return 0;
	memcpy(list, data, size);
	list[size] = '\0';
	if (rcfs_settings_init(&s) < 0) {
		free(list);
		return 0;
	}
	r = rcfs_options_parse(&o, list, &msg);
	if (r != 0 && r != -EINVAL && r != -ENOMEM)
		abort();
	if (r == -EINVAL && !msg)
		abort();
	if (r == 0 && msg)
		abort();
	if (o.threads < 1 || o.threads > 1024)
		abort();
	if (o.kernel_opts[0] && strncmp(o.kernel_opts, ",max_read=", 10))
		abort();
	if (o.kernel_opts[0] && strchr(o.kernel_opts + 1, ','))
		abort();
	if (!s.extension || strchr(s.extension, '/'))
		abort();
	if (s.layout != RCFS_LAYOUT_FLAT && s.layout != RCFS_LAYOUT_DIR)
		abort();
	if (o.fsname && !*o.fsname)
		abort();
	if (r == 0)
		check_roundtrip(&s);
	free(msg);
	rcfs_options_free(&o);
	rcfs_settings_free(&s);
	free(list);
	return 0;
}
