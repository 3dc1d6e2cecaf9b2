/* SPDX-License-Identifier: MIT */
/*
 * relay.h: the parts of uds-relay, one header for both platforms.
 *
 * uds-relay.c holds the chapter's idea: for each connection, connect and
 * copy both ways at once.  What it stands on is split off: ends.c (where
 * bytes come from and go to: parsing FROM and TO, listening, accepting,
 * connecting, starting a command) and pump.c
 * (one direction: moving its bytes as fast as the platform allows, and
 * passing on its end as a half-close).  One file of each per platform:
 * linux/, win32/.
 */
#ifndef RELAY_H
#define RELAY_H

#include "uds.h"

#ifdef _WIN32
#include <windows.h>
#else
#include <signal.h>
#include <sys/types.h>
#endif

/* Where uds-relay accepts (FROM) or connects for each connection (TO). */
struct place {
    enum { PLACE_UNIX, PLACE_TCP, PLACE_STDIO, PLACE_EXEC } kind;
    const char *spec;   /* as the user wrote it, for messages */
    const char *path;   /* unix: the socket path */
    char host[256];     /* tcp: the host, without [] around an IPv6 address */
    const char *port;   /* tcp: the port */
    char **argv;        /* exec: the command and its arguments */
};

/* One side of a relayed connection: where its bytes are read and where
 * they are written.  A socket is both; a standard input and output, or a
 * child's pipes on Windows, are two. */
struct side {
#ifdef _WIN32
    SOCKET sock;        /* a socket, or INVALID_SOCKET for the two handles: */
    HANDLE in, out;     /* pipes, or the standard handles */
    HANDLE child;       /* exec: the child process, or NULL */
#else
    int in, out;        /* the same descriptor for a socket */
    pid_t child;        /* exec: the child process, or 0 */
#endif
};

/* ends.c */

/* The command line: [--any-address] FROM TO [ARG...].  -1 when the
 * program may go on; otherwise its exit status (0 after --help, 2 after a
 * usage error, which it has printed). */
int parse_args(const char *prog, const char *usage, int argc, char **argv,
               struct place *from, struct place *to, int *any_address);

/* Parse FROM (is_from) or TO.  For exec:, ARGV is the rest of the command
 * line: its first word loses the "exec:".  0, or -1 after a message. */
int place_parse(const char *prog, char **argv, int is_from, struct place *p);

/* Listen on a unix: or tcp: place (TCP on a loopback address only, unless
 * any_address), and say where on standard error ("PROG: listening on
 * NAME", NAME from place_name()).  Returns the listener, or
 * UDS_INVALID_SOCKET after a message. */
uds_socket_t place_listen(const char *prog, const struct place *p, int any_address);

/* Accept every client waiting on LISTENER and pass each to START (0, or
 * an error code; on an error the client is closed).  Returns 0 when no
 * one else waits; 1 when accepting failed for want of descriptors or
 * memory, after a message: the caller stops watching the listener until a
 * connection ends, since trying again at once would fail again. */
int accept_all(const char *prog, uds_socket_t listener, int (*start)(struct side client));

/* The readable form of a listener's address ("unix:/tmp/a.sock",
 * "tcp:127.0.0.1:40000", the port chosen by the system when 0 was asked). */
void place_name(const struct place *p, uds_socket_t listener, char *buf, size_t cap);

/* Remove what place_listen() made (a unix: socket file). */
void place_unlisten(const struct place *p, uds_socket_t listener);

/* Connect to TO, or start its command, for the connection named TAG.
 * 0, or -1 after a message. */
int place_open(const char *prog, const char *tag, const struct place *p, struct side *s);

/* This process's standard input and output as a side (FROM stdio).
 * Returns 1 if the output is a pipe, else 0. */
int side_stdio(struct side *s);

/* Make S a side for an accepted socket. */
void side_socket(struct side *s, uds_socket_t sock);

/* Half-close: the peer of S sees the end of the stream, but may still send. */
void side_end_writing(struct side *s);

/* The connection is lost: wake whatever waits to read or write on S. */
void side_abort(struct side *s);

/* Close S (and wait for its command to end). */
void side_close(struct side *s);

/* The stop is chapter 03's (Linux: blocked signals let in by ppoll();
 * Windows: a console handler that sends a byte on a wake pair), set up by
 * the library: uds_prepare_stop() and its siblings in uds.h. */

/* pump.c */

/* One direction of one connection, carried by carry() in a thread of its
 * own: pump() until the end, then pass the end on (see pump.c).  ERROR:
 * 0, or the error that lost the connection. */
struct direction { struct side *from, *to; int error; };
#ifdef _WIN32
DWORD WINAPI carry(void *arg);
#else
void *carry(void *arg);
#endif

/* Copy from FROM to TO until FROM's end of stream (0) or an error (-1,
 * with the error in uds_last_error()).  Blocks: it runs in a thread of
 * its own. */
int pump(struct side *from, struct side *to);

#endif
