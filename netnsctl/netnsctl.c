// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * netnsctl: every network namespace, its name and inode, and the
 * resolv.conf resolvconffs serves it.  iproute2's grammar: options,
 * then a command found in a table by unique prefix, then its arguments.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netnsctl.h"

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
