/* SPDX-License-Identifier: MIT */
/*
 * chat-server (Windows): one process, one thread, as many clients as come.
 *
 * A line-based chat room: a client's first line is its name, and every
 * later line goes to every other client as "NAME: line" (room.c).  One
 * WSAPoll() waits on the listener and every client at once, and every
 * socket is non-blocking, so no client can hold up the others.  Stops on
 * Ctrl+C, Ctrl+Break or the closing of its console, removing its socket
 * file: chapter 03's stop, set up by the library (uds_prepare_stop()); how
 * it starts is in start.c (chapter 03's way, and the descriptor limit).
 *
 * usage: chat-server SOCKET_PATH
 * SOCKET_PATH is a Windows path: C:\Users\me\AppData\Local\Temp\chat.sock
 */
#include "uds.h"
#include "room.h"
#include "start.h"

#include <stdio.h>

#define PROG "chat-server"
#define USAGE "usage: " PROG " SOCKET_PATH"

/* [accept] */
/* One POLLIN on the listener may stand for many clients: accept until the
 * queue is empty (WSAEWOULDBLOCK).  When accept() fails for want of
 * resources (WSAEMFILE, WSAENOBUFS), calling it again would fail again at
 * once, and the server would spin: it stops watching the listener until a
 * client leaves and frees its socket (drop() in room.c). */
static void accept_clients(const char *path)
{
    for (;;) {
        /* On Windows the new socket inherits the listener's non-blocking
         * mode (on Linux it does not: accept4() with SOCK_NONBLOCK there). */
        SOCKET s = accept(fds[0].fd, NULL, NULL);
        if (s == INVALID_SOCKET && WSAGetLastError() == WSAEWOULDBLOCK)
            return;
        if (s == INVALID_SOCKET && WSAGetLastError() == WSAECONNRESET)
            continue; /* that client left before we took it */
        if (s == INVALID_SOCKET || room_add(s) != 0) {
            if (s != INVALID_SOCKET) {
                closesocket(s); /* the room is full, or memory ran out */
                WSASetLastError(nfds == FIRST_CLIENT + MAX_CLIENTS ? WSAEMFILE : WSAENOBUFS);
            }
            uds_fail(PROG, "cannot accept on", path);
            printf("accepting paused until a client leaves\n");
            fds[0].events = 0;
            return;
        }
    }
}
/* [accept] */

/* [serve] */
/* Client i is ready: read what came, send what waits.  Never blocks. */
static void serve(size_t i)
{
    struct client *c = clients[i];

    if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
        /* One recv() per client per round: one that sends a flood gets no
         * more turns than one that sends a line now and then. */
        int n = recv(c->sock, c->in + c->in_len, (int)(sizeof c->in - c->in_len), 0);
        if (n == 0) {
            drop(i, "left", 0); /* an unfinished line goes with it */
            return;
        }
        if (n < 0 && WSAGetLastError() != WSAEWOULDBLOCK) {
            drop(i, "lost", WSAGetLastError());
            return;
        }
        c->in_len += n > 0 ? (size_t)n : 0;
        for (char *line; (line = client_next_line(c)) != NULL;)
            if (take_line(i, line) != 0)
                return;
        if (c->in_len == sizeof c->in) {
            drop(i, "cut off: line too long", 0);
            return;
        }
    }
    if (fds[i].revents & POLLOUT) {
        /* Send what the socket takes; the rest waits for the next POLLOUT.
         * Windows has no SIGPIPE: a vanished client just fails the send. */
        int n = send(c->sock, c->out, (int)c->out_len, 0);
        if (n < 0 && WSAGetLastError() != WSAEWOULDBLOCK) {
            drop(i, "lost", WSAGetLastError());
            return;
        }
        client_sent(c, n > 0 ? (size_t)n : 0);
        if (c->out_len == 0)
            fds[i].events = POLLIN; /* nothing waits: stop asking for POLLOUT */
    }
}
/* [serve] */

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
    if (uds_addr_path(&addr, &addr_len, path) != 0)
        return uds_fail(PROG, "bad socket path", path);
    raise_fd_limit();
    if (uds_startup() != 0)
        return uds_fail(PROG, "cannot start", "Winsock");
    if (uds_prepare_stop() != 0)
        return uds_fail(PROG, "cannot set up", "the stop handler");
    SOCKET listener = start_listening(PROG, path, &addr, addr_len);
    if (listener == INVALID_SOCKET) {
        uds_stop_done(); /* undo what is set up, as at the end */
        uds_cleanup();
        return 1;
    }
    fds[0] = (struct pollfd){ .fd = listener, .events = POLLIN };
    fds[1] = (struct pollfd){ .fd = uds_stop_wake(), .events = POLLIN };
    printf("listening on %s\n", path);

    /* [event-loop] */
    while (!uds_stop_requested()) {
        fflush(stdout); /* the log goes out before every wait */
        if (WSAPoll(fds, (ULONG)nfds, -1) < 0) {
            status = uds_fail(PROG, "cannot wait on", path);
            break;
        }
        if (fds[1].revents != 0)
            continue; /* the console handler's byte: the loop looks at the flag */
        size_t polled = nfds; /* clients accepted below wait for the next round */
        for (size_t i = FIRST_CLIENT; i < polled; i++)
            if (clients[i] != NULL && fds[i].revents != 0)
                serve(i);
        if (fds[0].revents & POLLIN)
            accept_clients(path);
        sweep();
    }
    /* [event-loop] */

    /* [cleanup] */
    room_close_all();
    closesocket(listener);
    DeleteFileA(path);
    if (uds_stop_requested())
        printf("stopping on %s; removed %s\n", uds_stop_requested(), path);
    /* [cleanup] */
    fflush(stdout);
    uds_stop_done();
    uds_cleanup();
    return status;
}
