// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * resolvconffs: one file, a different content for every network
 * namespace.  Command line, checks, mount, publication of the settings.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define PROG "resolvconffs"
#include "c.h"
#include "daemon.h"
#include "mounts.h"
#include "options.h"
#include "paths.h"
#include "attrcache.h"
#include "backing.h"
#include "ofcache.h"
#include "notify.h"
#include "nstap.h"
#include "tids.h"
#include "watch.h"

/* Exit statuses, as documented in resolvconffs(8). */
#define EXIT_USAGE	2

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
"Options:\n"
"  -p, --extension EXT      extension of backing files (default \"conf\";\n"
"                           \"\" for none)                   -o extension=EXT\n"
"  -d, --default-file FILE  shown to namespaces with no file of their own\n"
"                           (read live); without it they get ENOENT\n"
"                                                          -o default=FILE\n"
"  -P, --procfs DIR         where procfs is mounted (default /proc)\n"
"                                                          -o procfs=DIR\n"
"  -n, --netns-dir DIR      named namespaces (default /run/netns)\n"
"                                                          -o netns_dir=DIR\n"
"  -l, --layout LAYOUT      flat: BACKING_DIR/KEY.EXT (default);\n"
"                           dir:  BACKING_DIR/KEY/BASENAME (as /etc/netns)\n"
"                                                          -o layout=LAYOUT\n"
"  -H, --host-file PATH     what the host namespace sees (default: the\n"
"                           original file, or the symlink's target)\n"
"                                                          -o host=PATH\n"
"      --map-host           map the host namespace like any other\n"
"                                                          -o map_host\n"
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
"namespace names and checks the default file again.\n"
"Exit status: 0 success, 1 failure, 2 bad usage.\n", out);
}

#define usage_error(...) usage_error_status(EXIT_USAGE, __VA_ARGS__)

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
		warnx_("out of memory");
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
		warnx_("out of memory");
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

static void parse_args(struct rcfs_options *o, int argc, char **argv)
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

/* The absolute path of PATH without following its last component. */
static char *abspath_nofollow(const char *path)
{
	char dir[PATH_MAX], real[PATH_MAX], *out;
	const char *slash = strrchr(path, '/'), *base;
	size_t len;

	if (slash) {
		len = (size_t)(slash - path);
		if (len >= sizeof(dir))
			return NULL;
		memcpy(dir, path, len);
		dir[len] = '\0';
		base = slash + 1;
		if (!len)
			strcpy(dir, "/");
	} else {
		strcpy(dir, ".");
		base = path;
	}
	if (!*base || !strcmp(base, ".") || !strcmp(base, "..")) {
		errno = EINVAL;
		return NULL;
	}
	if (!realpath(dir, real))
		return NULL;
	if (asprintf(&out, "%s/%s", strcmp(real, "/") ? real : "", base) < 0)
		return NULL;
	return out;
}

/*
 * Where a symlink points, as an absolute path (opened at each open).
 * LINK's directory is canonical, so the leading "." and ".." of a
 * relative target (Ubuntu's "../run/systemd/resolve/stub-resolv.conf")
 * can be resolved by hand, giving the path that readers and netnsctl's
 * manager detection expect; the rest is kept as written, since it may
 * hold symlinks.  The target itself may not exist yet: its manager may
 * not have started.
 */
static char *link_target(const char *link)
{
	char target[PATH_MAX], dir[PATH_MAX], *t = target, *out, *slash;
	ssize_t n = readlink(link, target, sizeof(target) - 1);

	if (n < 0)
		return NULL;
	target[n] = '\0';
	if (target[0] == '/') {
		dir[0] = '\0';
	} else {
		slash = strrchr(link, '/');
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - link), link);
	}
	for (;;) {
		while (*t == '/')
			t++;
		if (t[0] == '.' && (t[1] == '/' || !t[1])) {
			t++;
		} else if (t[0] == '.' && t[1] == '.' &&
			   (t[2] == '/' || !t[2])) {
			t += 2;
			slash = strrchr(dir, '/');
			if (slash)
				*slash = '\0';
		} else {
			break;
		}
	}
	if (asprintf(&out, "%s/%s", dir, t) < 0)
		return NULL;
	return out;
}

