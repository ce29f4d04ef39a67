// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rtnetlink through libmnl: NSIDs, and links and addresses inside
 * another network namespace.
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "nl.h"

/* libmnl's MNL_SOCKET_DUMP_SIZE (1.0.5): a dump message may be this big */
#define NL_DUMP_SIZE	32768

static struct mnl_socket *nl_open(void)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);

	if (!nl)
		return NULL;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = errno;

		mnl_socket_close(nl);
		errno = e;
		return NULL;
	}
	return nl;
}

/*
 * Send NLH and feed every reply to CB until the kernel's ACK or DONE.
 * Returns 0 or -errno (an NLMSG_ERROR's error included).
 */
static int nl_talk(struct mnl_socket *nl, struct nlmsghdr *nlh,
		   mnl_cb_t cb, void *data)
{
	char buf[NL_DUMP_SIZE];
	unsigned int portid = mnl_socket_get_portid(nl);
	unsigned int seq = nlh->nlmsg_seq;
	ssize_t n;
	int r;

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		r = mnl_cb_run(buf, (size_t)n, seq, portid, cb, data);
	} while (r > MNL_CB_STOP);
	return r < 0 ? -errno : 0;
}

static struct nlmsghdr *nl_request(char *buf, int type, int flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = (unsigned short)type;
	nlh->nlmsg_flags = (unsigned short)(NLM_F_REQUEST | flags);
	nlh->nlmsg_seq = (unsigned int)time(NULL);
	return nlh;
}

/* ---- NSID ------------------------------------------------------------ */

static int nsid_attr(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == NETNSA_NSID &&
	    mnl_attr_validate(a, MNL_TYPE_U32) == 0)
		*(int *)data = (int)mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

static int nsid_cb(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type != RTM_NEWNSID)
		return MNL_CB_OK;
	return mnl_attr_parse(nlh, sizeof(struct rtgenmsg), nsid_attr, data);
}

int rcfs_nl_nsid(int nsfd, int *ret_nsid)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl = NULL;
	struct nlmsghdr *nlh;
	struct rtgenmsg *g;
	int nsid = NETNSA_NSID_NOT_ASSIGNED, r;

	nl = nl_open();
	if (!nl)
		return -errno;
	nlh = nl_request(buf, RTM_GETNSID, NLM_F_ACK);
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->rtgen_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, NETNSA_FD, (uint32_t)nsfd);
	r = nl_talk(nl, nlh, nsid_cb, &nsid);
	mnl_socket_close(nl);
	if (r < 0)
		return r;
	*ret_nsid = nsid < 0 ? -1 : nsid;
	return 0;
}

/* ---- a socket inside another namespace -------------------------------- */

struct enter {
	int nsfd;
	struct mnl_socket *nl;
	int err;
};

static void *enter_thread(void *data)
{
	struct enter *e = data;

	/* Only this thread moves; a socket keeps the namespace it was
	 * created in, so the caller can use it from its own. */
	if (setns(e->nsfd, CLONE_NEWNET) < 0) {
		e->err = errno;
		return NULL;
	}
	e->nl = nl_open();
	if (!e->nl)
		e->err = errno;
	return NULL;
}

static int nl_open_in(int nsfd, struct mnl_socket **ret)
{
	struct enter e = { .nsfd = nsfd };
	pthread_t t;
	int r;

	r = pthread_create(&t, NULL, enter_thread, &e);
	if (r)
		return -r;
	pthread_join(t, NULL);
	if (!e.nl)
		return -e.err;
	*ret = e.nl;
	return 0;
}

/* ---- links and addresses ---------------------------------------------- */

struct link_ctx {
	struct rcfs_nl_links *l;
	int err;
};

