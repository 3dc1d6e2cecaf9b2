/* SPDX-License-Identifier: MIT */
/*
 * upcase-client (Windows): send a whole file, say "that's all", read the reply.
 *
 * Sends FILE (or standard input) to an upcase server, half-closes the
 * connection with shutdown(SD_SEND) once everything is sent, and writes
 * the server's reply to standard output until the server closes.  The
 * reply must be exactly as long as what was sent; a server that stops
 * early is reported, never taken for a short reply.
 *
 * usage: upcase-client SOCKET_PATH [FILE]
 * SOCKET_PATH is a Windows path: C:\Users\me\AppData\Local\Temp\up.sock
 */
#include "uds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <winsock2.h>
#include <afunix.h>

#define PROG "upcase-client"
#define USAGE "usage: " PROG " SOCKET_PATH [FILE]"

/* A blocking send() of a big buffer would wait for the server to read it,
 * while the server waits for us to read its reply: both stuck for ever.
 * Non-blocking, send() takes what fits and we go back to reading. */
static int set_nonblocking(SOCKET fd)
{
    u_long on = 1;
    return ioctlsocket(fd, FIONBIO, &on) == 0 ? 0 : -1;
}

static int retry(void)
{
    return WSAGetLastError() == WSAEWOULDBLOCK;
}

/* Stream input to the socket and the reply to stdout, at the same time.
 * Returns 0 when the whole reply came back, 1 after reporting an error. */
static int exchange(SOCKET sock, HANDLE in, const char *path, const char *name)
{
    char out[65536], reply[65536];
    size_t out_len = 0, out_off = 0;
    unsigned long long sent = 0, received = 0;
    int input_done = 0;

    /* [client-exchange] */
    for (;;) {
        int pending = out_off < out_len;
        /* WSAPoll() takes sockets only, not files: input is read without
         * asking, once the last piece has gone out.  Reading a file never
         * waits for the server, so this cannot deadlock either. */
        int input_due = !input_done && !pending;
        WSAPOLLFD p[1] = {
            { .fd = sock, .events = POLLIN | (pending ? POLLOUT : 0) },
        };
        if (WSAPoll(p, 1, input_due ? 0 : -1) < 0)
            return uds_fail(PROG, "cannot wait on", path);
        if (input_due) {
            DWORD got = 0;
            /* A pipe whose writer has gone says ERROR_BROKEN_PIPE: its end. */
            long n = ReadFile(in, out, sizeof out, &got, NULL)
                     || GetLastError() == ERROR_BROKEN_PIPE ? (long)got : -1;
            if (n < 0)
                return uds_fail_code(PROG, "cannot read", name, (int)GetLastError());
            if (n == 0) {
                input_done = 1;
                /* "I have sent everything": the server's recv() returns 0,
                 * and our direction for reading stays open for the reply. */
                if (shutdown(sock, SD_SEND) != 0)
                    return uds_fail(PROG, "cannot shut down sending to", path);
            }
            if (n > 0) {
                out_len = (size_t)n;
                out_off = 0;
            }
        }
        if (p[0].revents & POLLOUT) {
            long n = send(sock, out + out_off, (int)(out_len - out_off), 0);
            if (n < 0 && !retry())
                return uds_fail(PROG, "cannot send to", path); /* server gone */
            if (n > 0) {
                out_off += (size_t)n;
                sent += (unsigned long long)n;
            }
        }
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            long n = recv(sock, reply, sizeof reply, 0);
            if (n < 0 && !retry())
                return uds_fail(PROG, "cannot receive from", path); /* WSAECONNRESET */
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
                if (fwrite(reply, 1, (size_t)n, stdout) != (size_t)n || fflush(stdout) != 0) {
                    /* The C library's error is in errno, not Winsock's. */
                    fprintf(stderr, PROG ": cannot write standard output: %s\n", strerror(errno));
                    return 1;
                }
            }
        }
    }
    /* [client-exchange] */
}

int main(int argc, char **argv)
{
    struct sockaddr_un addr;
    socklen_t addr_len;
    SOCKET sock;

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
    /* Windows has no SIGPIPE: sending to a server that has gone just
     * fails, with an error this program can report.  What needs care here
     * is the bytes: the C library would turn \n into \r\n on the way out. */
    _setmode(_fileno(stdout), _O_BINARY);
    /* [ignore-sigpipe] */

    HANDLE in = argc == 3 ? CreateFileA(name, GENERIC_READ, FILE_SHARE_READ, NULL,
                                        OPEN_EXISTING, 0, NULL)
                          : GetStdHandle(STD_INPUT_HANDLE);
    if (in == INVALID_HANDLE_VALUE)
        return uds_fail_code(PROG, "cannot open", name, (int)GetLastError());
    /* [client-connect] */
    sock = socket(AF_UNIX, SOCK_STREAM, 0);
    int r = 1;
    if (sock == INVALID_SOCKET)
        uds_fail_socket(PROG, path);
    else if (connect(sock, (struct sockaddr *)&addr, addr_len) != 0)
        uds_fail(PROG, "cannot connect to", path);
    else if (set_nonblocking(sock) != 0)
        uds_fail(PROG, "cannot set up the socket for", path);
    else
        r = exchange(sock, in, path, name);
    /* [client-connect] */
    if (sock != INVALID_SOCKET)
        closesocket(sock);
    if (argc == 3)
        CloseHandle(in);
    uds_cleanup();
    return r;
}