/*
 * Whether PATH is the file that LINK, a symlink, leads to.  mount(8)
 * resolves symlinks in the mount point before it runs a helper, so
 * `mount -t resolvconffs DIR /etc/resolv.conf` (or a line in fstab)
 * arrives here as the DNS manager's own file in /run: mounted on, the
 * manager's next rename(2) onto it would fail with EBUSY.
 */
static bool behind_symlink(const char *path, const char *link)
{
	struct stat l, a, b;

	if (!strcmp(path, link) || lstat(link, &l) < 0 || !S_ISLNK(l.st_mode))
		return false;
	if (stat(link, &a) < 0 || stat(path, &b) < 0)
		return false;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/*
 * PATH relative to the working directory, made absolute: the default,
 * the host file and the netns directory are opened again at requests,
 * after a detach has changed to "/", and netnsctl reads them from the
 * published state.  Symlinks are kept: they are read live.
 */
static int make_absolute(char **path)
{
	char cwd[PATH_MAX], *abs;

	if (!*path || **path == '/')
		return 0;
	if (!getcwd(cwd, sizeof(cwd)))
		return -errno;
	if (asprintf(&abs, "%s/%s", strcmp(cwd, "/") ? cwd : "", *path) < 0)
		return -ENOMEM;
	free(*path);
	*path = abs;
	return 0;
}

static int fail(const char *what, const char *path, int err)
{
	warnx_("%s \"%s\": %s", what, path, strerror(err));
	return -1;
}

/* Everything that can be checked before mounting. */
static int check_setup(struct rcfs_daemon *d, const char *backing,
		       const char *mountpoint, int *ret_fuse_fd)
{
	struct rcfs_settings *s = &d->settings;
	struct stat st;
	int fd, r;

	r = make_absolute(&s->default_file);
	if (!r)
		r = make_absolute(&s->host_file);
	if (!r)
		r = make_absolute(&s->netns_dir);
	if (!r)
		r = make_absolute(&s->procfs);
	if (r < 0) {
		warnx_("cannot get the working directory: %s", strerror(-r));
		return -1;
	}

	if (stat(backing, &st) < 0)
		return fail("cannot access backing directory", backing, errno);
	if (!S_ISDIR(st.st_mode))
		return fail("backing directory", backing, ENOTDIR);
	s->backing_dir = realpath(backing, NULL);
	if (!s->backing_dir)
		return fail("cannot resolve backing directory", backing, errno);

	if (lstat(mountpoint, &st) < 0)
		return fail("cannot access mount point", mountpoint, errno);
	if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
		warnx_("mount point \"%s\" is not a regular file or a symlink",
		       mountpoint);
		return -1;
	}
	s->mountpoint = abspath_nofollow(mountpoint);
	if (!s->mountpoint)
		return fail("cannot resolve mount point", mountpoint, errno);
	if (S_ISREG(st.st_mode) && behind_symlink(s->mountpoint, RCFS_MOUNTPOINT)) {
		warnx_("\"%s\" is the file the symlink %s leads to: "
		       "mounting over the symlink", s->mountpoint,
		       RCFS_MOUNTPOINT);
		free(s->mountpoint);
		s->mountpoint = strdup(RCFS_MOUNTPOINT);
		if (!s->mountpoint || lstat(s->mountpoint, &st) < 0 ||
		    !S_ISLNK(st.st_mode))
			return fail("cannot access mount point", RCFS_MOUNTPOINT,
				    s->mountpoint ? errno : ENOMEM);
	}

	if (s->default_file) {
		fd = open(s->default_file, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0)
			return fail("cannot read default file", s->default_file,
				    errno);
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
			close(fd);
			warnx_("default file \"%s\" is not a regular file",
			       s->default_file);
			return -1;
		}
		close(fd);
	}

	d->host_fd = -1;
	if (s->map_host) {
		d->host_kind = RCFS_HOST_MAPPED;
	} else if (s->host_file) {
		d->host_kind = RCFS_HOST_FILE;
		d->host_path = strdup(s->host_file);
		fd = open(s->host_file, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0)
			return fail("cannot read host file", s->host_file, errno);
		close(fd);
	} else if (S_ISLNK(st.st_mode) ||
		   (lstat(s->mountpoint, &st) == 0 && S_ISLNK(st.st_mode))) {
		d->host_kind = RCFS_HOST_SYMLINK;
		d->host_path = link_target(s->mountpoint);
		if (!d->host_path)
			return fail("cannot read symlink", s->mountpoint, errno);
	} else {
		d->host_kind = RCFS_HOST_ORIGINAL;
		/* Opened before mounting: afterwards the path shows us. */
		d->host_fd = open(s->mountpoint,
				  O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
		if (d->host_fd < 0 && (errno == EACCES || errno == EROFS))
			d->host_fd = open(s->mountpoint, O_RDONLY | O_NOFOLLOW |
					  O_CLOEXEC | O_NONBLOCK);
		if (d->host_fd < 0)
			return fail("cannot open mount point", s->mountpoint,
				    errno);
	}
	if (d->host_kind != RCFS_HOST_ORIGINAL && d->host_kind != RCFS_HOST_MAPPED &&
	    !d->host_path) {
		warnx_("out of memory");
		return -1;
	}

	fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return fail("cannot open", "/dev/fuse", errno);
	*ret_fuse_fd = fd;
	return 0;
}

