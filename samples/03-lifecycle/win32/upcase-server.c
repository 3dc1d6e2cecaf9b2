/* SPDX-License-Identifier: MIT */
/*
 * upcase-server (Windows): a server with a whole life, start to stop.
 *
 * Each client sends some bytes, then half-closes its side; the server sends
 * them back with the ASCII letters a-z turned into A-Z (every other byte,
 * UTF-8 included, is left alone), then closes.  It starts safely over the
 * socket file of a server that died, refuses to start over a live one, and
 * stops cleanly on Ctrl+C, Ctrl+Break or the console's closing, removing
 * its socket file.  Its start and its stop events are in start.c: here is
 * its life.
 *
 * usage: upcase-server SOCKET_PATH
 * SOCKET_PATH is a Windows path: C:\Users\me\AppData\Local\Temp\up.sock
 */
#include "start.h"

#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <winsock2.h>
#include <afunix.h>

#define PROG "upcase-server"
#define USAGE "usage: " PROG " SOCKET_PATH"

/* [wait-for] */
/* Wait until fd is ready for events.  Returns 1 when it is, 0 when a stop
 * event came, -1 on error.  The handler's byte on wake[0] ends the wait:
 * a stop that comes after the flag was looked at is not missed, because
 * the byte stays there until it is read. */
static int wait_for(SOCKET fd, short events)
{
    WSAPOLLFD p[2] = {
        { .fd = fd, .events = events },
        { .fd = stop_wake, .events = POLLIN },
    };

    if (stop_requested())
        return 0;
    if (WSAPoll(p, 2, -1) < 0)
        return -1;
    return stop_requested() || p[1].revents ? 0 : 1;
}
/* [wait-for] */

#define STOPPED (-2)

/* Serve one client: upper-case its bytes as they come, until it says it has
 * sent everything (recv() returns 0).  Returns the byte count, -1 on an
 * error (in WSAGetLastError()), or STOPPED when a stop event came first. */
static long upcase(SOCKET client)
{
    char buf[65536];
    long total = 0;

    /* [upcase-loop] */
    for (;;) {
        int w = wait_for(client, POLLIN);
        if (w <= 0)
            return w == 0 ? STOPPED : -1;
        long n = recv(client, buf, sizeof buf, 0);
        if (n == 0)
            return total; /* the client's shutdown(SD_SEND): that's all */
        if (n < 0) {
            if (WSAGetLastError() == WSAEWOULDBLOCK)
                continue;
            return -1;
        }
        for (long i = 0; i < n; i++)
            if (buf[i] >= 'a' && buf[i] <= 'z')
                buf[i] = (char)(buf[i] - 'a' + 'A');
        /* Reply before reading more: the server holds at most one buffer,
         * however big the file.  This cannot deadlock only because the
         * client reads while it sends (see upcase-client). */
        for (long off = 0; off < n;) {
            w = wait_for(client, POLLOUT);
            if (w <= 0)
                return w == 0 ? STOPPED : -1;
            /* Windows has no SIGPIPE: a client that has gone just makes
             * send() fail (WSAECONNRESET or WSAECONNABORTED, as reported). */
            long m = send(client, buf + off, (int)(n - off), 0);
            if (m < 0 && WSAGetLastError() != WSAEWOULDBLOCK)
                return -1;
            if (m > 0)
                off += m;
        }
        total += n;
    }
    /* [upcase-loop] */
}

int main(int argc, char **argv)
{
    struct sockaddr_un addr;
    socklen_t addr_len;
    int status = 0;

    /* An argument starting with - is an option, never a path: --help. */
    int opt = uds_options(PROG, argc, argv, NULL, USAGE);
    if (opt >= 0)
        return opt;
    if (argc != 2) {
        fprintf(stderr, "%s\n", USAGE);
        return 2;
    }
    const char *path = argv[1];
    if (uds_startup() != 0)
        return uds_fail(PROG, "cannot start", "Winsock");
    if (uds_addr_path(&addr, &addr_len, path) != 0)
        return uds_fail(PROG, "bad socket path", path);

    /* Before the socket file exists, so that Ctrl+C cannot end the server
     * between bind() and the code that removes the file again. */
    if (prepare_stop() != 0)
        return uds_fail(PROG, "cannot prepare", "to stop");
    SOCKET listener = start_listening(PROG, path, &addr, addr_len);
    if (listener == INVALID_SOCKET) {
        stop_done(); /* undo what is set up, as at the end */
        uds_cleanup();
        return 1;
    }
    printf("listening on %s\n", path);

    long served = 0;
    for (;;) {
        /* The log's reader has gone (Windows has no SIGPIPE): the server
         * stops as if asked to, removing its file.  The error is in errno. */
        if (fflush(stdout) != 0) {
            fprintf(stderr, PROG ": cannot write standard output: %s\n", strerror(errno));
            status = 1;
            break;
        }
        int w = wait_for(listener, POLLIN);
        if (w == 0)
            break; /* a stop event */
        if (w < 0) {
            status = uds_fail(PROG, "cannot wait on", path);
            break;
        }
        SOCKET client = accept(listener, NULL, NULL);
        if (client == INVALID_SOCKET) {
            if (WSAGetLastError() == WSAEWOULDBLOCK || WSAGetLastError() == WSAECONNRESET)
                continue; /* the client left before we took it */
            status = uds_fail(PROG, "cannot accept on", path);
            break;
        }
        served++;
        long n = set_nonblocking(client) == 0 ? upcase(client) : -1;
        if (n == STOPPED)
            printf("client %ld: cut off, the server is stopping\n", served);
        else if (n < 0)
            fprintf(stderr, PROG ": client %ld: %s\n", served,
                    uds_strerror(uds_last_error()));
        else
            printf("client %ld: upcased %ld bytes\n", served, n);
        /* Closing tells the client: that's the whole reply. */
        closesocket(client);
    }

    /* [cleanup] */
    closesocket(listener);
    /* The file outlives the socket: remove it, or the next start must
     * decide whether it is stale. */
    DeleteFileA(path);
    const char *why = stop_requested();
    if (why)
        printf("stopping on %s; removed %s\n", why, path);
    else
        printf("stopping; removed %s\n", path);
    /* [cleanup] */
    fflush(stdout);
    /* Undo in the reverse order of the set-up: the stop (whose Windows
     * handler sends on a socket) before Winsock. */
    stop_done();
    uds_cleanup();
    return status;
}
