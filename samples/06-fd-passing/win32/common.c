/* SPDX-License-Identifier: MIT */
/*
 * common.c (Windows): chapter 06's start-up code, shared by pass-* and
 * fdpass-*.  See common.h; linux/common.c is its twin.
 */
#include "common.h"
#include "command-line.h"
/* Chapter 04 reads a process's user from its token; reused, not copied. */
#include "../../04-security/win32/token.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <afunix.h>

int server_args(const char *prog, int argc, char **argv)
{
    char *end;

    if (argc != 4 || argv[3][0] == '-') {
        fprintf(stderr, "usage: %s ADDRESS PORT SOCKET\n", prog);
        return 2;
    }
    long port = strtol(argv[2], &end, 10);
    if (argv[2][0] == '\0' || *end != '\0' || port < 0 || port > 65535) {
        fprintf(stderr, "%s: PORT must be a number from 0 to 65535, not '%s'\n", prog, argv[2]);
        return 2;
    }
    /* Windows only: no socket call, getaddrinfo() included, works before this. */
    return uds_startup() == 0 ? 0 : uds_fail(prog, "cannot start", "Winsock");
}

int worker_args(const char *prog, int argc, char **argv, struct sockaddr_un *addr,
                socklen_t *len, char *line, size_t cap)
{
    if (argc < 3 || argv[1][0] == '-') {
        fprintf(stderr, "usage: %s SOCKET COMMAND [ARGS...]\n", prog);
        return 2;
    }
    if (uds_startup() != 0)
        return uds_fail(prog, "cannot start", "Winsock");
    if (uds_addr_path(addr, len, argv[1]) != 0)
        return uds_fail(prog, "bad socket path", argv[1]);
    /* Built once, here, so a command too long for Windows is refused
     * before anything starts. */
    if (build_command_line(line, cap, argv + 2) != 0) {
        fprintf(stderr, "%s: the command line is too long for Windows"
                " (at most %d characters)\n", prog, COMMAND_LINE_MAX - 1);
        return 1;
    }
    return 0;
}