static int do_mount(struct rcfs_daemon *d, const struct rcfs_options *o,
		    int fuse_fd)
{
	char target[64], data[512];
	int mp;

	/*
	 * Mount on the mount point itself, even when it is a symlink: a
	 * DNS manager keeps replacing its own file by rename, which a mount
	 * on that file would make fail with EBUSY.  mount(2) follows
	 * symlinks in a path, but not the magic link of an O_PATH
	 * descriptor; libfuse cannot mount that way, so we mount and hand
	 * it the descriptor.
	 */
	mp = open(d->settings.mountpoint, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (mp < 0)
		return fail("cannot open mount point", d->settings.mountpoint,
			    errno);
	snprintf(target, sizeof(target), "/proc/self/fd/%d", mp);
	snprintf(data, sizeof(data),
		 "fd=%d,rootmode=100000,user_id=0,group_id=0,"
		 "allow_other,default_permissions%s", fuse_fd, o->kernel_opts);
	if (mount(o->fsname ? o->fsname : d->settings.backing_dir, target,
		  RCFS_FSTYPE, o->mount_flags | MS_NOSUID | MS_NODEV, data) < 0) {
		int e = errno;

		close(mp);
		return fail("cannot mount on", d->settings.mountpoint, e);
	}
	close(mp);
	return 0;
}

struct find_ctx {
	const char *mountpoint;
	char dev[32];
	bool found;
};

static int find_mount(const struct rcfs_mount *m, void *data)
{
	struct find_ctx *c = data;

	if (!strcmp(m->fstype, RCFS_FSTYPE) &&
	    !strcmp(m->mountpoint, c->mountpoint)) {
		rcfs_mount_dev(m, c->dev, sizeof(c->dev));
		c->found = true;	/* the last one is on top */
	}
	return 0;
}

/* The device of the topmost resolvconffs mount on our mount point. */
static bool our_mount_dev(const struct rcfs_daemon *d, char *dev, size_t len)
{
	struct find_ctx c = { .mountpoint = d->settings.mountpoint };

	if (rcfs_mounts_foreach(NULL, find_mount, &c) < 0 || !c.found)
		return false;
	snprintf(dev, len, "%s", c.dev);
	return true;
}

static char state_file[PATH_MAX];

/* Publish the settings for netnsctl: RCFS_STATE_DIR/MAJOR:MINOR. */
static void publish_state(struct rcfs_daemon *d, const char *dev)
{
	char tmp[PATH_MAX + 32];
	FILE *f;
	int fd;

	if (mkdir(RCFS_STATE_DIR, 0755) < 0 && errno != EEXIST)
		goto fail;
	if (rcfs_state_path(dev, state_file, sizeof(state_file)) < 0)
		goto fail;
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", state_file, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		goto fail;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		goto fail_tmp;
	}
	fprintf(f, "pid=%d\ndev=%s\nhost_kind=%s\ncallers=%s\n",
		(int)getpid(), dev, rcfs_host_kind_name(d->host_kind),
		d->tap ? "bpf" : "proc");
	if (d->host_path)
		fprintf(f, "host_source=%s\n", d->host_path);
	else if (d->host_kind == RCFS_HOST_ORIGINAL)
		fprintf(f, "host_source=%s\n", d->settings.mountpoint);
	if (rcfs_settings_write(&d->settings, f) < 0 || fclose(f) != 0)
		goto fail_tmp;
	if (rename(tmp, state_file) == 0)
		return;
fail_tmp:
	unlink(tmp);
fail:
	log_msg(LOG_WARNING, "cannot publish settings in %s: %s",
		RCFS_STATE_DIR, strerror(errno));
	state_file[0] = '\0';
}

