/* SPDX-License-Identifier: MIT */
/*
 * echo-server (Windows): the first AF_UNIX server.
 *
 * Listens on a pathname socket, and for each client sends back every byte
 * it receives until the client closes.  Serves COUNT clients, one after
 * another, then removes its socket file and exits; without COUNT it serves
 * until it is killed.
 *
 * usage: echo-server SOCKET_PATH [COUNT]
 * SOCKET_PATH is a Windows path: C:\Users\me\AppData\Local\Temp\echo.sock
 */
#include "uds.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <winsock2.h>
#include <afunix.h>

#define PROG "echo-server"
#define USAGE "usage: " PROG " SOCKET_PATH [COUNT]"

/* Winsock calls leave their error in WSAGetLastError()... */
static int fail(const char *what, const char *path)
{
    fprintf(stderr, PROG ": %s %s: %s\n", what, path, uds_strerror(WSAGetLastError()));
    return 1;
}

/* ...other Win32 calls, such as those on files, in GetLastError(). */
static int fail_file(const char *what, const char *path)
{
    fprintf(stderr, PROG ": %s %s: %s\n", what, path, uds_strerror((int)GetLastError()));
    return 1;
}

/* AF_UNIX came late to Windows: where it is missing, socket() fails with
 * WSAEAFNOSUPPORT, whose own text does not tell the user what to do. */
static int no_afunix(void)
{
    fprintf(stderr, PROG ": %s\n", UDS_AFUNIX_MISSING);
    return 1;
}

/* [remove-stale] */
/* bind() refuses a path that exists, even when it is a socket that nobody
 * listens on any more.  Remove an old socket file, but never anything else:
 * a typing mistake must not delete a user's file.  Windows has no S_ISSOCK:
 * a socket file is a reparse point with a tag of its own. */
static int remove_old_socket(const char *path)
{
    WIN32_FIND_DATAA st;
    HANDLE found = FindFirstFileA(path, &st);

    if (found == INVALID_HANDLE_VALUE) {
        DWORD err = GetLastError(); /* Linux's ENOENT is two errors here */
        return err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND
               ? 0 : fail_file("cannot inspect", path);
    }
    FindClose(found);
    if (!(st.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT)
        || st.dwReserved0 != IO_REPARSE_TAG_AF_UNIX) {
        fprintf(stderr, PROG ": %s exists and is not a socket; not removing it\n", path);
        return 1;
    }
    return DeleteFileA(path) ? 0 : fail_file("cannot remove old socket", path);
}
/* [remove-stale] */

/* Echo one client's bytes back until it closes; returns bytes echoed, or -1. */
static long echo(SOCKET client)
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
    SOCKET listener;
    int status = 0;
    WSADATA wsa;

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
    /* Winsock works only after WSAStartup, which returns its error instead
     * of leaving it in WSAGetLastError().  The early returns below skip
     * WSACleanup: the end of the process releases Winsock anyway. */
    int err = WSAStartup(MAKEWORD(2, 2), &wsa);
    if (err != 0) {
        fprintf(stderr, PROG ": cannot start Winsock: %s\n", uds_strerror(err));
        return 1;
    }
    /* [make-address] */
    /* The address: the family, then the path and its NUL in sun_path (108
     * bytes).  An empty path is refused, and so is one that does not fit:
     * cut short, it would name another file. */
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof addr.sun_path) {
        WSASetLastError(n == 0 ? WSAEINVAL : WSAENAMETOOLONG);
        return fail("bad socket path", path);
    }
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    memcpy(addr.sun_path, path, n + 1);
    /* The length counts the bytes before sun_path, the path and its NUL. */
    addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
    /* [make-address] */

    /* [server-setup] */
    listener = socket(AF_UNIX, SOCK_STREAM, 0);
    if (listener == INVALID_SOCKET) {
        if (WSAGetLastError() == WSAEAFNOSUPPORT)
            return no_afunix();
        return fail("cannot create a socket for", path);
    }
    if (remove_old_socket(path) != 0) {
        closesocket(listener);
        return 1;
    }
    if (bind(listener, (struct sockaddr *)&addr, addr_len) != 0) {
        fail("cannot bind", path);
        closesocket(listener);
        return 1;
    }
    if (listen(listener, 8) != 0) {
        fail("cannot listen on", path);
        closesocket(listener);
        DeleteFileA(path);
        return 1;
    }
    /* [server-setup] */
    printf("listening on %s\n", path);

    /* [accept-loop] */
    for (long served = 0; count < 0 || served < count; served++) {
        /* The log may be a pipe whose reader has gone (`| head -c 1`):
         * then stop, and remove the socket file, rather than serve on
         * without a log.  The C library's error is in errno. */
        if (fflush(stdout) != 0) {
            fprintf(stderr, PROG ": cannot write standard output: %s\n", strerror(errno));
            status = 1;
            break;
        }
        SOCKET client = accept(listener, NULL, NULL);
        if (client == INVALID_SOCKET) {
            status = fail("cannot accept on", path);
            break;
        }
        long n = echo(client);
        if (n < 0)
            fprintf(stderr, PROG ": client %ld: %s\n", served + 1,
                    uds_strerror(WSAGetLastError()));
        else
            printf("client %ld: echoed %ld bytes\n", served + 1, n);
        closesocket(client);
    }
    /* [accept-loop] */

    /* [cleanup] */
    closesocket(listener);
    /* The file outlives the socket: remove it, or the next bind() fails. */
    DeleteFileA(path);
    WSACleanup();
    /* [cleanup] */
    printf("done; removed %s\n", path);
    return status;
}
