// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Lookups that skip resolv.conf.
 *
 * glibc asks nscd before anything else when nscd runs: its socket is a
 * path in /var/run, which a process of any network namespace reaches,
 * and nscd resolves in the host's namespace with the host's file.
 * nsswitch.conf modules such as resolve (systemd-resolved) and mdns
 * (avahi) do the same through their daemons' sockets.  A per-namespace
 * resolv.conf changes nothing for them.
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "hostlookup.h"
#include "paths.h"

/* Modules that ask a daemon of the host: systemd-resolved, avahi,
 * systemd-machined, sssd, nslcd, winbindd, ypbind. */
static const char *const host_daemon_modules[] = {
	"resolve", "mdns", "mdns4", "mdns6", "mdns_minimal",
	"mdns4_minimal", "mdns6_minimal", "mymachines", "sss", "ldap",
	"winbind", "wins", "nis",
};

static bool is_host_daemon(const char *w, size_t len)
{
	for (size_t i = 0; i < sizeof(host_daemon_modules) /
	     sizeof(*host_daemon_modules); i++)
		if (strlen(host_daemon_modules[i]) == len &&
		    !strncmp(host_daemon_modules[i], w, len))
			return true;
	return false;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Whether LINE (up to END) is a "hosts:" line; then where its list
 * starts. */
static const char *hosts_list(const char *line, const char *end)
{
	const char *p = line;

	while (p < end && blank(*p))
		p++;
	if (end - p < 6 || strncmp(p, "hosts", 5))
		return NULL;
	p += 5;
	while (p < end && blank(*p))
		p++;
	return p < end && *p == ':' ? p + 1 : NULL;
}

/*
 * The next item of a service list from P (up to END, a comment ends
 * it): a module name or a bracketed action.  Returns its start, with
 * its length in *LEN, or NULL at the end.
 */
static const char *next_item(const char *p, const char *end, size_t *len)
{
	const char *q;

	while (p < end && blank(*p))
		p++;
	if (p == end || *p == '#')
		return NULL;
	q = p;
	if (*q == '[') {
		while (q < end && *q != ']')
			q++;
		if (q < end)
			q++;
	} else {
		while (q < end && !blank(*q) && *q != '[' && *q != '#')
			q++;
	}
	*len = (size_t)(q - p);
	return p;
}

struct buf {
	char *s;
	size_t len, cap;
	bool failed;
};

static void buf_add(struct buf *b, const char *s, size_t len)
{
	char *n;

	if (b->failed)
		return;
	if (b->len + len + 1 > b->cap) {
		size_t cap = (b->len + len + 1) * 2;

		n = realloc(b->s, cap);
		if (!n) {
			b->failed = true;
			return;
		}
		b->s = n;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = '\0';
}

static void buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

char *rcfs_nsswitch_host_daemons(const char *text)
{
	struct buf b = { 0 };

	buf_add(&b, "", 0);
	for (const char *line = text; line && *line;) {
		const char *end = line + strcspn(line, "\n");
		const char *p = hosts_list(line, end), *w;
		size_t len;

		while (p && (w = next_item(p, end, &len))) {
			if (*w != '[' && is_host_daemon(w, len)) {
				if (b.len)
					buf_str(&b, " ");
				buf_add(&b, w, len);
			}
			p = w + len;
		}
		line = *end ? end + 1 : end;
	}
	if (b.failed) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

/* The hosts: line LINE..END without the host's daemons, into B. */
static void hosts_filter(struct buf *b, const char *line, const char *end,
			 const char *list)
{
	const char *p = list, *w;
	bool dropping = false, have_dns = false;
	size_t len;

	/* "hosts:" and the blanks after it as they were */
	w = p;
	while (w < end && blank(*w))
		w++;
	buf_add(b, line, (size_t)(w - line));
	for (bool first = true; (w = next_item(p, end, &len)); p = w + len) {
		if (*w == '[') {
			/* an action belongs to the module before it */
			if (dropping)
				continue;
		} else {
			dropping = is_host_daemon(w, len);
			if (dropping)
				continue;
			have_dns |= len == 3 && !strncmp(w, "dns", 3);
		}
		if (!first)
			buf_str(b, " ");
		first = false;
		buf_add(b, w, len);
	}
	if (!have_dns)
		buf_str(b, b->len && !blank(b->s[b->len - 1]) &&
			b->s[b->len - 1] != ':' ? " dns" : "dns");
	buf_str(b, "\n");
}

int rcfs_nsswitch_for_namespaces(const char *text, char **ret)
{
	struct buf b = { 0 };

	buf_str(&b, "# nsswitch.conf for network namespaces other than the host's:\n"
		"# the host's, with hosts: asking no daemon of the host, whose\n"
		"# answers would come from the host's network namespace\n"
		"# (written by netnsctl nsswitch, served by resolvconffs).\n");
	for (const char *line = text; line && *line;) {
		const char *end = line + strcspn(line, "\n");
		const char *list = hosts_list(line, end);

		if (list)
			hosts_filter(&b, line, end, list);
		else {
			buf_add(&b, line, (size_t)(end - line));
			buf_str(&b, "\n");
		}
		line = *end ? end + 1 : end;
	}
	if (b.failed) {
		free(b.s);
		return -ENOMEM;
	}
	*ret = b.s;
	return 0;
}

/* ---- nscd -------------------------------------------------------------- */

/*
 * nscd's protocol (glibc nscd/nscd-client.h): a request header, then
 * the key with its NUL; a hosts answer starts with the version and
 * "found", which is -1 when the hosts cache is off.
 */
#define NSCD_VERSION		2
#define NSCD_GETHOSTBYNAME	4
#define NSCD_TIMEOUT_MS		2000

struct nscd_request {
	int32_t version;
	int32_t type;
	int32_t key_len;
};

struct nscd_hst_head {
	int32_t version;
	int32_t found;
};

/* Read LEN bytes within the time left.  Returns 0 or -errno. */
static int read_all(int fd, void *p, size_t len, const struct timespec *dl)
{
	char *c = p;

	while (len) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct timespec now;
		long ms;
		ssize_t n;

		clock_gettime(CLOCK_MONOTONIC, &now);
		ms = (dl->tv_sec - now.tv_sec) * 1000 +
		     (dl->tv_nsec - now.tv_nsec) / 1000000;
		if (ms <= 0)
			return -ETIMEDOUT;
		n = poll(&pfd, 1, (int)ms);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ETIMEDOUT;
		n = read(fd, c, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ECONNRESET;
		c += n;
		len -= (size_t)n;
	}
	return 0;
}

int rcfs_nscd_caches_hosts(const char *socket_path)
{
	static const char key[] = "localhost";
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct nscd_request rq = {
		.version = NSCD_VERSION, .type = NSCD_GETHOSTBYNAME,
		.key_len = sizeof(key),
	};
	struct iovec iov[2] = {
		{ &rq, sizeof(rq) }, { (void *)key, sizeof(key) },
	};
	struct nscd_hst_head head;
	struct timespec dl;
	int fd, r;

	if (!socket_path)
		socket_path = RCFS_NSCD_SOCKET;
	if (strlen(socket_path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, socket_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		close(fd);
		/* nothing listens: no nscd to bypass the file */
		return r == -ENOENT || r == -ECONNREFUSED ? 0 : r;
	}
	clock_gettime(CLOCK_MONOTONIC, &dl);
	dl.tv_sec += NSCD_TIMEOUT_MS / 1000;
	r = writev(fd, iov, 2) == (ssize_t)(sizeof(rq) + sizeof(key)) ? 0 :
	    errno ? -errno : -EIO;
	if (r == 0)
		r = read_all(fd, &head, sizeof(head), &dl);
	close(fd);
	if (r < 0)
		return r;
	if (head.version != NSCD_VERSION)
		return -EPROTO;
	return head.found != -1;
}
