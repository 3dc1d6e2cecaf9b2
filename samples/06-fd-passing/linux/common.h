/* SPDX-License-Identifier: MIT */
/*
 * common.h (Linux): what chapter 06's four programs share and what is not
 * the chapter's lesson: checking the command line, starting up safely,
 * claiming the worker's path, formatting addresses, and running out of
 * descriptors.  The lesson itself, sending and receiving a descriptor,
 * stays in pass-server.c and pass-worker.c.
 */
#ifndef CH06_COMMON_H
#define CH06_COMMON_H

#include "uds.h"

#include <stddef.h>
#include <netdb.h>

/* Room for "[address]:port". */
#define WHERE_MAX (NI_MAXHOST + NI_MAXSERV + 4)

/* The servers' command line: ADDRESS PORT SOCKET.  Returns 0, or 2 after
 * printing the usage line or what is wrong with PORT. */
int server_args(const char *prog, int argc, char **argv);

/* The workers' command line: SOCKET COMMAND [ARGS...], with SOCKET's
 * address in *addr.  Returns 0; 2 after the usage line; 1 after a bad path. */
int worker_args(const char *prog, int argc, char **argv,
                struct sockaddr_un *addr, socklen_t *len);

/* "SIGTERM", for the line a program prints when it stops. */
const char *signal_name(int sig);

/* "127.0.0.1:8080" or "[::1]:8080" in buf, for messages; returns buf. */
char *format_addr(const struct sockaddr *sa, socklen_t len, char *buf, size_t cap);

/* The same for the local address of socket S. */
char *format_addr_of(int s, char *buf, size_t cap);

/* Listen on every address ADDRESS resolves to (`-`, `*`, `?`, `:` or ""
 * mean every address), at most MAX sockets, all on one port even for PORT
 * 0.  TYPE_FLAGS adds to SOCK_STREAM | SOCK_CLOEXEC.  Prints each
 * "PROG: listening on ..." line.  Returns the count, 0 after an error. */
int listen_tcp(const char *prog, const char *address, const char *port,
               int type_flags, int *listeners, int max);

/* Connect to the worker's socket.  Returns it, or -1 with errno set. */
int connect_worker(const char *path);

/* The worker's start: 0, 1 and 2 open (so that nothing received lands
 * there), nothing inherited reaching the commands, PATH claimed as chapter
 * 03 teaches (a stale socket file removed, a live worker's never), and a
 * listening socket of mode 0600.  Returns it, or -1 after a message. */
int worker_listen(const char *prog, const char *path, const struct sockaddr_un *addr,
                  socklen_t len, int type_flags);

/* The workers' accept(): returns the server's connection; -1 to try again
 * (pausing first when *failures is not 0: out of descriptors, said once),
 * also after refusing a server of another user (chapter 04); -2 after
 * reporting an error accept() will not recover from. */
int accept_server(const char *prog, int listener, const char *where, long *failures);

/* After a failed accept(): 1 if for lack of descriptors or memory (a pause
 * then helps; said once per spell, counted in *failures), else 0. */
int out_of_descriptors(const char *prog, const char *where, long *failures);

/* After a successful accept(): ends a spell of failures, saying so. */
void accepting_again(const char *prog, long *failures);

#endif