static void libbpf_says(const char *msg)
{
	log_msg(LOG_DEBUG, "libbpf: %s", msg);
}

/*
 * The BPF caller tap, attached to our mount DEV once the watch runs:
 * without it, every request reads the caller's /proc link, as on kernels
 * without the tracepoint.  R is how loading it went.  Returns 0 or
 * -errno, for tap_say().
 */
static int tap_attach(struct rcfs_daemon *d, int r, const char *dev)
{
	unsigned int major, minor;
	struct stat pidns;

	if (r < 0)
		return r;
	if (sscanf(dev, "%u:%u", &major, &minor) != 2)
		r = -ENODEV;
	else if (fstatat(d->map.procfd, "self/ns/pid", &pidns, 0) < 0)
		r = -errno;
	else
		r = rcfs_nstap_attach(d->tap, major, minor,
				      rcfs_watch_fd(d->watch), &pidns);
	if (r < 0) {
		rcfs_nstap_close(d->tap);
		d->tap = NULL;
	}
	return r;
}

static void tap_say(int r)
{
	const char *why;

	switch (r) {
	case 0:
		log_msg(LOG_INFO, "callers' namespaces from the BPF tap");
		return;
	case -EOPNOTSUPP:
		why = "built without BPF";
		break;
	case -ESRCH:
		why = "the kernel has no fuse_request_send tracepoint, or no BTF";
		break;
	case -EXDEV:
		why = "not in the first pid namespace";
		break;
	default:
		why = strerror(-r);
	}
	log_msg(LOG_INFO, "callers' namespaces from /proc: no BPF tap (%s)",
		why);
}

static struct rcfs_daemon *the_daemon;

static void on_sighup(int sig)
{
	(void)sig;
	if (the_daemon)
		the_daemon->reload = 1;
}

static void on_watch_change(void *data)
{
	struct rcfs_daemon *d = data;

	rcfs_names_invalidate(d->map.names);
	/* before the generation moves on: what is kept from now on was
	 * found in the directory now at the path */
	rcfs_reopen_backing(d, true);
	/* no longer current: let them close with their last reader */
	rcfs_ofcache_flush(d->files);
	/* at the latest every RCFS_WATCH_REFRESH_MS */
	rcfs_tids_sweep(d->tids);
}

static int watch_add_all(struct rcfs_daemon *d)
{
	const struct rcfs_settings *s = &d->settings;
	char fdpath[PATH_MAX];
	int r;

	r = rcfs_watch_dir(d->watch, s->netns_dir, false);
	if (r == 0 && s->backing_dir)
		r = rcfs_watch_dir(d->watch, s->backing_dir,
				   s->layout == RCFS_LAYOUT_DIR);
	if (r == 0 && s->default_file)
		r = rcfs_watch_file(d->watch, s->default_file);
	if (r < 0)
		return r;
	switch (d->host_kind) {
	case RCFS_HOST_ORIGINAL:
		/* hidden under the mount: watched through our descriptor */
		snprintf(fdpath, sizeof(fdpath), "%s/self/fd/%d", s->procfs,
			 d->host_fd);
		return rcfs_watch_inode(d->watch, fdpath);
	case RCFS_HOST_SYMLINK:
	case RCFS_HOST_FILE:
		return rcfs_watch_file(d->watch, d->host_path);
	case RCFS_HOST_MAPPED:
		break;
	}
	return 0;
}

