/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Lookups that skip resolv.conf: glibc asks nscd, and nsswitch.conf
 * modules that ask a daemon of the host, before it reads the file.
 * Such daemons answer from the host's network namespace, whoever asks.
 */
#ifndef RCFS_HOSTLOOKUP_H
#define RCFS_HOSTLOOKUP_H

/*
 * The modules on TEXT's (an nsswitch.conf's) "hosts:" lines that ask a
 * daemon of the host, which answers from the host's network namespace
 * (resolve, mdns*, mymachines, sss, ldap, winbind, wins, nis), as one
 * malloc'd string of names separated by spaces, "" when none.  NULL on
 * ENOMEM.
 */
char *rcfs_nsswitch_host_daemons(const char *text);

/*
 * TEXT for network namespaces: the same lines, but "hosts:" without
 * those modules (and their [ACTION] items), and with "dns" at the end
 * when none is left.  Returns 0 or -ENOMEM.
 */
int rcfs_nsswitch_for_namespaces(const char *text, char **ret);

/*
 * Whether an nscd listens on SOCKET (NULL: RCFS_NSCD_SOCKET) and
 * answers host lookups from its cache: it is asked for "localhost",
 * and a disabled cache says so.  Returns 1, 0 (no nscd, or its hosts
 * cache is off), or -errno (it did not answer).
 */
int rcfs_nscd_caches_hosts(const char *socket);

#endif
