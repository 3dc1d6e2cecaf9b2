/* SPDX-License-Identifier: MIT */
/*
 * chat-peer: misbehaving clients for chapter 07's tests.
 *
 *   hold SOCKET_PATH TEXT    connect, send TEXT, say "holding" (stderr), then read
 *                            nothing until SIGUSR1; then read to the end,
 *                            copy it to stdout, and report how it ended
 *   read SOCKET_PATH TEXT    the same without the wait: read at once
 *   vanish SOCKET_PATH TEXT  connect, send TEXT, leave at once
 *
 * TEXT is sent as it is: "name\nhalf a li" is a name and an unfinished line.
 */
#include "uds.h"

#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>

#define PROG "chat-peer"

int main(int argc, char **argv)
{
    struct sockaddr_un addr;
    socklen_t addr_len;
    char buf[4096];
    sigset_t usr1;
    int sig;

    if (argc != 4 || (strcmp(argv[1], "hold") != 0 && strcmp(argv[1], "read") != 0
                      && strcmp(argv[1], "vanish") != 0)) {
        fprintf(stderr, "usage: " PROG " hold|read|vanish SOCKET_PATH TEXT\n");
        return 2;
    }
    /* Blocked from the start, so that a SIGUSR1 sent early waits for sigwait(). */
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigprocmask(SIG_BLOCK, &usr1, NULL);
    if (uds_addr_path(&addr, &addr_len, argv[2]) != 0)
        return uds_fail(PROG, "bad socket path", argv[2]);
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    if (s < 0)
        return uds_fail_socket(PROG, argv[2]);
    if (connect(s, (struct sockaddr *)&addr, addr_len) != 0
        || uds_send_all(s, argv[3], strlen(argv[3])) != 0) {
        uds_fail(PROG, "cannot talk to", argv[2]);
        close(s);
        return 1;
    }
    if (strcmp(argv[1], "vanish") == 0) {
        printf("sent %zu bytes and left\n", strlen(argv[3]));
        close(s);
        return 0;
    }
    if (strcmp(argv[1], "hold") == 0) {
        fprintf(stderr, "holding\n"); /* stdout is for what it reads */
        sigwait(&usr1, &sig);
    }
    long n, total = 0;
    while ((n = uds_recv_some(s, buf, sizeof buf)) > 0) {
        fwrite(buf, 1, (size_t)n, stdout);
        total += n;
    }
    fflush(stdout);
    if (n < 0)
        fprintf(stderr, "read %ld bytes, then: %s\n", total, uds_strerror(uds_last_error()));
    else
        fprintf(stderr, "read %ld bytes, then the end\n", total);
    close(s);
    return 0;
}
