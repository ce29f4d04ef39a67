// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz the check that keeps names from the netns directory (anyone who
 * can bind-mount there, or an unprivileged container's runtime, picks
 * them) from becoming paths, and the name -> backing path rule.
 *
 * Input: one byte of flags (layout, extension choice), then the name.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "map.h"
#include "netns.h"
#include "settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The rule as the header states it, written again independently. */
static int reference_safe(const char *name)
{
	size_t len = strlen(name);

	if (!len || !strcmp(name, ".") || !strcmp(name, ".."))
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == '/' || c < 0x20 || c == 0x7f)
			return 0;
	}
	/* a write's temporary file holds ".rcfs-": such names are reserved */
	return len <= NAME_MAX - 32 && !strstr(name, ".rcfs-");
}

/* No component of REL may be empty, "." or "..", nor longer than
 * NAME_MAX; REL is relative. */
static void check_rel(const char *rel)
{
	const char *p = rel;

	if (*rel == '/')
		abort();
	for (;;) {
		size_t len = strcspn(p, "/");

		if (!len || (len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.'))
			abort();
		if (!p[len])
			break;
		p += len + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const exts[] = { "conf", "", "resolv.conf", "x" };
	struct rcfs_settings s;
	char name[1024], rel[RCFS_KEY_MAX + 256], key[RCFS_KEY_MAX];
	uint8_t flags;
	int safe, r;

	if (size < 1)
		return 0;
	flags = data[0];
	size--;
	if (size >= sizeof(name))
		size = sizeof(name) - 1;
	memcpy(name, data + 1, size);
	name[size] = '\0';

	safe = rcfs_name_is_safe(name);
	if (safe != reference_safe(name))
		abort();
	if (rcfs_settings_init(&s) < 0)
		return 0;
	if (rcfs_settings_set(&s, "extension", exts[flags & 3]) < 0 ||
	    rcfs_settings_set(&s, "layout", flags & 4 ? "dir" : "flat") < 0)
		abort();

	r = rcfs_backing_rel(&s, "resolv.conf", name, rel, sizeof(rel));
	if (!safe && r == 0)
		abort();
	if (r == 0) {
		check_rel(rel);
		if (s.layout == RCFS_LAYOUT_FLAT && strchr(rel, '/'))
			abort();
		if (s.layout == RCFS_LAYOUT_DIR &&
		    strchr(rel, '/') != strrchr(rel, '/'))
			abort();
		/* prune turns the path back into the key */
		if (rcfs_backing_key(&s, "resolv.conf", rel, key,
				     sizeof(key)) != 0 || strcmp(key, name))
			abort();
	}
	/* prune reads names it did not make: any REL must be safe to take */
	if (rcfs_backing_key(&s, "resolv.conf", name, key, sizeof(key)) == 0 &&
	    !rcfs_name_is_safe(key))
		abort();
	rcfs_settings_free(&s);
	return 0;
}
