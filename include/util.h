/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small answers that every binary asks for: whether a string is a
 * number, where a process's network namespace link is, a directory
 * stream beneath a descriptor.
 */
#ifndef RCFS_UTIL_H
#define RCFS_UTIL_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Whether S is one or more decimal digits and nothing else (a PID, an
 * inode number); no sign, no spaces. */
bool rcfs_is_number(const char *s);

/*
 * "PROCFS/PID/ns/net", the link to the network namespace of PID (a
 * number, "self", or "PID/task/TID"), into BUF of LEN bytes.  With
 * PROCFS NULL, "PID/ns/net", relative to an open procfs.  Returns 0, or
 * -ENAMETOOLONG (BUF then holds a cut path that opens nothing useful).
 */
int rcfs_netns_link_path(char *buf, size_t len, const char *procfs,
			 const char *pid);
/* The same for a numeric PID. */
int rcfs_netns_link_path_pid(char *buf, size_t len, const char *procfs,
			     pid_t pid);

/* A directory stream of NAME beneath DFD ("." for DFD itself), never
 * through a symlink.  Returns 0, or -errno. */
int rcfs_opendirat(int dfd, const char *name, DIR **ret);

#endif
