/*
 * uds-where (Windows): where is each end of a connection?
 *
 * Connects to addr-server at KIND NAME (KIND is `path` or `abstract`),
 * prints what this end sees of both addresses (getsockname() and
 * getpeername()), sends that line to the server, and prints the line the
 * server sends back: what the server sees of the same connection.
 *
 * By default the client stays unnamed: it never binds.  --bind KIND:NAME
 * binds it to a name of its own first; --autobind binds it with no name at
 * all, and the kernel picks an abstract one.  Windows has no autobind:
 * this twin refuses --autobind and says so.
 *
 * usage: uds-where path|abstract NAME [--bind path|abstract:NAME | --autobind]
 * A path is a Windows path: C:\Users\me\AppData\Local\Temp\addr.sock
 */
#include "uds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <winsock2.h>
#include <afunix.h>

#define PROG "uds-where"

/* Room for a line: two addresses of up to 108 bytes, each byte perhaps
 * shown as \xNN, and their lengths. */
#define LINE_MAX 1024

enum kind { KIND_PATH, KIND_ABSTRACT };

/* Winsock calls leave their error in WSAGetLastError(). */
static int fail(const char *what, const char *name)
{
    fprintf(stderr, PROG ": %s %s: %s\n", what, name, uds_strerror(WSAGetLastError()));
    return 1;
}

/* AF_UNIX came late to Windows: where it is missing, socket() fails with
 * WSAEAFNOSUPPORT, whose own text does not tell the user what to do. */
static int no_afunix(void)
{
    fprintf(stderr, PROG ": AF_UNIX is not available on this system (WSAEAFNOSUPPORT): "
            "it needs Windows 10 version 1803 or later (it arrived in build 17063); "
            "`sc query afunix` shows whether its driver is running\n");
    return 1;
}

