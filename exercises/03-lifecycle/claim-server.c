/* SPDX-License-Identifier: MIT */
/*
 * claim-server: exercise 03.  A server that starts safely.
 *
 * Before it binds SOCKET_PATH, the server must decide whether it may:
 * the path may be free, a stale socket file left by a server that died, the
 * socket of a server that is still running, or something that is not a
 * socket at all.  Complete claim_socket_path() (TODOs 1-4); the rest is
 * written for you.  Once it listens, the server serves one client (it just
 * closes the connection), removes its socket file and exits.
 *
 * usage: claim-server SOCKET_PATH
 */
#include "uds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#define PROG "claim-server"
#define USAGE "usage: " PROG " SOCKET_PATH"

static int fail(const char *what, const char *path)
{
    fprintf(stderr, PROG ": %s %s: %s\n", what, path, uds_strerror(errno));
    return 1;
}

/* May this server bind PATH?  Returns 0 when it may (the path is free, or
 * was a stale socket file and has been removed), 1 when it must not start,
 * after printing why. */
static int claim_socket_path(const char *path, const struct sockaddr_un *addr,
                             socklen_t addr_len)
{
    /* TODO 1: look at the path with lstat().  If there is nothing there
     * (errno ENOENT), return 0: the path is free.  On any other failure,
     * return fail("cannot inspect", path). */

    /* TODO 2: if it is not a socket (S_ISSOCK), print
     *     claim-server: PATH exists and is not a socket; not removing it
     * on stderr and return 1.  Never remove it. */

    /* TODO 3: knock: create a probe socket (AF_UNIX, SOCK_STREAM) and
     * connect() it to addr, addr_len.  Keep connect()'s errno, then close
     * the probe.  If connect() succeeded, a server is live: print
     *     claim-server: another server is live on PATH; not starting
     * on stderr and return 1. */

    /* TODO 4: if connect() failed with ECONNREFUSED, nobody listens: the
     * file is stale.  Remove it with unlink() (on failure, return
     * fail("cannot remove stale socket", path)), print
     *     removed stale socket PATH
     * on stdout and return 0.  With any other error you cannot tell, so
     * touch nothing: return fail("cannot tell whether a server is live on", path). */

    (void)addr;
    (void)addr_len;
    errno = ENOSYS; /* remove these two lines when you write the function */
    return fail("cannot claim", path);
}

int main(int argc, char **argv)
{
    struct sockaddr_un addr;
    socklen_t addr_len;

    int opt = uds_options(PROG, argc, argv, NULL, USAGE); /* --help; -x is an error */
    if (opt >= 0)
        return opt;
    if (argc != 2) {
        fprintf(stderr, "%s\n", USAGE);
        return 2;
    }
    const char *path = argv[1];
    if (uds_addr_path(&addr, &addr_len, path) != 0)
        return fail("bad socket path", path);
    if (claim_socket_path(path, &addr, addr_len) != 0)
        return 1;

    int listener = socket(AF_UNIX, SOCK_STREAM, 0);
    if (listener < 0)
        return fail("cannot create a socket for", path);
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
    printf("listening on %s\n", path);
    fflush(stdout);

    int status = 0;
    int client = accept(listener, NULL, NULL);
    if (client < 0)
        status = fail("cannot accept on", path);
    else
        close(client);
    close(listener);
    unlink(path);
    printf("served one client; removed %s\n", path);
    return status;
}
