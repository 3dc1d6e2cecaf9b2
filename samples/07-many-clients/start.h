/* SPDX-License-Identifier: MIT */
/*
 * start.h: how chat-server starts, as chapter 03 taught it, so that
 * chat-server.c holds only this chapter's idea: the event loop.  One
 * file per platform: linux/start.c, win32/start.c.
 */
#ifndef START_H
#define START_H

#include "uds.h"

/* The stop is chapter 03's, set up by the library: uds_prepare_stop(),
 * uds_stop_requested(), uds_stop_wait_mask() (Linux) or uds_stop_wake()
 * (Windows), uds_stop_done(). */

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
