/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Between keeper.c and keeper-state.c only. */
#ifndef RCFS_KEEPER_INT_H
#define RCFS_KEEPER_INT_H

#include <stdbool.h>
#include <syslog.h>
#include <sys/types.h>

struct server {
	pid_t pid;		/* 0: none */
	unsigned int gen;
	int status_fd;		/* until its ready line, -1 after */
	bool ready;
	bool timed_out;
	long long started_ms, ready_ms;
};

struct keeper {
	/* from the process that mounted (handover.c) */
	int fuse_fd;		/* the mount's /dev/fuse: never closed */
	int state_fd;		/* the settings as published (memfd) */
	int ready_fd;		/* --detach: the waiting parent's pipe */
	char *dev, *mountpoint, *server_path, *keeper_path, *serve_opts;
	bool resend;		/* servers share fuse_fd; resend after deaths */
	bool detach;		/* syslog and /dev/null once serving */
	char **argv;		/* the daemon's command line, kept */
	char **args;		/* ours (keeper.h), for the next image */

	int sig_fd;
	struct server cur;	/* the serving process */
	struct server next;	/* an upgrade's, while it starts */
	pid_t retiring;		/* an upgrade's old one, finishing */
	unsigned int gen;	/* servers started, ever */
	unsigned int restarts, quick;	/* quick: deaths at once in a row */
	unsigned int max_write;
	char reason[160];
	char version[32], callers[8];
	bool first_done, upgrade_wanted, stopping;
	long long backoff_ms;	/* no server: start one then */
	long long stop_ms;	/* stopping: kill what is left then */
	char *buf;		/* a request, while answering in a back-off */
	size_t buflen;
};

extern struct keeper k;

long long now_ms(void);
/* Unpublish, give a waiting parent STATUS, exit with it. */
void finish(int status) __attribute__((noreturn));

/* daemon/keeper-state.c */
/* Our arguments, from RCFS_KEEPER_ENV; ARGV is the daemon's. */
int parse_args(char **argv);
void keeper_log(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Publish the state file: the settings and who serves. */
void publish(void);
/* S's ready line: note what it says, S serves from now on. */
void ready_line(struct server *s, char *line);
/* The first server serves: tell a waiting parent, leave the terminal. */
void detach_done(void);
/* Run the keeper's binary again, as it is installed now, keeping the
 * mount and the serving process.  Returns only if that fails. */
void reexec(void);
/* Read one request while no server runs, and fail it with EIO. */
void backoff_answer(void);
/* A server runs again: free the back-off's buffer. */
void backoff_end(void);

#endif
