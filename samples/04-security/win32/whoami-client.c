/* SPDX-License-Identifier: MIT */
/*
 * whoami-client (Windows): ask a server who it thinks we are.
 *
 * Prints who this process is, connects, and prints the server's first
 * line.  A line starting with "refused:" means the server will not serve
 * us: the client stops there, with exit status 1.  Otherwise it sends one
 * message, "whoami" (Windows has no way to attach credentials to it), says
 * it has sent everything (shutdown), and prints all the server sends until
 * the server closes.  It is also a client for private-server.
 *
 * usage: whoami-client SOCKET_PATH
 * SOCKET_PATH is a Windows path: C:\Users\me\AppData\Local\Temp\who.sock
 */
#include "uds.h"
#include "common.h"
#include "token.h"

#include <stdio.h>
#include <string.h>
#include <winsock2.h>
#include <afunix.h>

#define PROG "whoami-client"
#define USAGE "usage: " PROG " SOCKET_PATH"

/* [send-request] */
/* Send "whoami\n".  Windows has no SCM_CREDENTIALS: the server learns who
 * we are from our pid alone (SIO_AF_UNIX_GETPEERPID), never from a claim. */
static int send_request(SOCKET sock)
{
    static const char text[] = "whoami\n";
    return uds_send_all(sock, text, sizeof text - 1);
}
/* [send-request] */

/* Read one line (a byte at a time: it never reads past the newline).
 * Returns its length, 0 when the server closed before a line began, -1 on
 * an error: WSAECONNRESET when it closed in the middle of one. */
static long read_line(SOCKET sock, char *buf, size_t cap)
{
    size_t n = 0;
    while (n + 1 < cap) {
        long r = uds_recv_some(sock, buf + n, 1);
        if (r == 0 && n > 0)
            WSASetLastError(WSAECONNRESET);
        if (r <= 0)
            return n > 0 ? -1 : r;
        if (buf[n++] == '\n')
            break;
    }
    buf[n] = '\0';
    return (long)n;
}

int main(int argc, char **argv)
{
    struct sockaddr_un addr;
    socklen_t addr_len;
    char line[1024], me[300];
    sid_buf sid;
    const char *step;

    /* An argument starting with - is an option, never a path: --help. */
    int opt = uds_options(PROG, argc, argv, NULL, USAGE);
    if (opt >= 0)
        return opt;
    if (argc != 2) {
        fprintf(stderr, "%s\n", USAGE);
        return 2;
    }
    const char *path = argv[1];
    /* Windows only: Winsock works only after WSAStartup. */
    if (uds_startup() != 0)
        return uds_fail(PROG, "cannot start", "Winsock");
    if (make_address(&addr, &addr_len, path) != 0)
        return uds_fail(PROG, "bad socket path", path);
    DWORD err = token_sid(0, TokenUser, &sid.sid, &step);
    if (err != 0)
        return uds_fail_code(PROG, "cannot read the token of", "this process", (int)err);
    printf("I am pid %lu, user %s\n", GetCurrentProcessId(), sid_text(&sid.sid, me, sizeof me));
    fflush(stdout);

    SOCKET sock = socket(AF_UNIX, SOCK_STREAM, 0);
    if (sock == INVALID_SOCKET)
        return uds_fail_socket(PROG, path);
    int r = 1;
    long n;
    if (connect(sock, (struct sockaddr *)&addr, addr_len) != 0) {
        uds_fail(PROG, "cannot connect to", path);
        goto out;
    }
    /* [first-line] */
    /* The server speaks first: either who we are, or why it refuses us. */
    n = read_line(sock, line, sizeof line);
    if (n <= 0) {
        if (n == 0)
            fprintf(stderr, PROG ": %s closed the connection without a word\n", path);
        else
            uds_fail(PROG, "cannot receive from", path);
        goto out;
    }
    fputs(line, stdout);
    if (strncmp(line, "refused:", 8) == 0)
        goto out; /* nothing sent, so the server's close is clean */
    /* [first-line] */
    if (send_request(sock) != 0 || shutdown(sock, SD_SEND) != 0) {
        uds_fail(PROG, "cannot send to", path);
        goto out;
    }
    while ((n = read_line(sock, line, sizeof line)) > 0)
        fputs(line, stdout);
    if (n < 0)
        uds_fail(PROG, "cannot receive from", path);
    else
        r = 0;
out:
    closesocket(sock);
    return r;
}
