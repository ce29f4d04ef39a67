/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the binaries share to speak to their user: one line on stderr,
 * "PROG: message".  (The library never prints; only programs include
 * this.)  Each program defines PROG before including it.
 */
#ifndef RCFS_C_H
#define RCFS_C_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef PROG
#error "define PROG, the program's name, before including c.h"
#endif

static inline void __attribute__((format(printf, 1, 2)))
warnx_(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* A bad command line: the message, the pointer to --help, exit STATUS. */
static inline void __attribute__((noreturn, format(printf, 2, 3)))
usage_error_status(int status, const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry '" PROG " --help' for more information.\n", stderr);
	exit(status);
}

#endif
