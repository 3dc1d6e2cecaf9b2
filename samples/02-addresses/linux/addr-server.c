/* SPDX-License-Identifier: MIT */
/*
 * addr-server (Linux): a server on a pathname or an abstract address.
 *
 * Binds KIND NAME (KIND is `path` or `abstract`), and for each client
 * reads the line in which the client tells what it sees of the connection,
 * answers with a line telling what the server sees (getsockname() and
 * getpeername() on the accepted socket), and prints both.  Serves COUNT
 * clients, then exits; without COUNT it serves until it is killed.
 *
 * usage: addr-server path|abstract NAME [COUNT]
 */
#include "uds.h"
#include "address.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PROG "addr-server"
#define USAGE "usage: " PROG " path|abstract NAME [COUNT]"

/* One client: its line in, ours out.  Returns 0, or 1 after saying why not. */
static int serve(int client, long number)
{
    char theirs[ADDR_LINE_MAX], ours[ADDR_LINE_MAX + 16];
    size_t got;

    if (where(client, ours, sizeof ours) != 0) {
        fprintf(stderr, PROG ": client %ld: cannot get its addresses: %s\n",
                number, uds_strerror(uds_last_error()));
        return 1;
    }
    int r = read_line(client, theirs, sizeof theirs, &got);
    if (r <= 0) {
        if (r == 0)
            fprintf(stderr, PROG ": client %ld: closed the connection after %zu bytes of its line\n",
                    number, got);
        else
            fprintf(stderr, PROG ": client %ld: %s\n", number, uds_strerror(uds_last_error()));
        return 1;
    }
    printf("client %ld sees: %s\n", number, theirs);
    printf("server sees: %s\n", ours);
    fflush(stdout);
    size_t len = strlen(ours);
    ours[len++] = '\n';
    if (uds_send_all(client, ours, len) != 0) {
        fprintf(stderr, PROG ": client %ld: %s\n", number, uds_strerror(uds_last_error()));
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct sockaddr_un addr;
    socklen_t addr_len;
    enum kind kind;
    long count = -1;
    int listener;
    int status = 0;

    /* An argument starting with - is an option, never a name: --help. */
    int opt = uds_options(PROG, argc, argv, NULL, USAGE);
    if (opt >= 0)
        return opt;
    if (argc < 3 || argc > 4 ||
        (strcmp(argv[1], "path") != 0 && strcmp(argv[1], "abstract") != 0)) {
        fprintf(stderr, "%s\n", USAGE);
        return 2;
    }
    if (argc == 4) {
        char *end;
        count = strtol(argv[3], &end, 10);
        if (*argv[3] == '\0' || *end != '\0' || count < 1) {
            fprintf(stderr, PROG ": COUNT must be a positive number, not '%s'\n", argv[3]);
            return 2;
        }
    }
    kind = strcmp(argv[1], "path") == 0 ? KIND_PATH : KIND_ABSTRACT;
    const char *name = argv[2];
    /* In messages, an abstract name is shown as `ss` shows it: after an @. */
    char shown[ADDR_LINE_MAX];
    snprintf(shown, sizeof shown, "%s%s", kind == KIND_ABSTRACT ? "@" : "", name);
    /* Winsock must be started before any socket call (and before
     * make_addr(), which sets its error); on Linux this does nothing. */
    if (uds_startup() != 0)
        return uds_fail(PROG, "cannot start", "Winsock");
    addr_len = make_addr(&addr, kind, name);
    if (addr_len == 0)
        return uds_fail(PROG, "bad address", shown);

    listener = socket(AF_UNIX, SOCK_STREAM, 0);
    if (listener < 0)
        return uds_fail_socket(PROG, shown);
    /* EADDRINUSE: the name is taken.  An abstract name is taken only while
     * a socket holds it; a path, by any file there, even a dead socket's. */
    if (bind(listener, (struct sockaddr *)&addr, addr_len) != 0) {
        fail_addr(PROG, "cannot bind", &addr, shown);
        close(listener);
        return 1;
    }
    /* [socket-file] */
    /* A pathname bind() created a file of a type of its own: a socket. */
    if (kind == KIND_PATH) {
        struct stat st;
        if (lstat(name, &st) == 0 && S_ISSOCK(st.st_mode))
            printf("bind created %s, a socket file\n", name);
    }
    /* [socket-file] */
    if (listen(listener, 8) != 0) {
        uds_fail(PROG, "cannot listen on", shown);
        close(listener);
        if (kind == KIND_PATH)
            unlink(name);
        return 1;
    }
    printf("listening on %s\n", shown);
    fflush(stdout);

    for (long served = 1; count < 0 || served <= count; served++) {
        int client = accept(listener, NULL, NULL);
        if (client < 0) {
            status = uds_fail(PROG, "cannot accept on", shown);
            break;
        }
        /* A client that goes wrong is reported; the server goes on. */
        serve(client, served);
        close(client);
    }

    /* [cleanup] */
    /* Closing frees an abstract name at once.  A socket file stays behind
     * until someone removes it: this server does, since it made it. */
    close(listener);
    if (kind == KIND_PATH)
        unlink(name);
    /* [cleanup] */
    uds_cleanup();
    printf("done with %s\n", shown);
    return status;
}
