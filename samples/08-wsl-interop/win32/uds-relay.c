/* SPDX-License-Identifier: MIT */
/*
 * uds-relay (Windows): accepts connections on one side (FROM) and, for each,
 * connects to the other (TO), copying the bytes both ways at once.
 *
 * FROM is unix:PATH, tcp:HOST:PORT or stdio (the one connection on this
 * process's standard input and output); TO is unix:PATH, tcp:HOST:PORT or
 * exec:PROGRAM [ARG...] (a command whose standard input and output carry
 * the bytes).  Chapter 08 uses it to reach a Windows socket from WSL 2:
 *     uds-relay unix:/tmp/app.sock exec:uds-relay.exe stdio unix:C:\app.sock
 * (this program is the uds-relay.exe of that line).  One thread per
 * direction of each connection, each in a plain blocking loop (carry() in
 * pump.c); the main thread only accepts, and waits in WSAPoll() with the
 * console handler's wake-up socket in the set.  Its log goes to standard
 * error: standard output may be a connection.
 */
#include "uds.h"
#include "relay.h"

#include <stdio.h>
#include <stdlib.h>

#define PROG "uds-relay"
#define USAGE "usage: " PROG " [--any-address] unix:PATH|tcp:HOST:PORT|stdio" \
    " unix:PATH|tcp:HOST:PORT|exec:PROGRAM [ARG...]"

static struct place from, to; /* where connections come from and go to */
static SOCKET ended[2];       /* a wake pair: a connection that ends sends a byte */
static unsigned long count;   /* connections so far */
static HANDLE stdio_thread;   /* FROM stdio: its one connection */

struct connection { unsigned long id; struct side client, server; };

/* [serve] */
/* A connection's own thread: connect to TO, carry one direction here and
 * the other in a second thread, then close both sides. */
static DWORD WINAPI serve(void *arg)
{
    struct connection *c = arg;
    char tag[40];
    HANDLE down_thread;
    int err = -1;

    snprintf(tag, sizeof tag, "connection %lu", c->id);
    if (place_open(PROG, tag, &to, &c->server) == 0) {
        struct direction up = { &c->client, &c->server, 0 };
        struct direction down = { &c->server, &c->client, 0 };
        down_thread = CreateThread(NULL, 0, carry, &down, 0, NULL);
        err = down_thread == NULL ? (int)GetLastError() : 0;
        if (err == 0) {
            carry(&up);
            WaitForSingleObject(down_thread, INFINITE);
            CloseHandle(down_thread);
            err = up.error ? up.error : down.error;
        }
        if (err != 0)
            uds_fail_code(PROG, "lost", tag, err);
        side_close(&c->server);
    }
    side_close(&c->client);
    free(c);
    /* Tell the main thread: it may be waiting for a descriptor to free. */
    send(ended[1], "", 1, 0);
    return err == 0 ? 0 : 1; /* FROM stdio: the exit status */
}
/* [serve] */

/* [start] */
/* Give a new connection its thread (accept_all() calls it for each
 * client).  0, or an error code. */
static int start(struct side client)
{
    struct connection *c = calloc(1, sizeof *c);
    HANDLE t = NULL;
    int err = c == NULL ? WSAENOBUFS : 0;

    if (c != NULL) {
        *c = (struct connection){ .id = ++count, .client = client };
        t = CreateThread(NULL, 0, serve, c, 0, NULL);
        err = t == NULL ? (int)GetLastError() : 0;
    }
    if (err != 0)
        free(c);
    else if (from.kind == PLACE_STDIO)
        stdio_thread = t; /* the main thread joins it, for the exit status */
    else
        CloseHandle(t); /* the thread runs on */
    return err;
}
/* [start] */

int main(int argc, char **argv)
{
    struct side client;
    int any_address = 0, paused = 0, status = 0, err;
    uds_socket_t listener = UDS_INVALID_SOCKET;

    int opt = parse_args(PROG, USAGE, argc, argv, &from, &to, &any_address);
    if (opt >= 0)
        return opt; /* --help, or a usage error */

    /* (Windows has no SIGPIPE: a write to a vanished peer just fails.) */
    if (uds_startup() != 0)
        return uds_fail(PROG, "cannot start", "Winsock");
    if (uds_prepare_stop() != 0 || uds_wake_pair(ended) != 0)
        return uds_fail(PROG, "cannot set up", "the stop");
    /* [main-loop] */
    if (from.kind == PLACE_STDIO) {
        side_stdio(&client); /* (a pipe or not: WSAPoll() cannot watch it) */
        if ((err = start(client)) != 0)
            return uds_fail_code(PROG, "cannot serve", "stdio", err);
    } else if ((listener = place_listen(PROG, &from, any_address)) == UDS_INVALID_SOCKET) {
        return 1; /* it has said why */
    }
    while (!uds_stop_requested()) {
        WSAPOLLFD fds[3] = {
            { .fd = ended[0], .events = POLLIN },
            { .fd = uds_stop_wake(), .events = POLLIN },
            { .fd = listener, .events = POLLIN },
            /* FROM stdio: WSAPoll() takes sockets only, not our output (a
             * pipe): this twin cannot see its reader go (relay.md). */
        };
        if (WSAPoll(fds, paused || listener == INVALID_SOCKET ? 2 : 3, -1) < 0) {
            status = uds_fail(PROG, "cannot wait on", from.spec);
            break;
        }
        if (fds[1].revents != 0)
            continue; /* the console handler's byte: the loop looks at the flag */
        if (fds[0].revents != 0) {
            char drain[64];
            recv(ended[0], drain, sizeof drain, 0); /* readable: cannot block */
            if (from.kind == PLACE_STDIO) { /* its one connection is over */
                DWORD failed = 1;
                WaitForSingleObject(stdio_thread, INFINITE);
                GetExitCodeThread(stdio_thread, &failed);
                status = failed != 0;
                break;
            }
            paused = 0;
        }
        if (!paused && (fds[2].revents & POLLIN))
            paused = accept_all(PROG, listener, start);
    }
    /* [main-loop] */
    /* Connections still open end with the process. */
    if (listener != UDS_INVALID_SOCKET)
        place_unlisten(&from, listener);
    if (uds_stop_requested())
        fprintf(stderr, PROG ": stopping on %s\n", uds_stop_requested());
    uds_stop_done();
    uds_cleanup();
    return status;
}
