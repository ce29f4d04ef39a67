/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RCFS_RESOLVCONF_H
#define RCFS_RESOLVCONF_H

#include <stdbool.h>
#include <stddef.h>

/* glibc's limits (resolv.h MAXNS, MAXDNSRCH) */
#define RCFS_RESOLV_MAXNS	3
#define RCFS_RESOLV_MAXDNSRCH	6

/* What resolv.conf says, as glibc reads it. */
struct rcfs_resolv {
	char **nameservers;
	size_t n_nameservers;
	char **search;		/* "domain" counts as a one-entry search */
	size_t n_search;
	char **options;
	size_t n_options;
};

/* resolv.conf's lexical rules, as res_init applies them: blanks are
 * spaces and tabs; a word ends at a blank or the end of the line. */
const char *rcfs_resolv_skip_ws(const char *p);
size_t rcfs_resolv_word_len(const char *p);

/* Parse TEXT.  Returns 0 or -ENOMEM; unknown lines are skipped. */
int rcfs_resolv_parse(const char *text, struct rcfs_resolv *ret);
void rcfs_resolv_free(struct rcfs_resolv *r);

/* Whether every nameserver is a loopback address (127.0.0.0/8, ::1):
 * useless from another network namespace.  False without nameservers. */
bool rcfs_resolv_loopback_only(const struct rcfs_resolv *r);

/* Read FILE and tell rcfs_resolv_loopback_only().  Returns 1, 0, or
 * -errno. */
int rcfs_resolv_file_loopback_only(const char *path);

#endif
