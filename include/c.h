/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * How the binaries speak to their user: one line on stderr,
 * "PROG: message".  (The library never prints; only programs include
 * this.)  Each program defines PROG before including it, and may define
 * RCFS_TRY_HELP, the line that follows a usage error.
 *
 * The names are rcfs_* so that none shadows <err.h>'s warnx() and
 * friends, which a program may still want.
 */
#ifndef RCFS_C_H
#define RCFS_C_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitcodes.h"

#ifndef PROG
#error "define PROG, the program's name, before including c.h"
#endif

#ifndef RCFS_TRY_HELP
#define RCFS_TRY_HELP	"Try '" PROG " --help' for more information."
#endif

static inline void __attribute__((format(printf, 1, 0)))
rcfs_vwarnx(const char *fmt, va_list ap)
{
	fputs(PROG ": ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/* "PROG: message" on stderr. */
static inline void __attribute__((format(printf, 1, 2)))
rcfs_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rcfs_vwarnx(fmt, ap);
	va_end(ap);
}

/* The same line; returns STATUS, for "return rcfs_failx(1, ...)". */
static inline int __attribute__((format(printf, 2, 3)))
rcfs_failx(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rcfs_vwarnx(fmt, ap);
	va_end(ap);
	return status;
}

/* "PROG: WHAT "PATH": strerror(ERR)"; returns -1. */
static inline int rcfs_fail_errno(const char *what, const char *path,
				  int err)
{
	rcfs_warnx("%s \"%s\": %s", what, path, strerror(err));
	return -1;
}

static inline void __attribute__((format(printf, 1, 0)))
rcfs_vusage(const char *fmt, va_list ap)
{
	rcfs_vwarnx(fmt, ap);
	fputs(RCFS_TRY_HELP "\n", stderr);
}

/* A bad command line: the message, the pointer to help; returns STATUS. */
static inline int __attribute__((format(printf, 2, 3)))
rcfs_usage_fail(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rcfs_vusage(fmt, ap);
	va_end(ap);
	return status;
}

/* The same, then exit STATUS. */
static inline void __attribute__((noreturn, format(printf, 2, 3)))
rcfs_usage_exit(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rcfs_vusage(fmt, ap);
	va_end(ap);
	exit(status);
}

#endif