char *format_addr(const struct sockaddr *sa, socklen_t len, char *buf, size_t cap)
{
    char host[NI_MAXHOST], port[NI_MAXSERV];

    if (getnameinfo(sa, len, host, sizeof host, port, sizeof port,
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
        snprintf(buf, cap, "(unknown)");
    else
        snprintf(buf, cap, sa->sa_family == AF_INET6 ? "[%s]:%s" : "%s:%s", host, port);
    return buf;
}

char *format_addr_of(SOCKET s, char *buf, size_t cap)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;

    getsockname(s, (struct sockaddr *)&ss, &len);
    return format_addr((struct sockaddr *)&ss, len, buf, cap);
}

/* [connect-worker] */
/* Connect, and learn the worker's process id, which the Linux twin never
 * needs: WSADuplicateSocketW() makes each copy for one process, named by
 * its id, the process at the other end of this connection (the one that
 * accepted it).  afunix.sys is reported to leave the output length at 0,
 * so only the call's result is checked (microsoft/WSL#4676). */
SOCKET connect_worker(const char *path, DWORD *pid)
{
    struct sockaddr_un addr;
    socklen_t len;
    ULONG peer = 0;
    DWORD got = 0;

    if (uds_addr_path(&addr, &len, path) != 0)
        return INVALID_SOCKET;
    /* Not inheritable: the counterpart of SOCK_CLOEXEC. */
    SOCKET s = WSASocketW(AF_UNIX, SOCK_STREAM, 0, NULL, 0, WSA_FLAG_NO_HANDLE_INHERIT);
    if (s != INVALID_SOCKET
        && (connect(s, (struct sockaddr *)&addr, len) != 0
            || WSAIoctl(s, SIO_AF_UNIX_GETPEERPID, NULL, 0, &peer, sizeof peer,
                        &got, NULL, NULL) != 0)) {
        int err = WSAGetLastError(); /* closesocket() may change it */
        closesocket(s);
        WSASetLastError(err);
        s = INVALID_SOCKET;
    }
    *pid = peer;
    return s;
}
/* [connect-worker] */

/* Chapter 03's rule: remove a stale socket file, never a live worker's
 * socket, never anything that is not a socket.  Windows has no S_ISSOCK:
 * a socket file is a reparse point with a tag of its own. */
static int claim_path(const char *prog, const char *path, const struct sockaddr_un *addr,
                      socklen_t len)
{
    WIN32_FIND_DATAA st;
    HANDLE found = FindFirstFileA(path, &st);

    if (found == INVALID_HANDLE_VALUE) {
        DWORD err = GetLastError(); /* Linux's ENOENT is two errors here */
        return err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND
               ? 0 : uds_fail_code(prog, "cannot inspect", path, (int)err);
    }
    FindClose(found);
    if (!(st.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT)
        || st.dwReserved0 != IO_REPARSE_TAG_AF_UNIX) {
        fprintf(stderr, "%s: %s exists and is not a socket; not removing it\n", prog, path);
        return 1;
    }
    /* Only connect() tells whether a worker is behind it.  It may wait (a
     * live worker's backlog can be full); the callers run this before they
     * take the console events over, so Ctrl+C still ends it. */
    SOCKET probe = WSASocketW(AF_UNIX, SOCK_STREAM, 0, NULL, 0, WSA_FLAG_NO_HANDLE_INHERIT);
    if (probe == INVALID_SOCKET)
        return uds_fail_socket(prog, path);
    int r = connect(probe, (const struct sockaddr *)addr, len), err = WSAGetLastError();
    closesocket(probe);
    if (r == 0) {
        fprintf(stderr, "%s: another worker is live on %s; not starting\n", prog, path);
        return 1;
    }
    if (err != WSAECONNREFUSED) /* unsure: leave it alone */
        return uds_fail_code(prog, "cannot tell whether a worker is live on", path, err);
    if (!DeleteFileA(path))
        return uds_fail_code(prog, "cannot remove stale socket", path, (int)GetLastError());
    printf("%s: removed stale socket %s\n", prog, path);
    return 0;
}

/* [worker-setup] */
SOCKET worker_listen(const char *prog, const char *path, const struct sockaddr_un *addr,
                     socklen_t len)
{
    if (claim_path(prog, path, addr, len) != 0)
        return INVALID_SOCKET;
    /* WSA_FLAG_NO_HANDLE_INHERIT here, and the handle list when a command
     * starts: no child inherits the worker's sockets, or the server could
     * never see the worker close. */
    SOCKET listener = WSASocketW(AF_UNIX, SOCK_STREAM, 0, NULL, 0, WSA_FLAG_NO_HANDLE_INHERIT);
    if (listener == INVALID_SOCKET)
        return uds_fail_socket(prog, path), INVALID_SOCKET;
    int bound = bind(listener, (const struct sockaddr *)addr, len);
    if (bound != 0 || listen(listener, 8) != 0) {
        uds_fail(prog, bound != 0 ? "cannot bind" : "cannot listen on", path);
        if (bound == 0)
            DeleteFileA(path);
        closesocket(listener);
        return INVALID_SOCKET;
    }
    printf("%s: listening on %s\n", prog, path);
    fflush(stdout);
    return listener;
}
/* [worker-setup] */

int out_of_descriptors(const char *prog, const char *where, int err, long *failures)
{
    if (err != WSAEMFILE && err != WSAENOBUFS)
        return 0;
    /* The client stays in the backlog and accept() would fail again at
     * once: say so once, and let the caller pause instead of spinning.
     * Chapter 07 keeps a spare socket for this instead. */
    if ((*failures)++ == 0)
        fprintf(stderr, "%s: cannot accept on %s: %s; retrying every second\n",
                prog, where, uds_strerror(err));
    return 1;
}

void accepting_again(const char *prog, long *failures)
{
    if (*failures > 0) {
        printf("%s: accepting again after %ld failed attempts\n", prog, *failures);
        fflush(stdout);
    }
    *failures = 0;
}

/* 1: the peer runs as our user; 0: another user (or a process we may not
 * even open, which is as good as another user); -1: no peer id. */
static int peer_is_self(SOCKET s, DWORD *pid)
{
    ULONG peer = 0;
    DWORD got = 0;
    sid_buf mine, theirs;
    const char *step;

    if (WSAIoctl(s, SIO_AF_UNIX_GETPEERPID, NULL, 0, &peer, sizeof peer, &got, NULL, NULL) != 0)
        return -1;
    *pid = peer;
    if (token_sid(0, TokenUser, &mine.sid, &step) != 0
        || token_sid(peer, TokenUser, &theirs.sid, &step) != 0)
        return 0;
    return EqualSid(&mine.sid, &theirs.sid) ? 1 : 0;
}

int accept_server(const char *prog, SOCKET listener, const char *where, long *failures,
                  SOCKET *server)
{
    DWORD pid = 0;
    SOCKET conn = accept(listener, NULL, NULL);

    if (conn == INVALID_SOCKET) {
        int err = WSAGetLastError();
        if (out_of_descriptors(prog, where, err, failures) || err == WSAECONNRESET
            || err == WSAEINTR || err == WSAEWOULDBLOCK)
            return 0;
        return uds_fail(prog, "cannot accept on", where), -1;
    }
    accepting_again(prog, failures);
    /* Whoever connects can make us run COMMAND: our own user only.  On
     * Windows the socket file's mode does not keep others out (chapter 04). */
    if (peer_is_self(conn, &pid) != 1) {
        fprintf(stderr, "%s: refused a server of process %lu: not this worker's user\n",
                prog, (unsigned long)pid);
        closesocket(conn);
        return 0;
    }
    printf("%s: server connected\n", prog);
    fflush(stdout);
    *server = conn;
    return 1;
}

int make_room(HANDLE *children, int *n, int max, HANDLE stop)
{
    HANDLE set[MAXIMUM_WAIT_OBJECTS];
    int waited = 0;

    for (int i = *n - 1; i >= 0; i--)
        if (WaitForSingleObject(children[i], 0) == WAIT_OBJECT_0) {
            CloseHandle(children[i]);
            children[i] = children[--*n];
        }
    if (*n >= max) { /* meanwhile the next connections wait in our queue */
        DWORD count = (DWORD)*n;
        memcpy(set, children, count * sizeof *set);
        if (stop != NULL)
            set[count++] = stop;
        DWORD i = WaitForMultipleObjects(count, set, FALSE, INFINITE) - WAIT_OBJECT_0;
        if (i >= (DWORD)*n)
            return -1; /* the stop, or a failed wait */
        CloseHandle(children[i]);
        children[i] = children[--*n];
        waited = 1;
    }
    return waited;
}