/*
 * Watch everything that stat() answers depend on, so that they can be
 * kept until one changes.  Without the watch every request looks
 * everything up, which is just as correct and slower.
 */
static int watch_start(struct rcfs_daemon *d)
{
	int r;

	r = rcfs_attrcache_new(RCFS_ATTRCACHE_SLOTS, &d->attrs);
	if (r == 0)
		r = rcfs_ofcache_new(RCFS_OFCACHE_SLOTS, &d->files);
	if (r == 0)
		r = rcfs_watch_new(&d->watch);
	if (r == 0)
		r = watch_add_all(d);
	if (r == 0)
		r = rcfs_watch_start(d->watch, on_watch_change, d);
	if (r == 0) {
		rcfs_names_set_watch(d->map.names, d->watch);
		return 0;
	}
	rcfs_watch_free(d->watch);
	d->watch = NULL;
	return r;
}

/* Detach: the parent exits with the child's verdict, so whoever started
 * us (mount(8)) knows whether the mount is live. */
static int detach_start(int *ret_pipe)
{
	int p[2];
	pid_t pid;
	char status;

	if (pipe2(p, O_CLOEXEC) < 0) {
		warnx_("cannot create pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		warnx_("cannot fork: %s", strerror(errno));
		return -1;
	}
	if (pid > 0) {
		close(p[1]);
		if (read(p[0], &status, 1) != 1)
			status = EXIT_FAILURE;
		_exit(status);
	}
	close(p[0]);
	setsid();
	*ret_pipe = p[1];
	return 0;
}

static void detach_done(int *pipe_fd, char status)
{
	int null;

	if (*pipe_fd < 0)
		return;
	if (status == 0) {
		log_init(true);
		if (chdir("/") < 0) {
			/* nothing depends on the cwd */
		}
		null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
			close(null);
		}
	}
	if (write(*pipe_fd, &status, 1) != 1) {
		/* the parent is gone: nobody to tell */
	}
	close(*pipe_fd);
	*pipe_fd = -1;
}

