/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RCFS_RESOLVCHECK_H
#define RCFS_RESOLVCHECK_H

#include <stddef.h>

/*
 * resolv.conf checked the way glibc's res_init will read it: what it
 * would reject, ignore or cut off.  The library only describes; the
 * caller decides whether to print, prompt or refuse.
 */
struct rcfs_problem {
	unsigned int line;	/* 1-based; 0 for the file as a whole */
	char *msg;		/* "invalid nameserver address \"x\"" */
};

struct rcfs_problems {
	struct rcfs_problem *v;
	size_t n;
};

/*
 * Check TEXT: nameserver addresses (IPv4, IPv6 with an optional
 * %scope), at most RCFS_RESOLV_MAXNS nameservers and
 * RCFS_RESOLV_MAXDNSRCH search domains, search domain syntax, option
 * names and their values, unknown keywords.  Fills RET (empty when the
 * text is fine).  Returns the number of problems or -ENOMEM.
 */
int rcfs_resolv_check(const char *text, struct rcfs_problems *ret);
void rcfs_problems_free(struct rcfs_problems *p);

/* Whether OPT ("ndots:2", "rotate") is an option glibc knows, with a
 * valid value where it takes one. */
int rcfs_resolv_option_valid(const char *opt);

/* Whether ADDR is a nameserver address glibc accepts: IPv4, or IPv6
 * with an optional %scope (interface name or number). */
int rcfs_resolv_addr_valid(const char *addr);

#endif
