// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * DNS settings besides the mount's file: resolvconf (the state
 * directory of the caller's namespace, for the resolvconf.conf that
 * namespaces are served) and nsswitch (the nsswitch.conf namespaces
 * should see).
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hostlookup.h"
#include "netnsctl.h"
#include "paths.h"
#include "identity.h"
#include "resolvstate.h"

/* The host's network namespace: the daemon's, else init's. */
static int host_ino(struct ctl *c, ino_t *ret)
{
	char path[PATH_MAX];
	int r;

	r = rcfs_netns_link_path_pid(path, sizeof(path), c->settings.procfs,
				     c->daemon && c->daemon->pid > 0 ?
				     c->daemon->pid : 1);
	return r < 0 ? r : rcfs_netns_of_path(path, ret);
}

int cmd_resolvconf(struct ctl *c, int argc, char **argv)
{
	char path[PATH_MAX], key[RCFS_KEY_MAX], dir[PATH_MAX];
	const char *resolv_conf;
	uint64_t cookie = 0;
	ino_t ino, host;
	int r;

	(void)argc;
	(void)argv;
	r = ctl_settings(c, false);
	if (r)
		return r;
	r = rcfs_netns_link_path(path, sizeof(path), c->settings.procfs,
				 "self");
	if (r == 0)
		r = rcfs_netns_of_path(path, &ino);
	if (r < 0)
		return rcfs_failx(1, "Cannot open network namespace \"%s\": %s",
			    path, strerror(-r));
	/* the host keeps openresolv's own state */
	if (host_ino(c, &host) == 0 && host == ino && !c->settings.map_host) {
		char *d = rcfs_openresolv_state_dir(NULL);

		if (!d)
			return rcfs_failx(1, "%s", strerror(ENOMEM));
		r = print_value(c, "resolvconf", "DIR", SCOLS_JSON_STRING, d);
		free(d);
		return r;
	}
	r = ctl_ns_key(c, ino, key, sizeof(key));
	if (r < 0)
		return rcfs_failx(1, "Cannot read \"%s\": %s", c->settings.netns_dir,
			    strerror(-r));
	/* kernels before 5.14 have no cookie: the directory is then
	 * kept across namespaces of the same name or inode */
	r = rcfs_netns_cookie(-1, &cookie);
	if (r < 0 && r != -ENOPROTOOPT)
		return rcfs_failx(1, "Cannot read the cookie of network namespace %s: %s",
			    key, strerror(-r));
	r = rcfs_rcstate_path(NULL, key, dir, sizeof(dir));
	if (r < 0)
		return rcfs_failx(1, "Cannot use \"%s\" as a state directory name: %s",
			    key, strerror(-r));
	resolv_conf = c->settings.mountpoint ? c->settings.mountpoint :
		      RCFS_MOUNTPOINT;
	r = rcfs_rcstate_prepare(NULL, key, cookie, resolv_conf);
	if (r < 0)
		return rcfs_failx(1, "Cannot make \"%s\": %s", dir, strerror(-r));
	return print_value(c, "resolvconf", "DIR", SCOLS_JSON_STRING, dir);
}

int cmd_nsswitch(struct ctl *c, int argc, char **argv)
{
	char *text, *out;
	size_t len;
	int r;

	(void)c;
	(void)argc;
	(void)argv;
	r = read_path(RCFS_NSSWITCH_CONF, &text, &len);
	if (r < 0)
		return rcfs_failx(1, "Cannot read \"%s\": %s", RCFS_NSSWITCH_CONF,
			    strerror(-r));
	r = rcfs_nsswitch_for_namespaces(text, &out);
	free(text);
	if (r < 0)
		return rcfs_failx(1, "%s", strerror(-r));
	fputs(out, stdout);
	free(out);
	return 0;
}
