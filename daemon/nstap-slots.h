/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RCFS_NSTAP_SLOTS_H
#define RCFS_NSTAP_SLOTS_H

/* Slots of the caller tap, indexed by tid: a power of two.  Thread ids
 * are handed out in sequence, so neighbours never share a slot. */
#define RCFS_NSTAP_SLOTS	4096

/* A slot's top bit: the daemon's watch had changes to read when the
 * request was sent.  Thread ids stay below 2^22 (PID_MAX_LIMIT). */
#define RCFS_NSTAP_PENDING	(1ULL << 63)

#endif
