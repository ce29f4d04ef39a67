// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * status: the resolvconffs mounts, what they serve, the host's DNS
 * manager, and what would break.
 */
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netnsctl.h"
#include "paths.h"
#include "resolvconf.h"
#include "hostlookup.h"
#include "resolvstate.h"

/* Managers that own /etc/resolv.conf and replace their file by
 * rename(2): the directory each writes in, and its file there. */
static const struct manager {
	const char *name;
	const char *dir;
	const char *file;
} managers[] = {
	{ "systemd-resolved", "/run/systemd/resolve/", "stub-resolv.conf" },
	{ "resolvconf", "/run/resolvconf/", "resolv.conf" },
	{ "resolvconf", "/etc/resolvconf/run/", "resolv.conf" },
	{ "NetworkManager", "/run/NetworkManager/", "resolv.conf" },
};

#define N_MANAGERS (sizeof(managers) / sizeof(*managers))

/* The host source says it best (the mount point was the manager's
 * symlink); otherwise a manager's file in /run says one runs. */
static const char *detect_manager(const char *host_source)
{
	char path[256];
	struct stat st;

	for (size_t i = 0; host_source && i < N_MANAGERS; i++)
		if (!strncmp(host_source, managers[i].dir,
			     strlen(managers[i].dir)))
			return managers[i].name;
	for (size_t i = 0; i < N_MANAGERS; i++) {
		snprintf(path, sizeof(path), "%s%s", managers[i].dir,
			 managers[i].file);
		if (stat(path, &st) == 0)
			return managers[i].name;
	}
	return NULL;
}

/*
 * Whether NetworkManager is set to rewrite /etc/resolv.conf in place
 * (rc-manager=file): it writes /run/NetworkManager/resolv.conf whatever
 * the mode, so that file alone does not mean a rename.  The last
 * setting read wins, in NetworkManager's order: the main file, then
 * the conf.d directories (file names in byte order; close enough to its
 * own merge of the three directories for this one key).
 */
static bool nm_writes_in_place(void)
{
	static const char *const files[] = {
		"/usr/lib/NetworkManager/conf.d/*.conf",
		"/run/NetworkManager/conf.d/*.conf",
		"/etc/NetworkManager/NetworkManager.conf",
		"/etc/NetworkManager/conf.d/*.conf",
	};
	bool in_place = false;
	glob_t g;

	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++) {
		if (glob(files[i], 0, NULL, &g) != 0)
			continue;
		for (size_t j = 0; j < g.gl_pathc; j++) {
			FILE *f = fopen(g.gl_pathv[j], "re");
			char line[256], v[64];

			while (f && fgets(line, sizeof(line), f))
				if (sscanf(line, " rc-manager = %63[^ \t\n#]", v) == 1)
					in_place = !strcmp(v, "file");
			if (f)
				fclose(f);
		}
		globfree(&g);
	}
	return in_place;
}

enum { T_MOUNTPOINT, T_BACKING, T_LAYOUT, T_EXTENSION, T_DEFAULT,
       T_HOST_SOURCE, T_HOST_KIND, T_CALLERS, T_PID, T_SERVER, T_RESTARTS,
       T_REASON, T_VERSION, T_BINARY, T_MANAGER, T_WARNINGS };

static const struct col status_cols[] = {
	[T_MOUNTPOINT] = { "MOUNTPOINT", 0, 0, SCOLS_JSON_STRING },
	[T_BACKING] = { "BACKING", 0, 0, SCOLS_JSON_STRING },
	[T_LAYOUT] = { "LAYOUT", 0, 0, SCOLS_JSON_STRING },
	[T_EXTENSION] = { "EXTENSION", 0, 0, SCOLS_JSON_STRING },
	[T_DEFAULT] = { "DEFAULT", 0, 0, SCOLS_JSON_STRING },
	[T_HOST_SOURCE] = { "HOST-SOURCE", 0, 0, SCOLS_JSON_STRING },
	[T_HOST_KIND] = { "HOST-KIND", 0, 0, SCOLS_JSON_STRING },
	[T_CALLERS] = { "CALLERS", 0, 0, SCOLS_JSON_STRING },
	[T_PID] = { "PID", 0, 0, SCOLS_JSON_NUMBER },
	[T_SERVER] = { "SERVER", 0, 0, SCOLS_JSON_NUMBER },
	[T_RESTARTS] = { "RESTARTS", 0, 0, SCOLS_JSON_NUMBER },
	[T_REASON] = { "REASON", 0, 0, SCOLS_JSON_STRING },
	[T_VERSION] = { "VERSION", 0, 0, SCOLS_JSON_STRING },
	[T_BINARY] = { "BINARY", 0, 0, SCOLS_JSON_STRING },
	[T_MANAGER] = { "MANAGER", 0, 0, SCOLS_JSON_STRING },
	[T_WARNINGS] = { "WARNINGS", 0, 0, SCOLS_JSON_ARRAY_STRING },
};

