/* SPDX-License-Identifier: MIT */
/*
 * claim-server: exercise 03, solved.  A server that starts safely.
 *
 * Before it binds SOCKET_PATH, the server must decide whether it may:
 * the path may be free, a stale socket file left by a server that died, the
 * socket of a server that is still running, or something that is not a
 * socket at all.  claim_socket_path() decides; the comments say why each
 * step is written the way it is.  Once it listens, the server serves one client (it just
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
    struct stat st;

    /* 1. lstat(), not stat(): stat() follows a symbolic link, and a link
     * to a socket would look like a socket, which we would then unlink:
     * the link, not the socket.  ENOENT is the one failure that is good
     * news: nothing is there, so bind() may create the file. */
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : fail("cannot inspect", path);

    /* 2. Anything but a socket is someone's file (or a typing mistake on
     * the command line): refuse, and never remove it. */
    if (!S_ISSOCK(st.st_mode)) {
        fprintf(stderr, PROG ": %s exists and is not a socket; not removing it\n", path);
        return 1;
    }

    /* 3. A socket file does not say whether a server is behind it; only
     * connecting does.  errno is kept before close(), which may change
     * it.  A live server sees a client that connects and leaves. */
    int probe = socket(AF_UNIX, SOCK_STREAM, 0);
    if (probe < 0)
        return fail("cannot create a socket for", path);
    int r = connect(probe, (const struct sockaddr *)addr, addr_len);
    int err = errno;
    close(probe);
    if (r == 0) {
        fprintf(stderr, PROG ": another server is live on %s; not starting\n", path);
        return 1;
    }

    /* 4. ECONNREFUSED, and only it, means "a socket file nobody listens
     * on": stale.  Anything else (EACCES, say) leaves us unsure, and an
     * unsure server must not delete a path another one may be using. */
    errno = err;
    if (err != ECONNREFUSED)
        return fail("cannot tell whether a server is live on", path);
    if (unlink(path) != 0)
        return fail("cannot remove stale socket", path);
    printf("removed stale socket %s\n", path);
    return 0;
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
