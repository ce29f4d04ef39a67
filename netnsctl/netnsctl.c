// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * netnsctl: every network namespace, its name and inode, and the
 * resolv.conf resolvconffs serves it.  iproute2's grammar: options,
 * then a command found in a table by unique prefix, then its arguments.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backing.h"
#include "netnsctl.h"
#include "nsenum.h"
#include "paths.h"

static const struct cmd cmds[] = {
	{ "list", 0, 0, cmd_list, "",
	  "every network namespace and the file it sees" },
	{ "identify", 1, 1, cmd_identify, "PID",
	  "the name of PID's namespace, or its inode" },
	{ "resolve", 1, 1, cmd_resolve, "NAME",
	  "the inode of the named namespace" },
	{ "pids", 1, 2, cmd_pids, "NS",
	  "the processes in the namespace" },
	{ "path", 1, 2, cmd_path, "NS",
	  "the backing file served to the namespace" },
	{ "show", 1, 2, cmd_show, "NS",
	  "its file, NSID, interfaces and addresses" },
	{ "edit", 1, 2, cmd_edit, "NS",
	  "edit its file: checked, saved atomically" },
	{ "set", 2, -1, cmd_set,
	  "NS [nameserver ADDR...] [search DOMAIN...] [options OPT...]",
	  "replace those lines of its file" },
	{ "rm", 1, 2, cmd_rm, "NS",
	  "remove its own file: it sees the default" },
	{ "prune", 0, 1, cmd_prune, "[--dry-run]",
	  "remove files of anonymous namespaces gone" },
	{ "status", 0, 0, cmd_status, "",
	  "mounts, settings, host DNS manager, warnings" },
	{ "resolvconf", 0, 0, cmd_resolvconf, "",
	  "openresolv's state directory for this namespace" },
	{ "nsswitch", 0, 0, cmd_nsswitch, "",
	  "the host's nsswitch.conf as namespaces need it" },
	{ "help", 0, 0, NULL, "",
	  "this text" },
};

#define N_CMDS (sizeof(cmds) / sizeof(*cmds))

static const char *const options_help =
"Options:\n"
"  -j, --json              print JSON\n"
"  -p, --pretty            indent the JSON\n"
"  -V, --version           print the version\n"
"  -h, --help              print this text\n"
"  -m, --mount PATH        the resolvconffs mount to use\n"
"  -b, --backing-dir DIR   backing directory, when no daemon runs\n"
"  -d, --default-file FILE default file, when no daemon runs\n"
"  -e, --extension EXT     file name extension, when no daemon runs\n"
"  -l, --layout flat|dir   backing file layout, when no daemon runs\n"
"  -n, --netns-dir DIR     directory of namespace names\n";

static void print_usage(FILE *f)
{
	fputs("Usage: netnsctl [OPTIONS] COMMAND [ARGS]\n\nCommands:\n", f);
	for (size_t i = 0; i < N_CMDS; i++) {
		char left[80];

		snprintf(left, sizeof(left), "%s%s%s", cmds[i].name,
			 *cmds[i].args ? " " : "", cmds[i].args);
		if (strlen(left) > 24)
			fprintf(f, "  %s\n  %-24s  %s\n", left, "",
				cmds[i].help);
		else
			fprintf(f, "  %-24s  %s\n", left, cmds[i].help);
	}
	fputs("\nNS is a name from the netns directory, an inode number, or\n"
	      "\"pid PID\".  Commands may be shortened to a unique prefix;\n"
	      "\"netnsctl COMMAND help\" describes one.\n\n", f);
	fputs(options_help, f);
}

static void print_cmd_usage(const struct cmd *cmd)
{
	printf("Usage: netnsctl %s%s%s\n%s\n", cmd->name,
	       *cmd->args ? " " : "", cmd->args, cmd->help);
}

int read_path(const char *path, char **ret, size_t *ret_len)
{
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	r = rcfs_read_fd(fd, ret, ret_len);
	close(fd);
	return r;
}

/* ---- settings: the daemon's, with the command line's over them -------- */

static int settings_copy(struct rcfs_settings *dst,
			 const struct rcfs_settings *src)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int r;

	/* the key=value form is the one complete description */
	f = open_memstream(&buf, &len);
	if (!f)
		return -errno;
	r = rcfs_settings_write(src, f);
	fclose(f);
	if (r == 0) {
		f = fmemopen(buf, len, "r");
		if (!f)
			r = -errno;
		else {
			r = rcfs_settings_read(dst, f);
			fclose(f);
		}
	}
	free(buf);
	return r;
}