struct warnings {
	char *v[8];
	size_t n;
};

__attribute__((format(printf, 2, 3)))
static void warn_add(struct warnings *w, const char *fmt, ...)
{
	va_list ap;

	if (w->n == sizeof(w->v) / sizeof(*w->v))
		return;
	va_start(ap, fmt);
	if (vasprintf(&w->v[w->n], fmt, ap) >= 0)
		w->n++;
	va_end(ap);
}

static void check(const struct rcfs_daemon_info *d, const char *manager,
		  struct warnings *w)
{
	const struct rcfs_settings *s = &d->settings;
	struct stat st;
	int r;

	if (!d->has_state)
		warn_add(w, "no published settings in %s/%s: defaults assumed",
			 RCFS_STATE_DIR, d->dev);
	if (d->pid > 0 && kill(d->pid, 0) < 0 && errno == ESRCH)
		warn_add(w, "the daemon (pid %d) is gone: the mount is stale",
			 (int)d->pid);
	if (s->backing_dir && stat(s->backing_dir, &st) < 0)
		warn_add(w, "backing directory %s: %s", s->backing_dir,
			 strerror(errno));
	if (s->default_file) {
		r = rcfs_resolv_file_loopback_only(s->default_file);
		if (r < 0)
			warn_add(w, "default file %s: %s", s->default_file,
				 strerror(-r));
		else if (r > 0)
			warn_add(w, "default file %s lists only loopback nameservers: unreachable from other namespaces",
				 s->default_file);
	}
	if (manager &&
	    rcfs_host_kind_parse(d->host_kind) == RCFS_HOST_ORIGINAL &&
	    !(!strcmp(manager, "NetworkManager") && nm_writes_in_place()))
		warn_add(w, "%s is a regular file mount point, but %s replaces it by rename(2), which fails with EBUSY: make it a symlink to the manager's file and mount over the symlink (or use NetworkManager's rc-manager=file)",
			 d->mountpoint, manager);
}

static void check_namespace_dns(const struct rcfs_daemon_info *d,
				struct warnings *w);

/*
 * Who serves: the serving process, its restarts and why the last one
 * was, and the binary it runs as the kernel says (" (deleted)" when a
 * newer one was installed since: SIGUSR2 to PID runs it).
 */
static int server_cells(struct libscols_line *ln,
			const struct rcfs_daemon_info *d)
{
	char exe[PATH_MAX + 16], link[64];
	ssize_t n = -1;
	int r = 0;

	if (!d->has_state)
		return 0;
	if (d->server > 0) {
		snprintf(link, sizeof(link), "/proc/%d/exe", (int)d->server);
		n = readlink(link, exe, sizeof(exe) - 1);
	}
	if (n >= 0)
		exe[n] = '\0';
	if (d->server > 0)
		r = table_set(ln, T_SERVER, "%d", (int)d->server);
	if (r == 0)
		r = table_set(ln, T_RESTARTS, "%u", d->restarts);
	if (r == 0 && d->restart_reason)
		r = table_set(ln, T_REASON, "%s", d->restart_reason);
	if (r == 0 && d->version)
		r = table_set(ln, T_VERSION, "%s", d->version);
	if (r == 0 && (n >= 0 || d->binary))
		r = table_set(ln, T_BINARY, "%s", n >= 0 ? exe : d->binary);
	return r;
}

