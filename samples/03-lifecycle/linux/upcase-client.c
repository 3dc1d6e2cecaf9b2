/* SPDX-License-Identifier: MIT */
/*
 * upcase-client (Linux): send a whole file, say "that's all", read the reply.
 *
 * Sends FILE (or standard input) to an upcase server, half-closes the
 * connection with shutdown(SHUT_WR) once everything is sent, and writes
 * the server's reply to standard output until the server closes.  The
 * reply must be exactly as long as what was sent; a server that stops
 * early is reported, never taken for a short reply.
 *
 * usage: upcase-client SOCKET_PATH [FILE]
 */
#include "uds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#define PROG "upcase-client"
#define USAGE "usage: " PROG " SOCKET_PATH [FILE]"

/* A blocking send() of a big buffer would wait for the server to read it,
 * while the server waits for us to read its reply: both stuck for ever.
 * Non-blocking, send() takes what fits and we go back to reading. */
static int set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    return flags < 0 ? -1 : fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

static int retry(void)
{
    return errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK;
}

/* Stream input to the socket and the reply to stdout, at the same time.
 * Returns 0 when the whole reply came back, 1 after reporting an error. */
static int exchange(int sock, int in, const char *path, const char *name)
{
    char out[65536], reply[65536];
    size_t out_len = 0, out_off = 0;
    unsigned long long sent = 0, received = 0;
    int input_done = 0;

    /* [client-exchange] */
    for (;;) {
        int pending = out_off < out_len;
        /* A negative fd is skipped by poll(): read more input only once
         * the last piece has gone out. */
        struct pollfd p[2] = {
            { .fd = input_done || pending ? -1 : in, .events = POLLIN },
            { .fd = sock, .events = POLLIN | (pending ? POLLOUT : 0) },
        };
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue; /* a signal's handler ran: just wait again */
            return uds_fail(PROG, "cannot wait on", path);
        }
        if (p[0].revents) {
            long n = read(in, out, sizeof out);
            if (n < 0 && !retry())
                return uds_fail(PROG, "cannot read", name);
            if (n == 0) {
                input_done = 1;
                /* "I have sent everything": the server's recv() returns 0,
                 * and our direction for reading stays open for the reply. */
                if (shutdown(sock, SHUT_WR) != 0)
                    return uds_fail(PROG, "cannot shut down sending to", path);
            }
            if (n > 0) {
                out_len = (size_t)n;
                out_off = 0;
            }
        }
        if (p[1].revents & POLLOUT) {
            long n = send(sock, out + out_off, out_len - out_off, 0);
            if (n < 0 && !retry())
                return uds_fail(PROG, "cannot send to", path); /* EPIPE: server gone */
            if (n > 0) {
                out_off += (size_t)n;
                sent += (unsigned long long)n;
            }
        }
        if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            long n = recv(sock, reply, sizeof reply, 0);
            if (n < 0 && !retry())
                return uds_fail(PROG, "cannot receive from", path); /* ECONNRESET */
            if (n == 0) {
                /* The server's close: the whole reply, if it matches. */
                if (input_done && received == sent)
                    return 0;
                fprintf(stderr, PROG ": %s closed the connection early, after "
                        "%llu of %llu bytes\n", path, received, sent);
                return 1;
            }
            if (n > 0) {
                received += (unsigned long long)n;
                /* Flushed at once: the reply is a stream, not a result. */
                if (fwrite(reply, 1, (size_t)n, stdout) != (size_t)n || fflush(stdout) != 0)
                    return uds_fail(PROG, "cannot write", "standard output");
            }
        }
    }
    /* [client-exchange] */
}

int main(int argc, char **argv)
{
    struct sockaddr_un addr;
    socklen_t addr_len;
    int sock;

    /* An argument starting with - is an option, never a path: --help. */
    int opt = uds_options(PROG, argc, argv, NULL, USAGE);
    if (opt >= 0)
        return opt;
    if (argc != 2 && argc != 3) {
        fprintf(stderr, "%s\n", USAGE);
        return 2;
    }
    const char *path = argv[1];
    const char *name = argc == 3 ? argv[2] : "standard input";
    if (uds_startup() != 0)
        return uds_fail(PROG, "cannot start", "Winsock");
    if (uds_addr_path(&addr, &addr_len, path) != 0)
        return uds_fail(PROG, "bad socket path", path);

    /* [ignore-sigpipe] */
    /* Sending to a server that has gone raises SIGPIPE, which kills the
     * process by default.  Ignored, it leaves send() failing with EPIPE,
     * an error this program can report. */
    signal(SIGPIPE, SIG_IGN);
    /* [ignore-sigpipe] */

    int in = argc == 3 ? open(name, O_RDONLY) : 0;
    if (in < 0)
        return uds_fail(PROG, "cannot open", name);
    /* [client-connect] */
    sock = socket(AF_UNIX, SOCK_STREAM, 0);
    int r = 1;
    if (sock < 0)
        uds_fail_socket(PROG, path);
    else if (connect(sock, (struct sockaddr *)&addr, addr_len) != 0)
        uds_fail(PROG, "cannot connect to", path);
    else if (set_nonblocking(sock) != 0)
        uds_fail(PROG, "cannot set up the socket for", path);
    else
        r = exchange(sock, in, path, name);
    /* [client-connect] */
    if (sock >= 0)
        close(sock);
    if (argc == 3)
        close(in);
    uds_cleanup();
    return r;
}
