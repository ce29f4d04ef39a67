// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * resolv.conf as glibc's res_init reads it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backing.h"
#include "resolvconf.h"

static int push(char ***v, size_t *n, const char *s, size_t len)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[*n] = strndup(s, len);
	if (!nv[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

const char *rcfs_resolv_skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

size_t rcfs_resolv_word_len(const char *p)
{
	size_t n = 0;

	while (p[n] && p[n] != ' ' && p[n] != '\t' && p[n] != '\n')
		n++;
	return n;
}

void rcfs_resolv_free(struct rcfs_resolv *r)
{
	if (!r)
		return;
	free_list(r->nameservers, r->n_nameservers);
	free_list(r->search, r->n_search);
	free_list(r->options, r->n_options);
	memset(r, 0, sizeof(*r));
}


/* Words after a keyword, up to the end of the line (or a comment). */
static int push_words(const char *p, char ***v, size_t *n, size_t max)
{
	int r;

	for (p = rcfs_resolv_skip_ws(p); *p && *p != '\n' && *p != '#' && *p != ';';
	     p = rcfs_resolv_skip_ws(p)) {
		size_t len = rcfs_resolv_word_len(p);

		if (!max || *n < max) {
			r = push(v, n, p, len);
			if (r < 0)
				return r;
		}
		p += len;
	}
	return 0;
}

static bool keyword(const char **p, const char *kw)
{
	size_t len = strlen(kw);

	if (strncmp(*p, kw, len) || ((*p)[len] != ' ' && (*p)[len] != '\t'))
		return false;
	*p += len;
	return true;
}

int rcfs_resolv_parse(const char *text, struct rcfs_resolv *ret)
{
	const char *p = text;
	int r = 0;

	memset(ret, 0, sizeof(*ret));
	while (*p && r == 0) {
		const char *line = p;
		const char *nl = strchr(p, '\n');

		p = nl ? nl + 1 : p + strlen(p);
		if (keyword(&line, "nameserver")) {
			line = rcfs_resolv_skip_ws(line);
			r = push(&ret->nameservers, &ret->n_nameservers, line,
				 rcfs_resolv_word_len(line));
		} else if (keyword(&line, "search")) {
			free_list(ret->search, ret->n_search);
			ret->search = NULL;
			ret->n_search = 0;
			r = push_words(line, &ret->search, &ret->n_search, 0);
		} else if (keyword(&line, "domain")) {
			free_list(ret->search, ret->n_search);
			ret->search = NULL;
			ret->n_search = 0;
			r = push_words(line, &ret->search, &ret->n_search, 1);
		} else if (keyword(&line, "options")) {
			r = push_words(line, &ret->options, &ret->n_options, 0);
		}
	}
	if (r < 0)
		rcfs_resolv_free(ret);
	return r;
}

static bool is_loopback(const char *addr)
{
	struct in_addr a4;
	struct in6_addr a6;
	char buf[INET6_ADDRSTRLEN + 1];
	const char *pct = strchr(addr, '%');

	if (pct && (size_t)(pct - addr) < sizeof(buf)) {
		memcpy(buf, addr, (size_t)(pct - addr));
		buf[pct - addr] = '\0';
		addr = buf;
	}
	if (inet_pton(AF_INET, addr, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, addr, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6) ||
		       (IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127);
	return false;
}

bool rcfs_resolv_loopback_only(const struct rcfs_resolv *r)
{
	if (!r->n_nameservers)
		return false;
	for (size_t i = 0; i < r->n_nameservers; i++)
		if (!is_loopback(r->nameservers[i]))
			return false;
	return true;
}

int rcfs_resolv_file_loopback_only(const char *path)
{
	struct rcfs_resolv rv;
	char *text;
	size_t len;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	r = rcfs_read_fd(fd, &text, &len);
	close(fd);
	if (r < 0)
		return r;
	r = rcfs_resolv_parse(text, &rv);
	free(text);
	if (r < 0)
		return r;
	r = rcfs_resolv_loopback_only(&rv);
	rcfs_resolv_free(&rv);
	return r;
}