static int status_row(const struct ctl *c, struct libscols_table *tb,
		      const struct rcfs_daemon_info *d)
{
	const struct rcfs_settings *s = &d->settings;
	struct libscols_line *ln = scols_table_new_line(tb, NULL);
	const char *manager = detect_manager(d->host_source);
	struct warnings w = { 0 };
	int r;

	if (!ln)
		return -ENOMEM;
	r = table_set(ln, T_MOUNTPOINT, "%s", d->mountpoint);
	if (r == 0)
		r = table_set(ln, T_BACKING, "%s", s->backing_dir ?
			      s->backing_dir : d->source);
	if (r == 0)
		r = table_set(ln, T_LAYOUT, "%s", rcfs_layout_name(s->layout));
	if (r == 0)
		r = table_set(ln, T_EXTENSION, "%s", s->extension ?
			      s->extension : "");
	if (r == 0 && s->default_file)
		r = table_set(ln, T_DEFAULT, "%s", s->default_file);
	if (r == 0 && d->host_source)
		r = table_set(ln, T_HOST_SOURCE, "%s", d->host_source);
	if (r == 0)
		r = table_set(ln, T_HOST_KIND, "%s", d->host_kind ?
			      d->host_kind : (s->map_host ? "mapped" : ""));
	if (r == 0 && d->callers)
		r = table_set(ln, T_CALLERS, "%s", d->callers);
	if (r == 0 && d->pid > 0)
		r = table_set(ln, T_PID, "%d", (int)d->pid);
	if (r == 0)
		r = server_cells(ln, d);
	if (r == 0 && manager)
		r = table_set(ln, T_MANAGER, "%s", manager);
	check(d, manager, &w);
	check_namespace_dns(d, &w);
	if (r == 0) {
		/* one warning a line, in text too */
		struct ctl lines = *c;

		lines.json = true;
		r = table_set_list(&lines, ln, T_WARNINGS, w.v, w.n);
	}
	for (size_t i = 0; i < w.n; i++)
		free(w.v[i]);
	return r;
}

int cmd_status(struct ctl *c, int argc, char **argv)
{
	struct libscols_table *tb;
	int r;

	(void)argc;
	(void)argv;
	r = rcfs_daemons_find(NULL, NULL, &c->daemons);
	if (r < 0)
		return rcfs_failx(1, "Cannot read the mount table: %s", strerror(-r));
	if (c->mount && rcfs_daemons_pick(&c->daemons, c->mount) < 0)
		return rcfs_failx(1, "No resolvconffs mount on \"%s\"", c->mount);
	if (c->daemons.n == 0 && !c->json) {
		const char *m = detect_manager(NULL);

		printf("No resolvconffs mounts.\n");
		if (m)
			printf("Host DNS manager: %s\n", m);
		return 0;
	}
	tb = table_new(c, "mounts", status_cols,
		       sizeof(status_cols) / sizeof(*status_cols));
	if (!tb)
		return rcfs_failx(1, "%s", strerror(ENOMEM));
	for (size_t i = 0; i < c->daemons.n && r == 0; i++) {
		/* --mount narrows it to one */
		if (c->mount &&
		    rcfs_daemons_pick(&c->daemons, c->mount) != (int)i)
			continue;
		r = status_row(c, tb, &c->daemons.v[i]);
	}
	if (r < 0) {
		scols_unref_table(tb);
		return rcfs_failx(1, "%s", strerror(-r));
	}
	return table_print_record(c, tb);
}

/* ---- DNS inside namespaces: what shares or skips the mount's file ---- */

/* The resolvconffs mount on PATH, or NULL. */
static const struct rcfs_daemon_info *mount_on(const struct rcfs_daemons *ds,
					       const char *path)
{
	for (size_t i = 0; i < ds->n; i++)
		if (!strcmp(ds->v[i].mountpoint, path))
			return &ds->v[i];
	return NULL;
}

/* What a mount serves namespaces without a file of their own: its
 * default's text, or NULL. */
static char *default_text(const struct rcfs_daemon_info *d)
{
	char *text;
	size_t len;

	if (!d->settings.default_file ||
	    read_path(d->settings.default_file, &text, &len) < 0)
		return NULL;
	return text;
}

/*
 * openresolv keeps every interface in one directory that all namespaces
 * share, unless namespaces are served a resolvconf.conf that moves it;
 * Debian's resolvconf and systemd's cannot be moved at all.
 */
static void check_resolvconf(const struct rcfs_daemons *ds,
			     struct warnings *w)
{
	enum rcfs_resolvconf_kind k = rcfs_resolvconf_detect(NULL);
	const struct rcfs_daemon_info *m;
	struct stat st;
	char *text;

