/* SPDX-License-Identifier: MIT */
/*
 * chat-server (Linux): one process, one thread, as many clients as come.
 *
 * A line-based chat room: a client's first line is its name, and every
 * later line goes to every other client as "NAME: line" (room.c).  One
 * poll() waits on the listener and every client at once, and every socket
 * is non-blocking, so no client can hold up the others.  Stops on SIGINT,
 * SIGTERM or SIGHUP, removing its socket file: chapter 03's stop, set up
 * by the library (uds_prepare_stop()); how it starts is in start.c
 * (chapter 03's way, and the descriptor limit).
 *
 * usage: chat-server SOCKET_PATH
 */
#include "uds.h"
#include "room.h"
#include "start.h"

#include <stdio.h>
#include <errno.h>
#include <unistd.h>

#define PROG "chat-server"
#define USAGE "usage: " PROG " SOCKET_PATH"

/* [accept] */
/* One POLLIN on the listener may stand for many clients: accept until the
 * queue is empty (EAGAIN).  When accept() fails for want of descriptors
 * (EMFILE, ENFILE) or memory, calling it again would fail again at once,
 * and the server would spin: it stops watching the listener until a client
 * leaves and frees a descriptor (drop() in room.c). */
static void accept_clients(const char *path)
{
    for (;;) {
        /* SOCK_NONBLOCK: on Linux the new socket does not inherit the
         * listener's O_NONBLOCK (on Windows it does). */
        int s = accept4(fds[0].fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (s < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (s < 0 && errno == ECONNABORTED)
            continue; /* that client left before we took it */
        if (s < 0 || room_add(s) != 0) {
            if (s >= 0) {
                close(s); /* the room is full, or memory ran out */
                errno = nfds == FIRST_CLIENT + MAX_CLIENTS ? EMFILE : ENOMEM;
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
        ssize_t n = recv(c->sock, c->in + c->in_len, sizeof c->in - c->in_len, 0);
        if (n == 0) {
            drop(i, "left", 0); /* an unfinished line goes with it */
            return;
        }
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
            drop(i, "lost", errno);
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
         * MSG_NOSIGNAL: a vanished client gives EPIPE, not a fatal SIGPIPE. */
        ssize_t n = send(c->sock, c->out, c->out_len, MSG_NOSIGNAL);
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
            drop(i, "lost", errno);
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
    int listener = start_listening(PROG, path, &addr, addr_len);
    if (listener < 0) {
        uds_stop_done(); /* undo what is set up, as at the end */
        uds_cleanup();
        return 1;
    }
    fds[0] = (struct pollfd){ .fd = listener, .events = POLLIN };
    printf("listening on %s\n", path);

    /* [event-loop] */
    while (!uds_stop_requested()) {
        fflush(stdout); /* the log goes out before every wait */
        if (ppoll(fds, (nfds_t)nfds, NULL, uds_stop_wait_mask()) < 0) {
            if (errno == EINTR)
                continue; /* a stop signal: the loop looks at the flag */
            status = uds_fail(PROG, "cannot wait on", path);
            break;
        }
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
    close(listener);
    unlink(path);
    if (uds_stop_requested())
        printf("stopping on %s; removed %s\n", uds_stop_requested(), path);
    /* [cleanup] */
    fflush(stdout);
    uds_stop_done();
    uds_cleanup();
    return status;
}