static int usage(void)
{
    fprintf(stderr, "usage: " PROG " path|abstract NAME [--bind path|abstract:NAME | --autobind]\n");
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

/* [make-addr] */
/* Fill in an address of the given kind; return its length, or 0 (with the
 * reason in errno) for a name that is empty or does not fit. */
static socklen_t make_addr(struct sockaddr_un *addr, enum kind kind, const char *name)
{
    size_t n = strlen(name);

    memset(addr, 0, sizeof *addr);
    addr->sun_family = AF_UNIX;
    if (n == 0) {
        uds_set_error(UDS_EINVAL); /* "" would mean something else: autobind */
        return 0;
    }
    if (kind == KIND_PATH) {
        /* The path and its NUL must fit in sun_path's 108 bytes.  Cutting a
         * long path short would bind to a file nobody asked for: refuse it. */
        if (n + 1 > sizeof addr->sun_path) {
            uds_set_error(UDS_ENAMETOOLONG);
            return 0;
        }
        memcpy(addr->sun_path, name, n + 1);
        return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
    }
    /* Abstract: sun_path[0] stays NUL, the name follows, and nothing ends
     * it: the length says where it stops, so a NUL counted at the end
     * would be a byte of the name. */
    if (1 + n > sizeof addr->sun_path) {
        uds_set_error(UDS_ENAMETOOLONG);
        return 0;
    }
    memcpy(addr->sun_path + 1, name, n);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}
/* [make-addr] */

/* [where] */
/* Describe both ends of a connected socket, as this process sees them. */
static int where(SOCKET sock, char *line, size_t cap)
{
    struct sockaddr_un local, peer;
    socklen_t local_len = sizeof local, peer_len = sizeof peer;
    char local_text[4 * UDS_PATH_MAX + 2], peer_text[4 * UDS_PATH_MAX + 2];

    /* Both calls write at most *len bytes and set *len to the address's
     * real length: the length, not a NUL, says how much of sun_path counts. */
    if (getsockname(sock, (struct sockaddr *)&local, &local_len) != 0 ||
        getpeername(sock, (struct sockaddr *)&peer, &peer_len) != 0)
        return -1;
    snprintf(line, cap, "local %s [%u bytes], peer %s [%u bytes]",
             uds_addr_format(&local, local_len, local_text, sizeof local_text),
             (unsigned)local_len,
             uds_addr_format(&peer, peer_len, peer_text, sizeof peer_text),
             (unsigned)peer_len);
    return 0;
}
/* [where] */

/* Read one line, a byte at a time: lines are short, and this never reads
 * past the newline.  Returns 1 for a line, 0 when the peer closed before
 * its end, -1 on error; *got counts the bytes that did arrive. */
static int read_line(SOCKET sock, char *buf, size_t cap, size_t *got)
{
    for (*got = 0; *got + 1 < cap; (*got)++) {
        long n = uds_recv_some(sock, buf + *got, 1);
        if (n <= 0)
            return (int)n;
        if (buf[*got] == '\n') {
            buf[*got] = '\0';
            return 1;
        }
    }
    uds_set_error(UDS_EMSGSIZE);
    return -1;
}

/* Bind the client before it connects: to the address --bind asked for
 * (len bytes of addr), to none at all for --autobind, or not at all. */
static int bind_client(SOCKET sock, const struct sockaddr_un *addr, socklen_t len,
                       const char *shown, int autobind)
{

    /* [autobind] */
    /* Windows has no autobind (Microsoft's AF_UNIX announcement lists it as
     * unsupported): main() refuses --autobind before we get here. */
    (void)autobind;
    /* [autobind] */
    if (len == 0)
        return 0; /* no --bind: the client stays unnamed */
    if (bind(sock, (const struct sockaddr *)addr, len) != 0)
        return fail("cannot bind", shown);
    return 0;
}

int main(int argc, char **argv)
{
    struct sockaddr_un addr, client_addr;
    socklen_t addr_len, client_len = 0;
    enum kind kind, bind_kind = KIND_PATH;
    const char *bind_opt = NULL, *client_path = NULL;
    int autobind = 0;
    SOCKET sock;
    WSADATA wsa;

    if (argc < 3 || argc > 5 || parse_kind(argv[1], '\0', &kind) != 0)
        return usage();
    if (argc == 4 && strcmp(argv[3], "--autobind") == 0) {
        fprintf(stderr, PROG ": --autobind: Windows does not support autobind "
                "(Microsoft documents it as missing); name the client with --bind instead\n");
        return 2;
    }
    else if (argc == 5 && strcmp(argv[3], "--bind") == 0
             && parse_kind(argv[4], ':', &bind_kind) == 0)
        bind_opt = argv[4];
    else if (argc != 3)
        return usage();
    if (bind_opt != NULL && bind_kind == KIND_PATH)
        client_path = strchr(bind_opt, ':') + 1;
    const char *name = argv[2];
    /* In messages, an abstract name is shown as `ss` shows it: after an @. */
    char shown[LINE_MAX];
    snprintf(shown, sizeof shown, "%s%s", kind == KIND_ABSTRACT ? "@" : "", name);
    /* Winsock works only after WSAStartup, which returns its error instead
     * of leaving it in WSAGetLastError(); make_addr() sets that too.  The
     * early returns below skip WSACleanup: the end of the process releases
     * Winsock anyway. */
    int err = WSAStartup(MAKEWORD(2, 2), &wsa);
    if (err != 0) {
        fprintf(stderr, PROG ": cannot start Winsock: %s\n", uds_strerror(err));
        return 1;
    }
    addr_len = make_addr(&addr, kind, name);
    if (addr_len == 0)
        return fail("bad address", shown);
    /* --bind's name is checked too, before anything is created. */
    char client_shown[LINE_MAX] = "";
    if (bind_opt != NULL) {
        const char *client_name = strchr(bind_opt, ':') + 1;
        snprintf(client_shown, sizeof client_shown, "%s%s",
                 bind_kind == KIND_ABSTRACT ? "@" : "", client_name);
        client_len = make_addr(&client_addr, bind_kind, client_name);
        if (client_len == 0)
            return fail("bad address", client_shown);
    }

    sock = socket(AF_UNIX, SOCK_STREAM, 0);
    if (sock == INVALID_SOCKET) {
        if (WSAGetLastError() == WSAEAFNOSUPPORT)
            return no_afunix();
        return fail("cannot create a socket for", shown);
    }
    if (bind_client(sock, &client_addr, client_len, client_shown, autobind) != 0) {
        closesocket(sock);
        return 1;
    }
    /* ENOENT: no file at that path.  ECONNREFUSED: nobody listens on the
     * name, which for an abstract name means nobody holds it at all. */
    if (connect(sock, (struct sockaddr *)&addr, addr_len) != 0) {
        fail("cannot connect to", shown);
        closesocket(sock);
        if (client_path != NULL)
            DeleteFileA(client_path);
        return 1;
    }

    char ours[LINE_MAX + 16], theirs[LINE_MAX];
    size_t got = 0;
    int r = -1;
    if (where(sock, ours, sizeof ours) != 0)
        fail("cannot get the addresses of the connection to", shown);
    else {
        printf("client sees: %s\n", ours);
        fflush(stdout);
        size_t len = strlen(ours);
        ours[len++] = '\n';
        if (uds_send_all(sock, ours, len) != 0)
            fail("cannot send to", shown);
        else if ((r = read_line(sock, theirs, sizeof theirs, &got)) < 0)
            fail("cannot receive from", shown);
        else if (r == 0)
            fprintf(stderr, PROG ": %s closed the connection after %zu bytes of its line\n",
                    shown, got);
        else
            printf("server sees: %s\n", theirs);
    }
    closesocket(sock);
    /* A client bound to a path made a socket file: remove it. */
    if (client_path != NULL)
        DeleteFileA(client_path);
    WSACleanup();
    return r == 1 ? 0 : 1;
}
