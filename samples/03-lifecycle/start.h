/* SPDX-License-Identifier: MIT */
/*
 * start.h: what upcase-server needs to start correctly and to be stoppable,
 * kept apart so that upcase-server.c reads top to bottom as the server's
 * life: wait, serve, stop.  The chapter shows both parts.  One file per
 * platform: linux/start.c, win32/start.c.
 */
#ifndef START_H
#define START_H

#include "uds.h"

#ifndef _WIN32
#include <signal.h>
/* Linux: the mask to wait with, the stop signals let in.  Outside ppoll()
 * they are blocked, so one that comes while the server is busy waits,
 * pending, for the next wait. */
extern sigset_t wait_mask;
#else
/* Windows: the console handler sends one byte to this socket; it is in
 * every WSAPoll() set, so the wait ends at once. */
extern uds_socket_t stop_wake;
#endif

/* Catch the stop signals (Windows: console events) and make them able to
 * end a wait, before the socket file exists.  Returns 0, or -1. */
int prepare_stop(void);

/* NULL until a stop was asked for; then its name ("SIGTERM", "CTRL_C_EVENT"). */
const char *stop_requested(void);

/* The socket file is removed: Windows lets the console handler return,
 * then unregisters it. */
void stop_done(void);

/* Make fd non-blocking: 0, or -1 with the error set. */
int set_nonblocking(uds_socket_t fd);

/* A non-blocking listener on PATH, backlog 8.  A stale socket file goes
 * first (saying so), but never what is not a socket, nor the socket of a
 * live server.  Returns the listener, or UDS_INVALID_SOCKET after printing
 * why not. */
uds_socket_t start_listening(const char *prog, const char *path,
                             const struct sockaddr_un *addr, socklen_t addr_len);

#endif
