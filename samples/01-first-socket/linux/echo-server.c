/* SPDX-License-Identifier: MIT */
/*
 * echo-server (Linux): the first AF_UNIX server.
 *
 * Listens on a pathname socket, and for each client sends back every byte
 * it receives until the client closes.  Serves COUNT clients, one after
 * another, then removes its socket file and exits; without COUNT it serves
 * until it is killed.
 *
 * usage: echo-server SOCKET_PATH [COUNT]
 */
#include "uds.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#define PROG "echo-server"
#define USAGE "usage: " PROG " SOCKET_PATH [COUNT]"

static int fail(const char *what, const char *path)
{
    fprintf(stderr, PROG ": %s %s: %s\n", what, path, uds_strerror(errno));
    return 1;
}

/* [remove-stale] */
/* bind() refuses a path that exists, even when it is a socket that nobody
 * listens on any more.  Remove an old socket file, but never anything else:
 * a typing mistake must not delete a user's file. */
static int remove_old_socket(const char *path)
{
    struct stat st;

    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : fail("cannot inspect", path);
    if (!S_ISSOCK(st.st_mode)) {
        fprintf(stderr, PROG ": %s exists and is not a socket; not removing it\n", path);
        return 1;
    }
    return unlink(path) == 0 ? 0 : fail("cannot remove old socket", path);
}
/* [remove-stale] */

/* Echo one client's bytes back until it closes; returns bytes echoed, or -1. */
static long echo(int client)
{
    char buf[4096];
    long total = 0;

    /* [echo-loop] */
    for (;;) {
        long n = uds_recv_some(client, buf, sizeof buf);
        if (n == 0)
            return total; /* the client closed its end: we are done */
        if (n < 0 || uds_send_all(client, buf, (size_t)n) != 0)
            return -1;
        total += n;
    }
    /* [echo-loop] */
}

int main(int argc, char **argv)
{
    struct sockaddr_un addr;
    socklen_t addr_len;
    long count = -1;
    int listener;
    int status = 0;

    /* An argument starting with - is an option, never a path: --help
     * prints the usage; anything else is a usage error (see lib/uds.h). */
    int opt = uds_options(PROG, argc, argv, NULL, USAGE);
    if (opt >= 0)
        return opt;
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "%s\n", USAGE);
        return 2;
    }
    if (argc == 3) {
        char *end;
        count = strtol(argv[2], &end, 10);
        if (*argv[2] == '\0' || *end != '\0' || count < 1) {
            fprintf(stderr, PROG ": COUNT must be a positive number, not '%s'\n", argv[2]);
            return 2;
        }
    }
    const char *path = argv[1];
    /* [make-address] */
    /* The address: the family, then the path and its NUL in sun_path (108
     * bytes).  An empty path is refused, and so is one that does not fit:
     * cut short, it would name another file. */
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof addr.sun_path) {
        errno = n == 0 ? EINVAL : ENAMETOOLONG;
        return fail("bad socket path", path);
    }
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    memcpy(addr.sun_path, path, n + 1);
    /* The length counts the bytes before sun_path, the path and its NUL. */
    addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
    /* [make-address] */

    /* Writing the log to a pipe whose reader has gone raises SIGPIPE,
     * which would kill the server and leave its socket file behind.
     * Ignored, the write fails with EPIPE instead (sends to a client that
     * has gone are covered by uds_send_all(), which uses MSG_NOSIGNAL). */
    signal(SIGPIPE, SIG_IGN);

    /* [server-setup] */
    listener = socket(AF_UNIX, SOCK_STREAM, 0);
    if (listener < 0)
        return fail("cannot create a socket for", path);
    if (remove_old_socket(path) != 0) {
        close(listener);
        return 1;
    }
    if (bind(listener, (struct sockaddr *)&addr, addr_len) != 0) {
        fail("cannot bind", path);
        close(listener);
        return 1;
    }
    if (listen(listener, 8) != 0) {
        fail("cannot listen on", path);
        close(listener);
        unlink(path);
        return 1;
    }
    /* [server-setup] */
    printf("listening on %s\n", path);

    /* [accept-loop] */
    for (long served = 0; count < 0 || served < count; served++) {
        /* The log may be a pipe whose reader has gone (`| head -c 1`):
         * with SIGPIPE ignored (above) the write fails with EPIPE; then
         * stop, and remove the socket file, rather than serve on without
         * a log. */
        if (fflush(stdout) != 0) {
            status = fail("cannot write", "standard output");
            break;
        }
        int client = accept(listener, NULL, NULL);
        if (client < 0) {
            status = fail("cannot accept on", path);
            break;
        }
        long n = echo(client);
        if (n < 0)
            fprintf(stderr, PROG ": client %ld: %s\n", served + 1, uds_strerror(errno));
        else
            printf("client %ld: echoed %ld bytes\n", served + 1, n);
        close(client);
    }
    /* [accept-loop] */

    /* [cleanup] */
    close(listener);
    /* The file outlives the socket: remove it, or the next bind() fails. */
    unlink(path);
    /* [cleanup] */
    printf("done; removed %s\n", path);
    return status;
}