int ctl_settings(struct ctl *c, bool need_backing)
{
	int r, i;

	if (c->loaded)
		goto check;
	r = rcfs_settings_init(&c->settings);
	if (r < 0)
		return rcfs_failx(1, "%s", strerror(-r));
	r = rcfs_daemons_find(NULL, NULL, &c->daemons);
	if (r < 0)
		return rcfs_failx(1, "Cannot read the mount table: %s", strerror(-r));
	i = rcfs_daemons_pick(&c->daemons, c->mount);
	if (i >= 0) {
		c->daemon = &c->daemons.v[i];
		r = settings_copy(&c->settings, &c->daemon->settings);
		if (r < 0)
			return rcfs_failx(1, "%s", strerror(-r));
	} else if (c->mount && i == -EPERM) {
		return rcfs_failx(1, "The resolvconffs mount on \"%s\" is not owned by root: not a daemon's, ignored",
			    c->mount);
	} else if (c->mount) {
		return rcfs_failx(1, "No resolvconffs mount on \"%s\"", c->mount);
	} else if (i == -ENOTUNIQ) {
		return rcfs_failx(1, "Several resolvconffs mounts and none on %s: pick one with --mount",
			    RCFS_MOUNTPOINT);
	}
	for (size_t k = 0; k < c->n_over; k++) {
		r = rcfs_settings_set(&c->settings, c->over[k].key,
				      c->over[k].value);
		if (r < 0)
			return rcfs_failx(1, "%s", strerror(-r));
	}
	c->loaded = true;
check:
	if (need_backing && !c->settings.backing_dir)
		return rcfs_failx(1, "No resolvconffs mount found: give --backing-dir");
	return 0;
}

/* What the daemon serves the host, by path: what it published, else
 * what the settings say it would. */
static const char *host_source(const struct ctl *c)
{
	if (c->daemon && c->daemon->host_source)
		return c->daemon->host_source;
	if (c->settings.host_file)
		return c->settings.host_file;
	/* the file under the mount: reading it from the host namespace
	 * shows what the host sees */
	return c->settings.mountpoint;
}

int ctl_map(struct ctl *c)
{
	struct stat st;
	char path[64];
	ino_t host = 0;
	int r;

	if (c->map)
		return 0;
	r = ctl_settings(c, true);
	if (r)
		return r;
	r = rcfs_map_open(&c->map, &c->settings);
	if (r < 0) {
		struct stat dummy;

		if (stat(c->settings.backing_dir, &dummy) < 0)
			return rcfs_failx(1, "Cannot open backing directory \"%s\": %s",
				    c->settings.backing_dir, strerror(-r));
		return rcfs_failx(1, "Cannot open \"%s\": %s", c->settings.procfs,
			    strerror(-r));
	}
	/* The host is the daemon's namespace, which need not be ours. */
	if (c->daemon && c->daemon->pid > 0) {
		if (rcfs_netns_link_path_pid(path, sizeof(path),
					     c->settings.procfs,
					     c->daemon->pid) == 0 &&
		    stat(path, &st) == 0)
			host = st.st_ino;
	}
	rcfs_map_set_host(c->map, host, host_source(c));
	return 0;
}

/* ---- NS arguments --------------------------------------------------- */

void nsref_free(struct nsref *ns)
{
	free(ns->path);
	ns->path = NULL;
}

static int nsref_by_path(struct nsref *ret, const char *path)
{
	int r = rcfs_netns_of_path(path, &ret->ino);

	if (r < 0)
		return r;
	ret->path = strdup(path);
	return ret->path ? 0 : -ENOMEM;
}

int ctl_nsref(struct ctl *c, int argc, char **argv, struct nsref *ret)
{
	char path[PATH_MAX];
	int r;

	memset(ret, 0, sizeof(*ret));
	r = ctl_settings(c, false);
	if (r)
		return r;
	if (!strcmp(argv[0], "pid")) {
		if (argc < 2)
			return usage_error("\"pid\" needs a process id");
		if (!rcfs_is_number(argv[1]))
			return usage_error("Invalid pid \"%s\"", argv[1]);
		snprintf(ret->label, sizeof(ret->label), "pid %s", argv[1]);
		r = rcfs_netns_link_path(path, sizeof(path),
					 c->settings.procfs, argv[1]);
		if (r == 0)
			r = nsref_by_path(ret, path);
		if (r == -ENOENT)
			return rcfs_failx(1, "Cannot find process %s", argv[1]);
		if (r < 0)
			return rcfs_failx(1, "Cannot open network namespace of process %s: %s",
				    argv[1], strerror(-r));
		return 0;
	}
	if (argc > 1)
		return usage_error("Too many arguments after \"%s\"", argv[0]);
	snprintf(ret->label, sizeof(ret->label), "%s", argv[0]);
	/* a name first, as ip-netns does, then an inode */
	if (!strchr(argv[0], '/') && strcmp(argv[0], ".") &&
	    strcmp(argv[0], "..")) {
		snprintf(path, sizeof(path), "%s/%s", c->settings.netns_dir,
			 argv[0]);
		r = nsref_by_path(ret, path);
		if (r == 0)
			return 0;
		if (r == -EINVAL && !rcfs_is_number(argv[0]))
			return rcfs_failx(1, "\"%s\" is not a network namespace", path);
		if (r != -ENOENT && r != -EINVAL)
			return rcfs_failx(1, "Cannot open network namespace \"%s\": %s",
				    argv[0], strerror(-r));
	}
	if (rcfs_is_number(argv[0])) {
		struct rcfs_nslist l;
		const struct rcfs_ns *ns;
		char *end;

		errno = 0;
		ret->ino = (ino_t)strtoumax(argv[0], &end, 10);
		r = errno ? -errno : rcfs_nsenum(c->settings.procfs,
						 c->settings.netns_dir, &l);
		if (r < 0)
			return rcfs_failx(1, "Cannot list network namespaces: %s",
				    strerror(-r));
		ns = rcfs_nslist_find(&l, ret->ino);
		if (ns && ns->path)
			ret->path = strdup(ns->path);
		rcfs_nslist_free(&l);
		if (ns && ret->path)
			return 0;
	}
	return rcfs_failx(1, "Cannot find network namespace \"%s\"", argv[0]);
}

