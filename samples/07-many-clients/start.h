/* SPDX-License-Identifier: MIT */
/*
 * start.h: how chat-server starts and stops, as chapter 03 taught it, so
 * that chat-server.c holds only this chapter's idea: the event loop.  One
 * file per platform: linux/start.c, win32/start.c.
 */
#ifndef START_H
#define START_H

#include "uds.h"

#ifndef _WIN32
#include <signal.h>
/* Linux: the stop signals are blocked, except while ppoll() waits with
 * this mask; so none slips in between a look at stop_requested() and the
 * wait. */
extern sigset_t stop_wait_mask;
#else
/* Windows: the console handler sends one byte here; it sits in every
 * WSAPoll() set, so the wait wakes up. */
extern uds_socket_t stop_wake;
#endif

/* Set up the stop: 0, or -1 with the error set. */
int prepare_stop(void);

/* NULL until a stop was asked for; then its name ("SIGTERM", "CTRL_C_EVENT"). */
const char *stop_requested(void);

/* The server is done (its socket file removed): Windows closes the wake-up
 * pair and lets the console handler return. */
void stop_done(void);

/* Every client costs a descriptor: raise the process's limit as far as it
 * may go (Linux; nothing to raise on Windows). */
void raise_fd_limit(void);

/* A non-blocking listener on PATH, so that accepting ends at EAGAIN /
 * WSAEWOULDBLOCK, with a backlog of SOMAXCONN: a thousand clients may knock
 * at once.  A stale socket file goes first, but never what is not a socket,
 * nor the socket of a live server (one a connect() reaches).  Returns the
 * listener, or UDS_INVALID_SOCKET after printing why not. */
uds_socket_t start_listening(const char *prog, const char *path,
                             const struct sockaddr_un *addr, socklen_t addr_len);

#endif
