/* SPDX-License-Identifier: MIT */
/*
 * interop-client (Linux): the client side of a Windows/WSL pair.
 *
 * Connects to SOCKET_PATH, spelled the Linux way (a Windows server's
 * C:\Users\me\app.sock is /mnt/c/Users/me/app.sock in WSL), sends MESSAGE,
 * shuts down its sending side and prints the whole answer.
 *
 * usage: interop-client SOCKET_PATH MESSAGE
 */
#include "uds.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define PROG "interop-client"
#define USAGE "usage: " PROG " SOCKET_PATH MESSAGE"

int main(int argc, char **argv)
{
    struct sockaddr_un addr;
    socklen_t addr_len;

    int opt = uds_options(PROG, argc, argv, NULL, USAGE);
    if (opt >= 0)
        return opt;
    if (argc != 3) {
        fprintf(stderr, "%s\n", USAGE);
        return 2;
    }
    const char *path = argv[1];
    const char *message = argv[2];
    if (uds_startup() != 0)
        return uds_fail(PROG, "cannot start", "Winsock");
    if (uds_addr_path(&addr, &addr_len, path) != 0)
        return uds_fail(PROG, "bad socket path", path);

    /* [first-operation] */
    int sock = socket(AF_UNIX, SOCK_STREAM, 0);
    if (sock < 0)
        return uds_fail_socket(PROG, path);
    /* connect() comes first, before any setsockopt(), fcntl() or
     * getsockopt() on sock: on WSL 1 the first call decides whether this
     * socket may ever reach a Windows program (see the chapter). */
    if (connect(sock, (struct sockaddr *)&addr, addr_len) != 0) {
        uds_fail(PROG, "cannot connect to", path);
        close(sock);
        return 1;
    }
    /* [first-operation] */

    /* [exchange] */
    int status = 1;
    if (uds_send_all(sock, message, strlen(message)) != 0)
        uds_fail(PROG, "cannot send to", path);
    /* The end of the request: the server reads until EOF. */
    else if (shutdown(sock, SHUT_WR) != 0)
        uds_fail(PROG, "cannot shut down sending to", path);
    else {
        char buf[4096];
        long n, total = 0;
        while ((n = uds_recv_some(sock, buf, sizeof buf)) > 0) {
            fwrite(buf, 1, (size_t)n, stdout);
            total += n;
        }
        if (n < 0)
            uds_fail(PROG, "cannot receive from", path);
        else if (total == 0)
            fprintf(stderr, PROG ": %s closed the connection without an answer\n", path);
        else {
            putchar('\n');
            status = 0;
        }
    }
    /* [exchange] */
    close(sock);
    uds_cleanup();
    return status;
}
