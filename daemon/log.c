// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stderr in the foreground, syslog once detached; warnings and errors at
 * most LOG_BURST per LOG_WINDOW seconds.  A daemon on its way to detach
 * keeps the terminal for what fails and sends what it notes to syslog,
 * so a mount that works prints nothing.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "daemon.h"

#define LOG_BURST	20
#define LOG_WINDOW	60

static bool to_syslog, info_to_syslog;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static time_t window_start;
static unsigned int in_window, suppressed;

void log_init(bool use_syslog)
{
	to_syslog = use_syslog;
	if (use_syslog)
		openlog("resolvconffs", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log_init_detaching(void)
{
	info_to_syslog = true;
	openlog("resolvconffs", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

static void emit(int prio, const char *msg)
{
	if (to_syslog || (info_to_syslog && prio > LOG_WARNING))
		syslog(prio, "%s", msg);
	else
		fprintf(stderr, "resolvconffs: %s\n", msg);
}

void log_msg(int prio, const char *fmt, ...)
{
	char msg[1024], note[96];
	unsigned int dropped = 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	if (prio <= LOG_WARNING) {
		struct timespec now;
		bool drop;

		clock_gettime(CLOCK_MONOTONIC, &now);
		pthread_mutex_lock(&lock);
		if (now.tv_sec - window_start >= LOG_WINDOW) {
			dropped = suppressed;
			window_start = now.tv_sec;
			in_window = suppressed = 0;
		}
		drop = ++in_window > LOG_BURST;
		if (drop)
			suppressed++;
		pthread_mutex_unlock(&lock);
		if (drop)
			return;
	}
	if (dropped) {
		snprintf(note, sizeof(note), "%u messages suppressed", dropped);
		emit(LOG_WARNING, note);
	}
	emit(prio, msg);
}
