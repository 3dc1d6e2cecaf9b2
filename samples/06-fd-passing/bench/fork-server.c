/* SPDX-License-Identifier: MIT */
/*
 * fork-server (Linux): the plain fork-per-connection accept loop, as the
 * baseline of the chapter's bench.
 *
 * Listens on ADDRESS PORT (TCP) and for each connection forks a child that
 * runs COMMAND with the connection as its stdin, stdout and stderr, the way
 * inetd does without a second process in between.  Port 0 means any free
 * port; the readiness line tells which one was chosen.  It binds the first
 * address ADDRESS resolves to; `-`, `*`, `?`, `:` or an empty ADDRESS mean
 * the wildcard address.
 *
 * usage: fork-server ADDRESS PORT COMMAND [ARGS...]
 */
#include "uds.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROG "fork-server"

/* Resolve, bind and listen; prints the readiness line.  Returns the
 * listening socket, or -1 after printing why. */
static int listen_on(const char *address, const char *port)
{
    struct addrinfo hints, *res;
    struct sockaddr_storage bound;
    socklen_t len = sizeof bound;
    char host[NI_MAXHOST], serv[NI_MAXSERV];
    int fd, err, one = 1;

    if (*address == '\0' || strcmp(address, "-") == 0 || strcmp(address, "*") == 0
        || strcmp(address, "?") == 0 || strcmp(address, ":") == 0)
        address = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    err = getaddrinfo(address, port, &hints, &res);
    if (err != 0) {
        fprintf(stderr, PROG ": cannot resolve %s:%s: %s\n", address ? address : "*", port,
                err == EAI_SYSTEM ? uds_strerror(errno) : gai_strerror(err));
        return -1;
    }
    fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        fprintf(stderr, PROG ": cannot create a socket: %s\n", uds_strerror(errno));
        freeaddrinfo(res);
        return -1;
    }
    /* Reruns of the bench must not wait for old connections' TIME_WAIT. */
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, res->ai_addr, res->ai_addrlen) != 0 || listen(fd, SOMAXCONN) != 0
        || getsockname(fd, (struct sockaddr *)&bound, &len) != 0) {
        fprintf(stderr, PROG ": cannot listen on %s:%s: %s\n", address ? address : "*", port,
                uds_strerror(errno));
        freeaddrinfo(res);
        close(fd);
        return -1;
    }
    freeaddrinfo(res);
    err = getnameinfo((struct sockaddr *)&bound, len, host, sizeof host, serv, sizeof serv,
                      NI_NUMERICHOST | NI_NUMERICSERV);
    if (err != 0) {
        strcpy(host, "?");
        strcpy(serv, "?");
    }
    printf(bound.ss_family == AF_INET6 ? PROG ": listening on [%s]:%s\n"
                                       : PROG ": listening on %s:%s\n", host, serv);
    fflush(stdout);
    return fd;
}

int main(int argc, char **argv)
{
    char *end;
    int listener;

    if (argc < 4) {
        fprintf(stderr, "usage: " PROG " ADDRESS PORT COMMAND [ARGS...]\n");
        return 2;
    }
    /* Checked here: getaddrinfo() would take 99999 and wrap it round. */
    long port = strtol(argv[2], &end, 10);
    if (*argv[2] == '\0' || *end != '\0' || port < 0 || port > 65535) {
        fprintf(stderr, PROG ": PORT must be a number from 0 to 65535, not '%s'\n", argv[2]);
        return 2;
    }
    listener = listen_on(argv[1], argv[2]);
    if (listener < 0)
        return 1;

    for (;;) {
        pid_t pid;
        /* SOCK_CLOEXEC: the child's copy is closed by exec, so COMMAND sees
         * the connection only on 0, 1 and 2 (dup2 clears the flag there). */
        int conn = accept4(listener, NULL, NULL, SOCK_CLOEXEC);

        if (conn < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            fprintf(stderr, PROG ": cannot accept on %s:%s: %s\n", argv[1], argv[2],
                    uds_strerror(errno));
            return 1;
        }
        pid = fork();
        if (pid == 0) {
            if (dup2(conn, 0) < 0 || dup2(conn, 1) < 0 || dup2(conn, 2) < 0)
                _exit(126);
            execvp(argv[3], argv + 3);
            /* stderr is the connection now: tell the client why. */
            fprintf(stderr, PROG ": cannot run %s: %s\n", argv[3], uds_strerror(errno));
            _exit(127);
        }
        if (pid < 0)
            fprintf(stderr, PROG ": cannot fork for a connection: %s\n", uds_strerror(errno));
        close(conn);
        /* Reap whatever has finished, without waiting: zombies stay bounded
         * by the number of connections in flight. */
        while (waitpid(-1, NULL, WNOHANG) > 0)
            continue;
    }
}
