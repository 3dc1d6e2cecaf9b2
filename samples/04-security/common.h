/* SPDX-License-Identifier: MIT */
/*
 * common.h: what chapter 04's programs share, the same on Linux and
 * Windows, and not the chapter's lesson.
 */
#ifndef CH04_COMMON_H
#define CH04_COMMON_H

#include "uds.h"

/* Fill in the address for ARG: "@name" is an abstract address (chapter
 * 02), anything else a path.  Returns 0, or -1 (see uds_addr_path()). */
int make_address(struct sockaddr_un *addr, socklen_t *len, const char *arg);

/* Chapter 03's rule: before bind(), remove PATH only if it is a stale
 * socket file (a knock on ADDR is refused: nobody listens).  Nothing there,
 * or an abstract "@name": 0.  Anything else: one error line as PROG, 1. */
int claim_path(const char *prog, const char *path, const struct sockaddr_un *addr,
               socklen_t len);

/* Send back every byte received, with a-z upper-cased, until the client
 * closes.  Returns the byte count, or -1 (the reason in uds_last_error()). */
long upcase(uds_socket_t client);

#endif
