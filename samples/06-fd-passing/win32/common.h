/* SPDX-License-Identifier: MIT */
/*
 * common.h (Windows): what chapter 06's four Win32 programs share and what
 * is not the chapter's lesson, the twin of linux/common.h: checking the
 * command line, starting Winsock, claiming the worker's path, formatting
 * addresses, and running out of sockets.  The lesson itself, handing a
 * socket over, stays in pass-server.c and pass-worker.c.
 */
#ifndef CH06_COMMON_H
#define CH06_COMMON_H

#include "uds.h"

#include <stddef.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

/* Room for "[address]:port". */
#define WHERE_MAX (NI_MAXHOST + NI_MAXSERV + 4)

/* The servers' command line: ADDRESS PORT SOCKET, then Winsock started.
 * Returns 0; 2 after the usage line or what is wrong with PORT; 1 when
 * Winsock cannot start. */
int server_args(const char *prog, int argc, char **argv);

/* The workers' command line: SOCKET COMMAND [ARGS...], with SOCKET's
 * address in *addr and the command quoted into LINE (Windows passes a
 * child one string), then Winsock started.  Returns 0; 2 after the usage
 * line; 1 after another error. */
int worker_args(const char *prog, int argc, char **argv, struct sockaddr_un *addr,
                socklen_t *len, char *line, size_t cap);

/* "127.0.0.1:8080" or "[::1]:8080" in buf, for messages; returns buf. */
char *format_addr(const struct sockaddr *sa, socklen_t len, char *buf, size_t cap);

/* The same for the local address of socket S. */
char *format_addr_of(SOCKET s, char *buf, size_t cap);

/* Connect to the worker at PATH and learn its process id.  Returns the
 * socket, or INVALID_SOCKET (the reason in WSAGetLastError()). */
SOCKET connect_worker(const char *path, DWORD *pid);

/* The worker's start: PATH claimed as chapter 03 teaches (a stale socket
 * file removed, a live worker's never), a listening socket that no child
 * inherits, and the "listening on" line.  Returns it, or INVALID_SOCKET
 * after a message. */
SOCKET worker_listen(const char *prog, const char *path, const struct sockaddr_un *addr,
                     socklen_t len);

/* The workers' accept(): 1 with the server's connection in *server; 0 to
 * try again (pausing first when *failures is not 0: out of sockets, said
 * once), also after refusing a server of another user; -1 after reporting
 * an error accept() will not recover from.  Who connected: the peer's
 * process id (SIO_AF_UNIX_GETPEERPID), then its token's user, compared
 * with ours, with chapter 04's token_sid(). */
int accept_server(const char *prog, SOCKET listener, const char *where, long *failures,
                  SOCKET *server);

/* Forget the commands in CHILDREN (*n of them) that have ended: closing its
 * handle lets an ended process go.  With MAX still running, first wait for
 * one to end, or for STOP to be set (an event; NULL: no stop).  MAX is at
 * most MAXIMUM_WAIT_OBJECTS (64), less one with a STOP.  Returns 1 when it
 * waited at the limit, 0 when not, -1 when STOP ended the wait. */
int make_room(HANDLE *children, int *n, int max, HANDLE stop);

/* After a failed accept() with error ERR: 1 if for lack of sockets or
 * buffers (a pause then helps; said once per spell, counted in *failures),
 * else 0. */
int out_of_descriptors(const char *prog, const char *where, int err, long *failures);

/* After a successful accept(): ends a spell of failures, saying so. */
void accepting_again(const char *prog, long *failures);

#endif
