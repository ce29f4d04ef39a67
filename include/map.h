/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RCFS_MAP_H
#define RCFS_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "names.h"
#include "netns.h"
#include "settings.h"

/*
 * The mapping rule, written once: namespace -> key -> the file it sees.
 * A map is opened once and shared by threads; its insides are lib/'s
 * (map-int.h), and users read what they need through the calls below.
 */
struct rcfs_map;

enum rcfs_target_kind {
	RCFS_TARGET_HOST,	/* the host's own file */
	RCFS_TARGET_KEY,	/* BACKING_DIR/<rel>, maybe the default */
};

struct rcfs_target {
	enum rcfs_target_kind kind;
	ino_t ino;			/* the namespace */
	bool named;			/* key is a name, not the inode */
	char key[RCFS_KEY_MAX];
	char rel[RCFS_KEY_MAX + 256];	/* path under the backing dir */
};

/* Open the directories the map needs; S must outlive it.  The host is
 * the network namespace of the calling thread.  Returns 0 or -errno. */
int rcfs_map_open(struct rcfs_map **ret, const struct rcfs_settings *s);
/* Close and free it; accepts NULL. */
void rcfs_map_close(struct rcfs_map *m);

/* O_PATH descriptors of the procfs and of the backing directory (-1
 * when the settings name none; kept valid across reopens). */
int rcfs_map_procfd(const struct rcfs_map *m);
int rcfs_map_backing_fd(const struct rcfs_map *m);
/* The inode -> name map it keys with. */
struct rcfs_names *rcfs_map_names(const struct rcfs_map *m);
/* The host's namespace and its source (rcfs_map_set_host()). */
ino_t rcfs_map_host_ino(const struct rcfs_map *m);
const char *rcfs_map_host_source(const struct rcfs_map *m);
/* The mount point's base name, the file's name in the dir layout. */
const char *rcfs_map_basename(const struct rcfs_map *m);

/*
 * Who the host is and what it sees: namespace INO (0: keep the one the
 * map was opened in) and the file SOURCE by path (NULL: the file under
 * the mount; kept, not copied).  Unused with the map_host setting.
 */
void rcfs_map_set_host(struct rcfs_map *m, ino_t ino, const char *source);

/*
 * Open the backing directory again by its path when the one held is no
 * longer there: removed (its link count is 0) or, with BY_PATH, another
 * directory at its path (renamed in over it).  One renamed away with
 * nothing in its place yet is kept.  Keeps the descriptor's number:
 * threads using it see the old or the new one.  Returns 1 when the one
 * held had been removed, 2 when it had been renamed away, 0 when nothing
 * was to do, or -errno.
 */
int rcfs_map_reopen_backing(struct rcfs_map *m, bool by_path);
/* Twice the times it was reopened, odd while a reopen is under way: a
 * lookup that failed while or before another thread reopened it must be
 * tried again, and its result not kept. */
unsigned int rcfs_map_backing_gen(struct rcfs_map *m);

/* Map namespace INO to its target.  Returns 0 or -errno. */
int rcfs_map_ino(struct rcfs_map *m, ino_t ino, struct rcfs_target *ret);

/* The relative path of KEY's file under the backing directory (KEY.EXT
 * or KEY/BASENAME).  Returns 0, -EINVAL for an unsafe key,
 * -ENAMETOOLONG. */
int rcfs_backing_rel(const struct rcfs_settings *s, const char *basename,
		     const char *key, char *buf, size_t len);

/*
 * The target of an anonymous namespace whose file the backing
 * directory's entry NAME holds (an inode key; digits that name a
 * namespace in the netns directory are a name).  Returns 1 and *RET
 * (not named, its inode, key and REL), 0 when NAME is no such file, or
 * -errno.
 */
int rcfs_map_entry(const struct rcfs_map *m, const char *name,
		   struct rcfs_target *ret);

/* Parse a key back: KEY from a relative path, for prune.  Returns 0 or
 * -EINVAL when REL is not a backing file name of this layout. */
int rcfs_backing_key(const struct rcfs_settings *s, const char *basename,
		     const char *rel, char *buf, size_t len);

/*
 * What namespace T sees, the mapping rule's last steps: its own file
 * (BACKING_DIR/REL; an inode key's only when recorded for the asker's
 * namespace, identity.h), else the default, else nothing; or, for the
 * host, the host's source.
 */
enum rcfs_sees {
	RCFS_SEES_OWN,		/* its own file */
	RCFS_SEES_DEFAULT,	/* the default file, by path */
	RCFS_SEES_HOST,		/* the host's source, by path */
	RCFS_SEES_NONE,		/* nothing: ENOENT to a reader */
};

/* What to do beyond deciding. */
#define RCFS_SEE_OPEN	0x1	/* open it: an O_RDONLY descriptor */
#define RCFS_SEE_CLAIM	0x2	/* an inode key's file with no record
				 * becomes the asker's (the daemon) */

/* Who asks: the namespace cookie of T's namespace, asked for only when
 * an inode key's file must be judged (it may cost system calls). */
struct rcfs_asker {
	int (*cookie)(void *data, uint64_t *ret);	/* 0 or -errno */
	void *data;
};

struct rcfs_sight {
	enum rcfs_sees kind;
	bool stale;		/* its inode key's file there was written for
				 * an earlier namespace: not its own */
	/* DEFAULT and HOST: the file; NULL for the host's file under the
	 * mount, which only the daemon holds (nothing was looked at) */
	const char *path;
	int fd;			/* with RCFS_SEE_OPEN, else -1 */
	struct stat st;		/* always a regular file */
	/* the namespace cookie this answer holds for alone; 0: for every
	 * namespace with T's inode */
	uint64_t cookie;
	/* rcfs_map_reopen_backing()'s answer when the backing directory
	 * was found removed and opened again meanwhile, else 0 */
	int reopened;
};

/*
 * What T sees, with its stat (and with RCFS_SEE_OPEN a descriptor).
 * Returns 0 (kind NONE included) or -errno, with *RET's kind telling
 * what failed: -ENOENT when the default or the host's source is
 * missing, -EINVAL when what it would see is not a regular file (the
 * kernel marks the mount's one inode bad when its type changes).  A
 * named namespace's stat costs one fstatat(), as before any rule.
 */
int rcfs_map_see(struct rcfs_map *m, const struct rcfs_target *t, int flags,
		 const struct rcfs_asker *who, struct rcfs_sight *ret);
/* Close what rcfs_map_see() opened; accepts a closed one. */
void rcfs_sight_close(struct rcfs_sight *s);

/* T's own file as a path, "BACKING_DIR/REL" (also when it does not
 * exist).  Returns 0 or -ENAMETOOLONG. */
int rcfs_map_path(const struct rcfs_map *m, const struct rcfs_target *t,
		  char *buf, size_t len);

#endif