int main(int argc, char **argv)
{
	static struct rcfs_daemon d;
	struct rcfs_options o = { .s = &d.settings };
	char *fargv[] = { argv[0], "-d", NULL };
	struct fuse_args args = FUSE_ARGS_INIT(1, fargv);
	struct fuse_loop_config *cfg = NULL;
	struct fuse_session *se = NULL;
	char fdpath[64], dev[32] = "";
	int fuse_fd = -1, ready_pipe = -1, r, status = EXIT_FAILURE;
	int tap_r = -ECANCELED, watch_r;

	if (rcfs_settings_init(&d.settings) < 0) {
		warnx_("out of memory");
		return EXIT_FAILURE;
	}
	o.threads = rcfs_threads_default();
	parse_args(&o, argc, argv);
	d.verbose = o.verbose;
	log_init(false);

	if (check_setup(&d, argv[optind], argv[optind + 1], &fuse_fd) < 0)
		goto out;
	r = rcfs_map_open(&d.map, &d.settings);
	if (r < 0) {
		fail("cannot open", d.settings.procfs, -r);
		goto out;
	}
	/* without it (ENOMEM), every request walks to the link */
	if (rcfs_tids_new(RCFS_TIDS_SLOTS, &d.tids) < 0)
		d.tids = NULL;
	/* before the mount is live: what it serves is tidy from the start */
	r = rcfs_replace_cleanup(d.map.backing_fd,
				 d.settings.layout == RCFS_LAYOUT_DIR);
	if (r > 0)
		log_msg(LOG_NOTICE, "removed %d temporary file%s of writes cut "
			"short in %s", r, r == 1 ? "" : "s",
			d.settings.backing_dir);
	if (o.detach && detach_start(&ready_pipe) < 0)
		goto out;
	rcfs_check_default(&d);
	/* loaded (the slow part) before the mount is live */
	if (!o.no_bpf)
		tap_r = rcfs_nstap_open(d.verbose ? libbpf_says : NULL,
					&d.tap);

	if (o.debug)
		args.argc = 2;
	se = fuse_session_new(&args, &rcfs_ops, sizeof(rcfs_ops), &d);
	if (!se) {
		warnx_("cannot create the FUSE session");
		goto out;
	}
	if (do_mount(&d, &o, fuse_fd) < 0)
		goto out;
	snprintf(fdpath, sizeof(fdpath), "/dev/fd/%d", fuse_fd);
	if (fuse_session_mount(se, fdpath) != 0) {
		warnx_("cannot attach to the mount on \"%s\"",
		       d.settings.mountpoint);
		goto out_umount;
	}
	fuse_fd = -1;	/* the session owns it now */
	if (fuse_set_signal_handlers(se) != 0) {
		warnx_("cannot install signal handlers");
		goto out_umount;
	}
	the_daemon = &d;
	signal(SIGHUP, on_sighup);

	our_mount_dev(&d, dev, sizeof(dev));
	/* after the fork: the watcher is a thread */
	watch_r = watch_start(&d);
	tap_r = tap_attach(&d, tap_r, dev);
	if (*dev)
		publish_state(&d, dev);
	rcfs_notify_ready(getpid());
	detach_done(&ready_pipe, 0);
	/* after detaching: mount(8) prints nothing on success */
	if (tap_r != -ECANCELED)
		tap_say(tap_r);
	log_msg(LOG_INFO, "serving %s from %s (%s layout, host: %s)",
		d.settings.mountpoint, d.settings.backing_dir,
		rcfs_layout_name(d.settings.layout),
		rcfs_host_kind_name(d.host_kind));
	if (watch_r < 0)
		log_msg(d.verbose ? LOG_INFO : LOG_DEBUG,
			"not watching for changes (%s): looking everything up "
			"at each request", strerror(-watch_r));

	cfg = fuse_loop_cfg_create();
	if (!cfg) {
		log_msg(LOG_ERR, "out of memory");
		goto out_umount;
	}
	fuse_loop_cfg_set_clone_fd(cfg, o.clone_fd);
	/* all of them stay: starting and ending threads under load costs
	 * more than idle ones */
	fuse_loop_cfg_set_max_threads(cfg, o.threads);
	fuse_loop_cfg_set_idle_threads(cfg, o.threads);
	r = fuse_session_loop_mt(se, cfg);
	/* a positive value is the signal that ended the loop */
	status = r >= 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	fuse_remove_signal_handlers(se);

out_umount:
	if (state_file[0])
		unlink(state_file);
	/* Unmount only if the mount is still ours: after `umount`, another
	 * file system may sit there. */
	{
		char now[32];

		if (*dev && our_mount_dev(&d, now, sizeof(now)) &&
		    !strcmp(now, dev) &&
		    umount2(d.settings.mountpoint, UMOUNT_NOFOLLOW | MNT_DETACH) < 0)
			log_msg(LOG_ERR, "cannot unmount %s: %s",
				d.settings.mountpoint, strerror(errno));
		else if (!*dev)
			umount2(d.settings.mountpoint, UMOUNT_NOFOLLOW | MNT_DETACH);
	}
out:
	detach_done(&ready_pipe, (char)EXIT_FAILURE);
	if (cfg)
		fuse_loop_cfg_destroy(cfg);
	if (se)
		fuse_session_destroy(se);
	/* fuse_session_new() may have copied the arguments */
	fuse_opt_free_args(&args);
	if (fuse_fd >= 0)
		close(fuse_fd);
	/* the tap first: it reads the watch's inotify queue */
	rcfs_nstap_close(d.tap);
	rcfs_watch_free(d.watch);
	rcfs_attrcache_free(d.attrs);
	rcfs_ofcache_free(d.files);
	rcfs_tids_free(d.tids);
	rcfs_map_close(&d.map);
	if (d.host_fd >= 0)
		close(d.host_fd);
	free(d.host_path);
	rcfs_options_free(&o);
	rcfs_settings_free(&d.settings);
	return status;
}
