// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * resolv.conf validation: what glibc's resolver would reject, ignore or
 * cut off, found before the file is saved rather than at the first
 * failed lookup.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resolvcheck.h"
#include "resolvconf.h"

void rcfs_problems_free(struct rcfs_problems *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i].msg);
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

__attribute__((format(printf, 3, 4)))
static int add(struct rcfs_problems *p, unsigned int line, const char *fmt,
	       ...)
{
	struct rcfs_problem *v;
	va_list ap;
	char *msg;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	v = realloc(p->v, (p->n + 1) * sizeof(*v));
	if (!v) {
		free(msg);
		return -ENOMEM;
	}
	p->v = v;
	v[p->n].line = line;
	v[p->n].msg = msg;
	p->n++;
	return 0;
}

int rcfs_resolv_addr_valid(const char *addr)
{
	char buf[INET6_ADDRSTRLEN + 1];
	const char *pct = strchr(addr, '%');
	struct in6_addr a6;
	struct in_addr a4;
	size_t len;

	if (!pct)
		return inet_pton(AF_INET, addr, &a4) == 1 ||
		       inet_pton(AF_INET6, addr, &a6) == 1;
	/* glibc takes a scope only on IPv6: an interface name or index */
	len = (size_t)(pct - addr);
	if (len >= sizeof(buf) || !pct[1] || strlen(pct + 1) >= IF_NAMESIZE)
		return 0;
	for (const char *s = pct + 1; *s; s++)
		if (*s == '/' || *s == '%' || (unsigned char)*s <= ' ')
			return 0;
	memcpy(buf, addr, len);
	buf[len] = '\0';
	return inet_pton(AF_INET6, buf, &a6) == 1;
}

/* glibc's res_init option table (resolv/res_init.c) */
static const struct {
	const char *name;
	bool value;	/* takes ":N" */
} options[] = {
	{ "ndots", true },
	{ "timeout", true },
	{ "attempts", true },
	{ "debug", false },
	{ "rotate", false },
	{ "no-check-names", false },
	{ "inet6", false },
	{ "ip6-bytestring", false },
	{ "ip6-dotint", false },
	{ "no-ip6-dotint", false },
	{ "edns0", false },
	{ "single-request", false },
	{ "single-request-reopen", false },
	{ "no-tld-query", false },
	{ "use-vc", false },
	{ "no-reload", false },
	{ "trust-ad", false },
	{ "no-aaaa", false },
};

int rcfs_resolv_option_valid(const char *opt)
{
	const char *colon = strchr(opt, ':');
	size_t len = colon ? (size_t)(colon - opt) : strlen(opt);

	for (size_t i = 0; i < sizeof(options) / sizeof(*options); i++) {
		const char *v;

		if (strlen(options[i].name) != len ||
		    strncmp(opt, options[i].name, len))
			continue;
		if (!options[i].value)
			return !colon;
		if (!colon || !colon[1])
			return 0;
		for (v = colon + 1; *v; v++)
			if (*v < '0' || *v > '9')
				return 0;
		return 1;
	}
	return 0;
}

static bool domain_valid(const char *d, size_t len)
{
	size_t label = 0;

	if (len == 0 || len > 253)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)d[i];

		if (c == '.') {
			/* only the root may end in an empty label */
			if (label == 0 && !(i == len - 1 && i > 0))
				return false;
			label = 0;
			continue;
		}
		if (++label > 63)
			return false;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
	}
	return true;
}


static bool at_end(const char *p)
{
	return !*p || *p == '\n' || *p == '#' || *p == ';';
}

/* Whether the line starts with KW followed by blank or end. */
static bool keyword(const char **p, const char *kw)
{
	size_t len = strlen(kw);

	if (strncmp(*p, kw, len) ||
	    ((*p)[len] != ' ' && (*p)[len] != '\t' && !at_end(*p + len)))
		return false;
	*p += len;
	return true;
}

struct state {
	struct rcfs_problems *p;
	unsigned int n_ns;
	unsigned int search_line, domain_line;
};

