/* SPDX-License-Identifier: MIT */
/*
 * address.h: what addr-server and uds-where share (see address.c).
 */
#ifndef ADDRESS_H
#define ADDRESS_H

#include "uds.h"

/* <limits.h> first, on purpose: POSIX defines LINE_MAX there, so a name of
 * ours must not be LINE_MAX.  Including it here proves, in every build of
 * this chapter, that nothing clashes. */
#include <limits.h>
#include <stddef.h>

/* Room for a line: two addresses of up to 108 bytes, each byte perhaps
 * shown as \xNN, and their lengths. */
#define ADDR_LINE_MAX 1024

/* The two kinds of name a server can bind. */
enum kind { KIND_PATH, KIND_ABSTRACT };

/* Fill in an address of the given kind; its length, or 0 (reason in
 * uds_last_error()). */
socklen_t make_addr(struct sockaddr_un *addr, enum kind kind, const char *name);

/* Both ends of a connected socket as one line of text; 0, or -1. */
int where(uds_socket_t sock, char *line, size_t cap);

/* Report a failed bind() or connect(), naming the likely reason for an
 * abstract name on Windows; returns 1. */
int fail_addr(const char *prog, const char *what,
              const struct sockaddr_un *addr, const char *shown);

/* One line, without its newline: 1, 0 for an early end, -1 on error. */
int read_line(uds_socket_t sock, char *buf, size_t cap, size_t *got);

#endif