static struct rcfs_nl_link *link_find(struct rcfs_nl_links *l,
				      unsigned int index)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].index == index)
			return &l->v[i];
	return NULL;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_ctx *c = data;
	struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct rcfs_nl_link *v, *k;
	struct nlattr *a;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	v = realloc(c->l->v, (c->l->n + 1) * sizeof(*v));
	if (!v) {
		c->err = ENOMEM;
		return MNL_CB_ERROR;
	}
	c->l->v = v;
	k = &v[c->l->n++];
	memset(k, 0, sizeof(*k));
	k->index = (unsigned int)ifi->ifi_index;
	k->flags = ifi->ifi_flags;
	mnl_attr_for_each(a, nlh, sizeof(*ifi)) {
		switch (mnl_attr_get_type(a)) {
		case IFLA_IFNAME:
			if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				strncpy(k->name, mnl_attr_get_str(a),
					sizeof(k->name) - 1);
			break;
		case IFLA_OPERSTATE:
			if (mnl_attr_validate(a, MNL_TYPE_U8) == 0)
				k->operstate = mnl_attr_get_u8(a);
			break;
		}
	}
	return MNL_CB_OK;
}

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_ctx *c = data;
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const void *local = NULL, *address = NULL;
	struct rcfs_nl_link *k;
	struct rcfs_nl_addr *v, *ad;
	struct nlattr *a;
	size_t alen = ifa->ifa_family == AF_INET ? 4 : 16;

	if (nlh->nlmsg_type != RTM_NEWADDR ||
	    (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6))
		return MNL_CB_OK;
	k = link_find(c->l, ifa->ifa_index);
	if (!k)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*ifa)) {
		if (mnl_attr_get_payload_len(a) < alen)
			continue;
		if (mnl_attr_get_type(a) == IFA_LOCAL)
			local = mnl_attr_get_payload(a);
		else if (mnl_attr_get_type(a) == IFA_ADDRESS)
			address = mnl_attr_get_payload(a);
	}
	/* IFA_ADDRESS is the peer on point-to-point links; IFA_LOCAL is
	 * ours when present */
	if (local)
		address = local;
	if (!address)
		return MNL_CB_OK;
	v = realloc(k->addrs, (k->n_addrs + 1) * sizeof(*v));
	if (!v) {
		c->err = ENOMEM;
		return MNL_CB_ERROR;
	}
	k->addrs = v;
	ad = &v[k->n_addrs++];
	ad->family = ifa->ifa_family;
	ad->prefixlen = ifa->ifa_prefixlen;
	ad->scope = ifa->ifa_scope;
	inet_ntop(ifa->ifa_family, address, ad->addr, sizeof(ad->addr));
	return MNL_CB_OK;
}

static int dump(struct mnl_socket *nl, int type, size_t hdrlen,
		mnl_cb_t cb, struct link_ctx *c)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct rtgenmsg *g;
	int r;

	nlh = nl_request(buf, type, NLM_F_DUMP);
	g = mnl_nlmsg_put_extra_header(nlh, hdrlen);
	g->rtgen_family = AF_UNSPEC;
	r = nl_talk(nl, nlh, cb, c);
	if (r < 0 && c->err)
		r = -c->err;
	return r;
}

void rcfs_nl_links_free(struct rcfs_nl_links *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].addrs);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int rcfs_nl_links(int nsfd, struct rcfs_nl_links *ret)
{
	struct link_ctx c = { .l = ret };
	struct mnl_socket *nl = NULL;
	int r;

	ret->v = NULL;
	ret->n = 0;
	r = nl_open_in(nsfd, &nl);
	if (r < 0)
		return r;
	r = dump(nl, RTM_GETLINK, sizeof(struct ifinfomsg), link_cb, &c);
	if (r == 0)
		r = dump(nl, RTM_GETADDR, sizeof(struct ifaddrmsg), addr_cb, &c);
	mnl_socket_close(nl);
	if (r < 0)
		rcfs_nl_links_free(ret);
	return r;
}

const char *rcfs_nl_operstate_name(unsigned char state)
{
	/* IF_OPER_* (RFC 2863 order); <linux/if.h> clashes with <net/if.h> */
	static const char *const names[] = {
		"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING",
		"DORMANT", "UP",
	};
	if (state < sizeof(names) / sizeof(*names))
		return names[state];
	return "UNKNOWN";
}