static int check_nameserver(struct state *s, unsigned int line, const char *p)
{
	char addr[128];
	size_t len;
	int r;

	p = rcfs_resolv_skip_ws(p);
	len = rcfs_resolv_word_len(p);
	if (at_end(p))
		return add(s->p, line, "nameserver without an address");
	if (len >= sizeof(addr) ||
	    (memcpy(addr, p, len), addr[len] = '\0', !rcfs_resolv_addr_valid(addr)))
		r = add(s->p, line, "invalid nameserver address \"%.*s\"",
			(int)(len > 64 ? 64 : len), p);
	else
		r = 0;
	if (r < 0)
		return r;
	if (++s->n_ns == RCFS_RESOLV_MAXNS + 1) {
		r = add(s->p, line,
			"more than %d nameservers: glibc uses only the first %d",
			RCFS_RESOLV_MAXNS, RCFS_RESOLV_MAXNS);
		if (r < 0)
			return r;
	}
	p = rcfs_resolv_skip_ws(p + len);
	if (!at_end(p))
		return add(s->p, line, "text after the nameserver address is ignored");
	return 0;
}

static int check_search(struct state *s, unsigned int line, const char *p,
			bool is_domain)
{
	unsigned int n = 0;
	int r;

	for (p = rcfs_resolv_skip_ws(p); !at_end(p); p = rcfs_resolv_skip_ws(p)) {
		size_t len = rcfs_resolv_word_len(p);

		if (!domain_valid(p, len)) {
			r = add(s->p, line, "invalid %s domain \"%.*s\"",
				is_domain ? "local" : "search",
				(int)(len > 64 ? 64 : len), p);
			if (r < 0)
				return r;
		}
		n++;
		p += len;
	}
	if (n == 0)
		return add(s->p, line, "%s without a domain",
			   is_domain ? "domain" : "search");
	if (is_domain && n > 1)
		return add(s->p, line, "domain takes one name; use search for several");
	if (n > RCFS_RESOLV_MAXDNSRCH)
		return add(s->p, line,
			   "more than %d search domains: resolvers with glibc's MAXDNSRCH limit ignore the rest",
			   RCFS_RESOLV_MAXDNSRCH);
	return 0;
}

static int check_options(struct state *s, unsigned int line, const char *p)
{
	int r;

	for (p = rcfs_resolv_skip_ws(p); !at_end(p); p = rcfs_resolv_skip_ws(p)) {
		size_t len = rcfs_resolv_word_len(p);
		char opt[64];

		if (len >= sizeof(opt) ||
		    (memcpy(opt, p, len), opt[len] = '\0',
		     !rcfs_resolv_option_valid(opt))) {
			r = add(s->p, line, "unknown option \"%.*s\"",
				(int)(len > 64 ? 64 : len), p);
			if (r < 0)
				return r;
		}
		p += len;
	}
	return 0;
}

int rcfs_resolv_check(const char *text, struct rcfs_problems *ret)
{
	struct state s = { .p = ret };
	const char *p = text;
	unsigned int line = 0;
	int r = 0;

	ret->v = NULL;
	ret->n = 0;
	while (*p && r == 0) {
		const char *l = p, *nl = strchr(p, '\n');

		line++;
		p = nl ? nl + 1 : p + strlen(p);
		if (at_end(rcfs_resolv_skip_ws(l)))
			continue;
		/* res_init matches keywords at the start of the line only */
		if (*l == ' ' || *l == '\t') {
			r = add(ret, line, "line starts with a blank: glibc ignores it");
		} else if (keyword(&l, "nameserver")) {
			r = check_nameserver(&s, line, l);
		} else if (keyword(&l, "search")) {
			s.search_line = line;
			r = check_search(&s, line, l, false);
		} else if (keyword(&l, "domain")) {
			s.domain_line = line;
			r = check_search(&s, line, l, true);
		} else if (keyword(&l, "options")) {
			r = check_options(&s, line, l);
		} else if (keyword(&l, "sortlist")) {
			continue;
		} else {
			size_t len = rcfs_resolv_word_len(rcfs_resolv_skip_ws(l));

			r = add(ret, line, "unknown keyword \"%.*s\"",
				(int)(len > 64 ? 64 : len), rcfs_resolv_skip_ws(l));
		}
	}
	if (r == 0 && s.search_line && s.domain_line)
		r = add(ret, s.search_line > s.domain_line ? s.domain_line :
			s.search_line,
			"both search and domain given: only the last one counts");
	if (r < 0) {
		rcfs_problems_free(ret);
		return r;
	}
	return (int)ret->n;
}
