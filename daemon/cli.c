// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The daemon's command line: --help, the options and their -o forms.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG "resolvconffs"
#include "c.h"
#include "daemon.h"
#include "options.h"
#include "start.h"

#define usage_error(...) rcfs_usage_exit(RCFS_EXIT_USAGE, __VA_ARGS__)

/* The settings' lines are the rows of the table in lib/settings.c; the
 * options that are not settings are written here. */
static void usage(FILE *out)
{
	fputs(
"Usage: resolvconffs [OPTIONS] BACKING_DIR MOUNTPOINT\n"
"\n"
"Mount a file system over MOUNTPOINT (a regular file or a symlink, such as\n"
"/etc/resolv.conf) that shows every caller the file of its own network\n"
"namespace: BACKING_DIR/NAME.conf for namespaces named in /run/netns,\n"
"BACKING_DIR/INODE.conf for the others.  The host sees its original file.\n"
"\n"
"Options:\n", out);
	rcfs_settings_usage(out);
	fputs(
"  -o, --fuse-opt OPTS      comma-separated options: the ones above, and\n"
"                           ro, nosuid, nodev, noexec, noatime, max_read=N,\n"
"                           fsname=NAME, debug, clone_fd (repeatable)\n"
"  -D, --detach             run in the background once mounted; log to\n"
"                           syslog                          -o detach\n"
"  -f, --foreground         stay in the foreground (default)\n"
"  -t, --threads N          N worker threads (default: one per CPU, 2 to 16)\n"
"                                                          -o threads=N\n"
"      --no-bpf             read every caller's /proc/TID/ns/net instead of\n"
"                           the BPF tap's table            -o no_bpf\n"
"  -v, --verbose            log every request's mapping (and why the BPF\n"
"                           tap could not be loaded)       -o verbose\n"
"  -V, --version            print the version and exit\n"
"  -h, --help               print this help and exit\n"
"\n"
"Signals: SIGTERM and SIGINT unmount and exit; SIGHUP re-reads the\n"
"namespace names and checks the default file again; SIGUSR2 runs the\n"
"binary installed at the daemon's path again, keeping the mount.\n"
"Exit status: 0 success, 1 failure, 2 bad usage.\n", out);
}


static unsigned int parse_threads(const char *v)
{
	unsigned int n;

	if (rcfs_threads_parse(v, &n) < 0)
		usage_error("invalid number of threads: \"%s\"", v ? v : "");
	return n;
}

static void set_setting(struct rcfs_options *o, const char *key, const char *value,
			const char *what)
{
	int r = rcfs_settings_set(o->s, key, value);

	if (r == -ENOMEM) {
		rcfs_warnx("out of memory");
		exit(EXIT_FAILURE);
	}
	if (r < 0)
		usage_error("invalid value for %s", what);
}

static void parse_fuse_opts(struct rcfs_options *o, const char *list)
{
	char *msg;
	int r = rcfs_options_parse(o, list, &msg);

	if (r == -ENOMEM || (r < 0 && !msg)) {
		rcfs_warnx("out of memory");
		exit(EXIT_FAILURE);
	}
	if (r < 0)
		usage_error("%s", msg);	/* exits: msg goes with the process */
}

enum { OPT_MAP_HOST = 256, OPT_NO_BPF };

static const struct option longopts[] = {
	{ "extension",		required_argument, NULL, 'p' },
	{ "default-file",	required_argument, NULL, 'd' },
	{ "procfs",		required_argument, NULL, 'P' },
	{ "netns-dir",		required_argument, NULL, 'n' },
	{ "layout",		required_argument, NULL, 'l' },
	{ "host-file",		required_argument, NULL, 'H' },
	{ "map-host",		no_argument,	   NULL, OPT_MAP_HOST },
	{ "fuse-opt",		required_argument, NULL, 'o' },
	{ "detach",		no_argument,	   NULL, 'D' },
	{ "foreground",		no_argument,	   NULL, 'f' },
	{ "threads",		required_argument, NULL, 't' },
	{ "no-bpf",		no_argument,	   NULL, OPT_NO_BPF },
	{ "verbose",		no_argument,	   NULL, 'v' },
	{ "version",		no_argument,	   NULL, 'V' },
	{ "help",		no_argument,	   NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

void rcfs_parse_args(struct rcfs_options *o, int argc, char **argv)
{
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:d:P:n:l:H:o:Dft:vVh", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'p':
			set_setting(o, "extension", optarg, "--extension");
			break;
		case 'd':
			set_setting(o, "default", optarg, "--default-file");
			break;
		case 'P':
			set_setting(o, "procfs", optarg, "--procfs");
			break;
		case 'n':
			set_setting(o, "netns_dir", optarg, "--netns-dir");
			break;
		case 'l':
			set_setting(o, "layout", optarg,
				    "--layout (flat or dir)");
			break;
		case 'H':
			set_setting(o, "host", optarg, "--host-file");
			break;
		case OPT_MAP_HOST:
			o->s->map_host = true;
			break;
		case 'o':
			parse_fuse_opts(o, optarg);
			break;
		case 'D':
			o->detach = true;
			break;
		case 'f':
			o->detach = false;
			break;
		case 't':
			o->threads = parse_threads(optarg);
			break;
		case OPT_NO_BPF:
			o->no_bpf = true;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'V':
			printf("resolvconffs %s\n", PACKAGE_VERSION);
			exit(EXIT_SUCCESS);
		case 'h':
			usage(stdout);
			exit(EXIT_SUCCESS);
		/* our messages, not getopt's: it would name argv[0] */
		case ':':
			if (strncmp(argv[optind - 1], "--", 2))
				usage_error("option \"-%c\" needs an argument",
					    optopt);
			usage_error("option \"%s\" needs an argument",
				    argv[optind - 1]);
		default:
			if (optopt)
				usage_error("unknown option \"-%c\"", optopt);
			usage_error("unknown option \"%.*s\"",
				    (int)strcspn(argv[optind - 1], "="),
				    argv[optind - 1]);
		}
	}
	if (argc - optind != 2)
		usage_error("%s", argc - optind < 2 ?
			    "expected BACKING_DIR and MOUNTPOINT" :
			    "too many arguments");
	if (!*argv[optind] || !*argv[optind + 1])
		usage_error("%s", "empty BACKING_DIR or MOUNTPOINT");
}