	if (k == RCFS_RESOLVCONF_DEBIAN)
		warn_add(w, "%s is Debian's resolvconf: it keeps one state for the whole host in %s and writes the host's %s/resolv.conf from whichever namespace runs it, so a VPN or DHCP client inside a namespace sets the host's DNS; replace it with openresolv (apt install openresolv) and serve namespaces their own %s (docs/vpn.md)",
			 RCFS_RESOLVCONF_BIN, RCFS_OPENRESOLV_STATE_DIR,
			 RCFS_OPENRESOLV_STATE_DIR, RCFS_RESOLVCONF_CONF);
	if (k == RCFS_RESOLVCONF_SYSTEMD ||
	    (stat(RCFS_RESOLVED_SOCKET, &st) == 0 && S_ISSOCK(st.st_mode)))
		warn_add(w, "systemd-resolved: resolvectl, and a resolvconf that links to it, set DNS in the host's resolved from any namespace, on the host's interface with the same index; inside namespaces set DNS with netnsctl set or a plain write to %s, or install openresolv (docs/managers.md)",
			 RCFS_MOUNTPOINT);
	if (k != RCFS_RESOLVCONF_OPENRESOLV)
		return;
	m = mount_on(ds, RCFS_RESOLVCONF_CONF);
	if (!m) {
		char *dir = rcfs_openresolv_state_dir(NULL);

		warn_add(w, "openresolv keeps the interfaces of every network namespace in one state directory, %s: a resolvconf run inside a namespace (wg-quick, openvpn's update-resolv-conf, DHCP hooks) reaches the host's %s and every other namespace's at their next update; serve namespaces their own %s: mount -t resolvconffs -o layout=dir,default=%s/resolvconf.conf /etc/netns %s (docs/vpn.md)",
			 dir ? dir : RCFS_OPENRESOLV_STATE_DIR, RCFS_MOUNTPOINT,
			 RCFS_RESOLVCONF_CONF, RCFS_PKGDATADIR,
			 RCFS_RESOLVCONF_CONF);
		free(dir);
		return;
	}
	text = default_text(m);
	if (!text || !rcfs_openresolv_sets_state_dir(text))
		warn_add(w, "the %s that namespaces see by default (%s) does not move openresolv's state_dir: they share the host's; use %s/resolvconf.conf (docs/vpn.md)",
			 RCFS_RESOLVCONF_CONF, m->settings.default_file ?
			 m->settings.default_file : "none", RCFS_PKGDATADIR);
	free(text);
}

/* glibc asks nscd before it reads resolv.conf, from any namespace. */
static void check_nscd(struct warnings *w)
{
	int r = rcfs_nscd_caches_hosts(NULL);

	if (r > 0)
		warn_add(w, "nscd caches host lookups (%s): glibc in every namespace asks it first, and it answers from the host's namespace with the host's DNS; set \"enable-cache hosts no\" in /etc/nscd.conf and restart nscd (docs/vpn.md)",
			 RCFS_NSCD_SOCKET);
	else if (r < 0)
		warn_add(w, "nscd at %s did not answer: %s", RCFS_NSCD_SOCKET,
			 strerror(-r));
}

/* nsswitch.conf modules that ask a daemon of the host, unless
 * namespaces are served an nsswitch.conf without them. */
static void check_nsswitch(const struct rcfs_daemons *ds,
			   struct warnings *w)
{
	const struct rcfs_daemon_info *m;
	char *text, *mods, *nsmods;
	size_t len;

	if (read_path(RCFS_NSSWITCH_CONF, &text, &len) < 0)
		return;
	mods = rcfs_nsswitch_host_daemons(text);
	free(text);
	if (!mods || !*mods) {
		free(mods);
		return;
	}
	m = mount_on(ds, RCFS_NSSWITCH_CONF);
	text = m ? default_text(m) : NULL;
	nsmods = text ? rcfs_nsswitch_host_daemons(text) : NULL;
	if (!m)
		warn_add(w, "%s's hosts: line uses %s, which asks a daemon of the host: lookups in every namespace get the host's answers; serve namespaces their own: netnsctl nsswitch > /etc/resolvconffs/nsswitch.conf, then mount -t resolvconffs -o layout=dir,default=/etc/resolvconffs/nsswitch.conf /etc/netns %s (docs/vpn.md)",
			 RCFS_NSSWITCH_CONF, mods, RCFS_NSSWITCH_CONF);
	else if (!nsmods || *nsmods)
		warn_add(w, "the %s that namespaces see by default (%s) %s%s: write it with netnsctl nsswitch (docs/vpn.md)",
			 RCFS_NSSWITCH_CONF, m->settings.default_file ?
			 m->settings.default_file : "none",
			 nsmods ? "still uses " : "cannot be read",
			 nsmods ? nsmods : "");
	free(text);
	free(nsmods);
	free(mods);
}

/*
 * Host-wide: said once, on the mount over /etc/resolv.conf, the file
 * these would bypass or share.
 */
static void check_namespace_dns(const struct rcfs_daemon_info *d,
				struct warnings *w)
{
	struct rcfs_daemons ds = { 0 };

	if (strcmp(d->mountpoint, RCFS_MOUNTPOINT))
		return;
	if (rcfs_daemons_find(NULL, NULL, &ds) < 0)
		return;
	check_resolvconf(&ds, w);
	check_nscd(w);
	check_nsswitch(&ds, w);
	rcfs_daemons_free(&ds);
}
