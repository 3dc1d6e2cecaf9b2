/* SPDX-License-Identifier: MIT */
/*
 * interop-server (Linux): the server side of a Windows/WSL pair.
 *
 * On Windows the natural server is the Win32 twin; this one lets the
 * chapter run anywhere, and shows what a WSL server must do to accept
 * Windows clients: bind a path on a Windows drive (/mnt/c/...), with
 * bind() as the first call on its new socket.
 *
 * Each client sends a request and shuts down its sending side; the server
 * answers "from linux: " and the request, then closes.  Serves COUNT
 * clients, then removes its socket file; without COUNT it serves until
 * it is killed.
 *
 * usage: interop-server SOCKET_PATH [COUNT]
 */
#include "uds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#define PROG "interop-server"
#define USAGE "usage: " PROG " SOCKET_PATH [COUNT]"
#define PLATFORM "linux"
/* A request is short; one byte more tells a longer one apart. */
#define REQUEST_MAX 1024

/* Remove an old socket file before bind(), but never anything else. */
static int remove_old_socket(const char *path)
{
    struct stat st;

    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : uds_fail(PROG, "cannot inspect", path);
    if (!S_ISSOCK(st.st_mode)) {
        fprintf(stderr, PROG ": %s exists and is not a socket; not removing it\n", path);
        return 1;
    }
    return unlink(path) == 0 ? 0 : uds_fail(PROG, "cannot remove old socket", path);
}

/* Read one request up to the client's end of sending, answer it.  Returns
 * the request's length, or -1 after printing why not. */
static long serve(int client, const char *who)
{
    /* [serve] */
    char req[REQUEST_MAX + 1];
    size_t got = 0;
    long n = 1;
    /* Until EOF: the client's shutdown() is the end of its request, and a
     * half-close crosses the Windows/WSL boundary like any byte. */
    while (got < sizeof req && (n = uds_recv_some(client, req + got, sizeof req - got)) > 0)
        got += (size_t)n;
    if (n < 0)
        return uds_fail(PROG, "cannot receive from", who), -1;
    if (got > REQUEST_MAX) {
        fprintf(stderr, PROG ": %s: request longer than %d bytes\n", who, REQUEST_MAX);
        return -1;
    }
    static const char prefix[] = "from " PLATFORM ": ";
    if (uds_send_all(client, prefix, sizeof prefix - 1) != 0
        || uds_send_all(client, req, got) != 0)
        return uds_fail(PROG, "cannot answer", who), -1;
    /* [serve] */
    return (long)got;
}

int main(int argc, char **argv)
{
    struct sockaddr_un addr;
    socklen_t addr_len;
    long count = -1;
    int status = 0;

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
    /* A closed log pipe must be an error of fflush(), not a kill. */
    signal(SIGPIPE, SIG_IGN);
    if (uds_startup() != 0)
        return uds_fail(PROG, "cannot start", "Winsock");
    if (uds_addr_path(&addr, &addr_len, path) != 0)
        return uds_fail(PROG, "bad socket path", path);

    /* [server-setup] */
    int listener = socket(AF_UNIX, SOCK_STREAM, 0);
    if (listener < 0)
        return uds_fail_socket(PROG, path);
    /* On WSL 1, bind() must be the first call on the new socket: any other
     * call (a setsockopt, say) first makes it a WSL-only socket, which no
     * Windows client can reach.  lstat() and unlink() are on the path, not
     * the socket, so they may come before. */
    if (remove_old_socket(path) != 0) {
        close(listener);
        return 1;
    }
    if (bind(listener, (struct sockaddr *)&addr, addr_len) != 0) {
        uds_fail(PROG, "cannot bind", path);
        close(listener);
        return 1;
    }
    if (listen(listener, 8) != 0) {
        uds_fail(PROG, "cannot listen on", path);
        close(listener);
        unlink(path);
        return 1;
    }
    /* [server-setup] */
    printf("listening on %s\n", path);

    for (long served = 1; count < 0 || served <= count; served++) {
        char who[32];
        /* A log nobody reads any more (`| head -c 1`) stops the server. */
        if (fflush(stdout) != 0) {
            status = uds_fail(PROG, "cannot write", "standard output");
            break;
        }
        int client = accept(listener, NULL, NULL);
        if (client < 0) {
            status = uds_fail(PROG, "cannot accept on", path);
            break;
        }
        snprintf(who, sizeof who, "client %ld", served);
        long n = serve(client, who);
        if (n >= 0)
            printf("%s: answered a request of %ld bytes\n", who, n);
        close(client);
    }

    close(listener);
    unlink(path);
    printf("done; removed %s\n", path);
    uds_cleanup();
    return status;
}
