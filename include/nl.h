/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RCFS_NL_H
#define RCFS_NL_H

#include <arpa/inet.h>
#include <net/if.h>
#include <stddef.h>

/*
 * rtnetlink through libmnl: what netnsctl shows about a namespace.
 */

/*
 * The NSID the caller's namespace has assigned to the namespace behind
 * NSFD (RTM_GETNSID): *RET_NSID is -1 when none is assigned.  Returns 0
 * or -errno.
 */
int rcfs_nl_nsid(int nsfd, int *ret_nsid);

struct rcfs_nl_addr {
	int family;			/* AF_INET, AF_INET6 */
	unsigned char prefixlen;
	unsigned char scope;		/* RT_SCOPE_* */
	char addr[INET6_ADDRSTRLEN];
};

struct rcfs_nl_link {
	unsigned int index;
	char name[IF_NAMESIZE];
	unsigned int flags;		/* IFF_* */
	unsigned char operstate;	/* IF_OPER_*, RFC 2863 */
	struct rcfs_nl_addr *addrs;
	size_t n_addrs;
};

struct rcfs_nl_links {
	struct rcfs_nl_link *v;		/* by index */
	size_t n;
};

/*
 * The interfaces and addresses inside the namespace behind NSFD.  The
 * caller's own namespace is not changed: a helper thread enters NSFD's
 * namespace just to open the netlink socket, which stays bound to it.
 * Returns 0 or -errno.
 */
int rcfs_nl_links(int nsfd, struct rcfs_nl_links *ret);
void rcfs_nl_links_free(struct rcfs_nl_links *l);

/* "UP", "DOWN", "UNKNOWN", … as ip-link(8) shows IF_OPER_*. */
const char *rcfs_nl_operstate_name(unsigned char state);

#endif
