/* SPDX-License-Identifier: MIT */
/*
 * private-server (Linux): a server for its owner only.
 *
 * Two walls.  The file system: the socket lives in a private directory
 * (mode 0700, ours, not a symlink), which the server creates if it is
 * missing and checks otherwise; the socket file itself is born 0600.  The
 * peer check: every client's uid (SO_PEERCRED) must be the server's own.
 * A client of another user gets one line, "refused: ...", and is closed;
 * the owner gets every line it sends back upper-cased.
 *
 * usage: private-server [SOCKET_PATH]   (@NAME for an abstract address)
 * Without SOCKET_PATH: $XDG_RUNTIME_DIR/afunix-kit/private.sock.
 */
#include "uds.h"
#include "common.h"
#include "private-dir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#define PROG "private-server"
#define USAGE "usage: " PROG " [SOCKET_PATH]"

/* [may-serve] */
/* May this peer be served?  1: yes; 0: no, and WHY says so; -1: error. */
static int may_serve(int client, struct ucred *peer, char *why, size_t cap)
{
    socklen_t len = sizeof *peer;
    if (getsockopt(client, SOL_SOCKET, SO_PEERCRED, peer, &len) != 0)
        return -1;
    if (peer->uid == geteuid())
        return 1;
    snprintf(why, cap, "uid %u is not the owner of this server (uid %u)",
             (unsigned)peer->uid, (unsigned)geteuid());
    return 0;
}
/* [may-serve] */

int main(int argc, char **argv)
{
    struct sockaddr_un addr;
    socklen_t addr_len;
    char path[4096], line[256];

    /* An argument starting with - is an option, never a path: --help. */
    int opt = uds_options(PROG, argc, argv, NULL, USAGE);
    if (opt >= 0)
        return opt;
    if (argc > 2) {
        fprintf(stderr, "%s\n", USAGE);
        return 2;
    }
    /* [default-path] */
    /* A per-user socket belongs in the per-user runtime directory (0700,
     * the user's own), never in /tmp, where every user may create names. */
    const char *run = getenv("XDG_RUNTIME_DIR");
    if (argc == 2)
        snprintf(path, sizeof path, "%s", argv[1]);
    else if (run != NULL && run[0] == '/')
        snprintf(path, sizeof path, "%s/afunix-kit/private.sock", run);
    else {
        fprintf(stderr, PROG ": XDG_RUNTIME_DIR is not set: give SOCKET_PATH "
                "(not falling back to /tmp, which every user can write)\n");
        return 1;
    }
    /* [default-path] */
    if (make_address(&addr, &addr_len, path) != 0)
        return uds_fail(PROG, "bad socket path", path);
    if (path[0] != '@') {
        /* The first wall: the socket's directory (private-dir.c). */
        if (private_dir(PROG, path) != 0 || claim_path(PROG, path, &addr, addr_len) != 0)
            return 1;
    }

    int listener = socket(AF_UNIX, SOCK_STREAM, 0);
    if (listener < 0)
        return uds_fail_socket(PROG, path);
    /* [bind-private] */
    /* umask 0177 while bind() creates the file: it is born 0600, so there
     * is no moment in which it has a wider mode (no "bind, then chmod"). */
    mode_t old = umask(0177);
    int r = bind(listener, (struct sockaddr *)&addr, addr_len);
    umask(old);
    /* [bind-private] */
    if (r != 0 || listen(listener, 8) != 0) {
        uds_fail(PROG, "cannot listen on", path);
        close(listener);
        return 1;
    }
    printf("listening on %s\n", path);
    fflush(stdout);

    for (;;) {
        struct ucred peer;
        char why[128];
        int client = accept(listener, NULL, NULL);
        if (client < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            uds_fail(PROG, "cannot accept on", path);
            break;
        }
        /* [serve-or-refuse] */
        int ok = may_serve(client, &peer, why, sizeof why);
        if (ok < 0) {
            fprintf(stderr, PROG ": cannot check a client: %s\n", uds_strerror(errno));
        } else if (ok == 0) {
            printf("refused pid %ld, uid %u: %s\n", (long)peer.pid, (unsigned)peer.uid, why);
            snprintf(line, sizeof line, "refused: %s\n", why);
            uds_send_all(client, line, strlen(line)); /* it may have gone: no matter */
        } else {
            snprintf(line, sizeof line, "hello, uid %u: lines you send come back upper-cased\n",
                     (unsigned)peer.uid);
            long n = uds_send_all(client, line, strlen(line)) == 0 ? upcase(client) : -1;
            if (n < 0)
                fprintf(stderr, PROG ": pid %ld: %s\n", (long)peer.pid, uds_strerror(errno));
            else
                printf("served pid %ld, uid %u: %ld bytes\n", (long)peer.pid,
                       (unsigned)peer.uid, n);
        }
        /* [serve-or-refuse] */
        fflush(stdout);
        close(client);
    }
    close(listener);
    return 1;
}