int ctl_target(struct ctl *c, const struct nsref *ns, struct rcfs_target *ret)
{
	int r = ctl_map(c);

	if (r)
		return r;
	r = rcfs_map_ino(c->map, ns->ino, ret);
	if (r < 0)
		return rcfs_failx(1, "Cannot map network namespace \"%s\": %s",
			    ns->label, strerror(-r));
	return 0;
}

/* ---- main ------------------------------------------------------------- */

static const struct cmd *cmd_find(const char *name, int *ret)
{
	const struct cmd *found = NULL;
	size_t len = strlen(name), n = 0;
	char list[256] = "";

	for (size_t i = 0; i < N_CMDS; i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	for (size_t i = 0; i < N_CMDS; i++) {
		if (strncmp(cmds[i].name, name, len))
			continue;
		found = &cmds[i];
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
			 "%s%s", n++ ? ", " : "", cmds[i].name);
	}
	if (n == 1)
		return found;
	if (n > 1)
		*ret = usage_error("Ambiguous command \"%s\": %s", name, list);
	else
		*ret = usage_error("Unknown command \"%s\"", name);
	return NULL;
}

static int add_override(struct ctl *c, const char *key, const char *value)
{
	struct rcfs_settings probe;
	int r;

	/* check the value now: a bad option is a usage error */
	r = rcfs_settings_init(&probe);
	if (r == 0)
		r = rcfs_settings_set(&probe, key, value);
	rcfs_settings_free(&probe);
	if (r == -EINVAL)
		return usage_error("Invalid %s \"%s\"", key, value);
	if (r < 0)
		return rcfs_failx(1, "%s", strerror(-r));
	if (c->n_over == sizeof(c->over) / sizeof(*c->over))
		return usage_error("Too many options");
	c->over[c->n_over].key = key;
	c->over[c->n_over].value = value;
	c->n_over++;
	return 0;
}

static void ctl_free(struct ctl *c)
{
	rcfs_map_close(c->map);
	rcfs_settings_free(&c->settings);
	rcfs_daemons_free(&c->daemons);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ "mount", required_argument, NULL, 'm' },
		{ "backing-dir", required_argument, NULL, 'b' },
		{ "default-file", required_argument, NULL, 'd' },
		{ "extension", required_argument, NULL, 'e' },
		{ "layout", required_argument, NULL, 'l' },
		{ "netns-dir", required_argument, NULL, 'n' },
		{ 0 }
	};
	struct ctl c = { 0 };
	const struct cmd *cmd;
	int opt, r = 0;

	/* '+': options end at the command, as in ip(8) */
	while ((opt = getopt_long(argc, argv, "+jpVhm:b:d:e:l:n:", longopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'j':
			c.json = true;
			break;
		case 'p':
			c.pretty = true;
			break;
		case 'V':
			printf("netnsctl (%s) %s\n", PACKAGE_NAME,
			       PACKAGE_VERSION);
			return 0;
		case 'h':
			print_usage(stdout);
			return 0;
		case 'm':
			c.mount = optarg;
			break;
		case 'b':
			r = add_override(&c, "backing", optarg);
			break;
		case 'd':
			r = add_override(&c, "default", optarg);
			break;
		case 'e':
			r = add_override(&c, "extension", optarg);
			break;
		case 'l':
			r = add_override(&c, "layout", optarg);
			break;
		case 'n':
			r = add_override(&c, "netns_dir", optarg);
			break;
		default:
			fputs("Try \"netnsctl help\".\n", stderr);
			return RCFS_CTL_EXIT_USAGE;
		}
		if (r)
			return r;
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		print_usage(stderr);
		return RCFS_CTL_EXIT_USAGE;
	}
	cmd = cmd_find(argv[0], &r);
	if (!cmd)
		return r;
	argc--;
	argv++;
	if (!cmd->fn) {
		if (argc)
			return usage_error("\"help\" takes no arguments");
		print_usage(stdout);
		return 0;
	}
	if (argc >= 1 && !strcmp(argv[0], "help")) {
		print_cmd_usage(cmd);
		return 0;
	}
	if (argc < cmd->min_args)
		return usage_error("\"%s\" needs %s", cmd->name, cmd->args);
	if (cmd->max_args >= 0 && argc > cmd->max_args)
		return usage_error("Too many arguments for \"%s\"", cmd->name);
	r = cmd->fn(&c, argc, argv);
	ctl_free(&c);
	return r;
}
