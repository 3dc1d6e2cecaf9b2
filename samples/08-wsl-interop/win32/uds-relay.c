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
 * direction of each connection, each in a plain blocking loop (pump.c);
 * the main thread only accepts, and waits in WSAPoll() with the console
 * handler's wake-up socket in the set.  Its log goes to standard error:
 * standard output may be a connection.
 *
 * usage: uds-relay [--any-address] FROM TO [ARG...]
 */
#include "uds.h"
#include "relay.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define PROG "uds-relay"
#define USAGE "usage: " PROG " [--any-address] unix:PATH|tcp:HOST:PORT|stdio" \
    " unix:PATH|tcp:HOST:PORT|exec:PROGRAM [ARG...]"

static struct place to;     /* where every connection goes */
static SOCKET ended[2];     /* a wake pair: a connection that ends sends a byte */

struct connection {
    unsigned long id;
    struct side client, server;
};

/* [carry] */
/* One direction of one connection.  At the sender's end of stream the
 * receiver gets a half-close, not a close: it may still be answering (a
 * client that shuts down writing still reads the whole reply).  On an
 * error the connection is lost: both sides are shut down, which wakes the
 * thread of the other direction. */
struct direction { struct side *from, *to; int error; };

static DWORD WINAPI carry(void *arg)
{
    struct direction *d = arg;

    if (pump(d->from, d->to) == 0) {
        side_end_writing(d->to);
        return 0;
    }
    d->error = uds_last_error();
    side_abort(d->from);
    side_abort(d->to);
    return 0;
}
/* [carry] */

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

/* [accept] */
/* Accept every waiting client and give each a thread.  When accept() fails
 * for want of resources (WSAEMFILE, WSAENOBUFS) or memory, trying again at once
 * would fail again: the caller stops watching the listener until a
 * connection ends (return 1). */
static int accept_all(uds_socket_t listener, unsigned long *count)
{
    for (;;) {
        SOCKET s = accept(listener, NULL, NULL);
        if (s == INVALID_SOCKET && WSAGetLastError() == WSAEWOULDBLOCK)
            return 0;
        if (s == INVALID_SOCKET && WSAGetLastError() == WSAECONNRESET)
            continue; /* that client left before we took it */
        struct connection *c = s == INVALID_SOCKET ? NULL : calloc(1, sizeof *c);
        HANDLE t = NULL;
        int err = s == INVALID_SOCKET ? WSAGetLastError() : c == NULL ? WSAENOBUFS : 0;
        if (c != NULL) {
            c->id = ++*count;
            side_socket(&c->client, s);
            t = CreateThread(NULL, 0, serve, c, 0, NULL);
            err = t == NULL ? (int)GetLastError() : 0;
        }
        if (err == 0) {
            CloseHandle(t); /* the thread runs on */
            continue;
        }
        if (s != INVALID_SOCKET)
            closesocket(s);
        free(c);
        uds_fail_code(PROG, "cannot accept a connection on", "the listener", err);
        fprintf(stderr, PROG ": accepting paused until a connection ends\n");
        return 1;
    }
}
/* [accept] */

int main(int argc, char **argv)
{
    struct place from;
    int any_address = 0, paused = 0, status = 0;
    unsigned long count = 0;
    char name[300];
    HANDLE stdio_thread = NULL; /* FROM stdio: its one connection */

    int opt = parse_args(PROG, USAGE, argc, argv, &from, &to, &any_address);
    if (opt >= 0)
        return opt; /* --help, or a usage error */

    /* (Windows has no SIGPIPE: a write to a vanished peer just fails.) */
    if (uds_startup() != 0)
        return uds_fail(PROG, "cannot start", "Winsock");
    if (uds_prepare_stop() != 0 || uds_wake_pair(ended) != 0)
        return uds_fail(PROG, "cannot set up", "the stop");
    /* [main-loop] */
    uds_socket_t listener = UDS_INVALID_SOCKET;
    if (from.kind == PLACE_STDIO) {
        struct connection *c = calloc(1, sizeof *c);
        if (c == NULL)
            return uds_fail_code(PROG, "cannot serve", "stdio", WSAENOBUFS);
        c->id = ++count;
        side_stdio(&c->client);
        stdio_thread = CreateThread(NULL, 0, serve, c, 0, NULL);
        if (stdio_thread == NULL)
            return uds_fail_code(PROG, "cannot serve", "stdio", (int)GetLastError());
    } else {
        listener = place_listen(PROG, &from, any_address);
        if (listener == UDS_INVALID_SOCKET)
            return 1;
        place_name(&from, listener, name, sizeof name);
        fprintf(stderr, PROG ": listening on %s\n", name);
    }
    while (!uds_stop_requested()) {
        WSAPOLLFD fds[3] = {
            { .fd = ended[0], .events = POLLIN },
            { .fd = uds_stop_wake(), .events = POLLIN },
            { .fd = listener, .events = POLLIN },
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
            paused = accept_all(listener, &count);
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
