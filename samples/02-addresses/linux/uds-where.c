/* SPDX-License-Identifier: MIT */
/*
 * uds-where (Linux): where is each end of a connection?
 *
 * Connects to addr-server at KIND NAME (KIND is `path` or `abstract`),
 * prints what this end sees of both addresses (getsockname() and
 * getpeername()), sends that line to the server, and prints the line the
 * server sends back: what the server sees of the same connection.
 *
 * By default the client stays unnamed: it never binds.  --bind KIND:NAME
 * binds it to a name of its own first; --autobind binds it with no name at
 * all, and the kernel picks an abstract one.
 *
 * usage: uds-where path|abstract NAME [--bind path|abstract:NAME | --autobind]
 */
#include "uds.h"
#include "address.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROG "uds-where"

#define USAGE "usage: " PROG " path|abstract NAME [--bind path|abstract:NAME | --autobind]"

static int usage(void)
{
    fprintf(stderr, "%s\n", USAGE);
    return 2;
}

/* "path" or "abstract" (ending at the first `end` character): the kind. */
static int parse_kind(const char *s, char end, enum kind *kind)
{
    if (strncmp(s, "path", 4) == 0 && s[4] == end)
        *kind = KIND_PATH;
    else if (strncmp(s, "abstract", 8) == 0 && s[8] == end)
        *kind = KIND_ABSTRACT;
    else
        return -1;
    return 0;
}

/* Bind the client before it connects: to the address --bind asked for
 * (len bytes of addr), to none at all for --autobind, or not at all. */
static int bind_client(int sock, const struct sockaddr_un *addr, socklen_t len,
                       const char *shown, int autobind)
{

    /* [autobind] */
    if (autobind) {
        /* Only the family, no name at all: Linux picks an unused abstract
         * name for us, five hex digits such as @0001f. */
        struct sockaddr_un none;
        memset(&none, 0, sizeof none);
        none.sun_family = AF_UNIX;
        if (bind(sock, (struct sockaddr *)&none, sizeof(sa_family_t)) != 0)
            return uds_fail(PROG, "cannot autobind", "(unnamed)");
        return 0;
    }
    /* [autobind] */
    if (len == 0)
        return 0; /* no --bind: the client stays unnamed */
    if (bind(sock, (const struct sockaddr *)addr, len) != 0)
        return fail_addr(PROG, "cannot bind", addr, shown);
    return 0;
}

int main(int argc, char **argv)
{
    struct sockaddr_un addr, client_addr;
    socklen_t addr_len, client_len = 0;
    enum kind kind, bind_kind = KIND_PATH;
    const char *bind_opt = NULL, *client_path = NULL;
    int autobind = 0;
    int sock;

    /* An argument starting with - is an option, never a name: only these. */
    static const char *const options[] = { "--bind", "--autobind", NULL };
    int opt = uds_options(PROG, argc, argv, options, USAGE);
    if (opt >= 0)
        return opt;
    if (argc < 3 || argc > 5 || parse_kind(argv[1], '\0', &kind) != 0)
        return usage();
    if (argc == 4 && strcmp(argv[3], "--autobind") == 0)
        autobind = 1;
    else if (argc == 5 && strcmp(argv[3], "--bind") == 0
             && parse_kind(argv[4], ':', &bind_kind) == 0)
        bind_opt = argv[4];
    else if (argc != 3)
        return usage();
    if (bind_opt != NULL && bind_kind == KIND_PATH)
        client_path = strchr(bind_opt, ':') + 1;
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
    /* --bind's name is checked too, before anything is created. */
    char client_shown[ADDR_LINE_MAX] = "";
    if (bind_opt != NULL) {
        const char *client_name = strchr(bind_opt, ':') + 1;
        snprintf(client_shown, sizeof client_shown, "%s%s",
                 bind_kind == KIND_ABSTRACT ? "@" : "", client_name);
        client_len = make_addr(&client_addr, bind_kind, client_name);
        if (client_len == 0)
            return uds_fail(PROG, "bad address", client_shown);
    }

    sock = socket(AF_UNIX, SOCK_STREAM, 0);
    if (sock < 0)
        return uds_fail_socket(PROG, shown);
    if (bind_client(sock, &client_addr, client_len, client_shown, autobind) != 0) {
        close(sock);
        return 1;
    }
    /* ENOENT: no file at that path.  ECONNREFUSED: nobody listens on the
     * name, which for an abstract name means nobody holds it at all. */
    if (connect(sock, (struct sockaddr *)&addr, addr_len) != 0) {
        fail_addr(PROG, "cannot connect to", &addr, shown);
        close(sock);
        if (client_path != NULL)
            unlink(client_path);
        return 1;
    }

    char ours[ADDR_LINE_MAX + 16], theirs[ADDR_LINE_MAX];
    size_t got = 0;
    int r = -1;
    if (where(sock, ours, sizeof ours) != 0)
        uds_fail(PROG, "cannot get the addresses of the connection to", shown);
    else {
        printf("client sees: %s\n", ours);
        fflush(stdout);
        size_t len = strlen(ours);
        ours[len++] = '\n';
        if (uds_send_all(sock, ours, len) != 0)
            uds_fail(PROG, "cannot send to", shown);
        else if ((r = read_line(sock, theirs, sizeof theirs, &got)) < 0)
            uds_fail(PROG, "cannot receive from", shown);
        else if (r == 0)
            fprintf(stderr, PROG ": %s closed the connection after %zu bytes of its line\n",
                    shown, got);
        else
            printf("server sees: %s\n", theirs);
    }
    close(sock);
    /* A client bound to a path made a socket file: remove it. */
    if (client_path != NULL)
        unlink(client_path);
    uds_cleanup();
    return r == 1 ? 0 : 1;
}
