/* SPDX-License-Identifier: MIT */
/*
 * start.c (Windows): chat-server's start, as chapter 03 taught it (the
 * stop is the library's uds_prepare_stop(): see start.h).
 */
#include "start.h"

#include <stdio.h>

/* [raise-limit] */
/* Where the Linux twin raises RLIMIT_NOFILE: Windows has none.  A socket is
 * a kernel handle, and there is no per-process count that a program could
 * raise; memory is the limit. */
void raise_fd_limit(void) { }
/* [raise-limit] */

/* Windows has no S_ISSOCK: a socket file is a reparse point with a tag of
 * its own. */
static int claim_path(const char *prog, const char *path,
                      const struct sockaddr_un *addr, socklen_t addr_len)
{
    WIN32_FIND_DATAA st;
    HANDLE found = FindFirstFileA(path, &st);

    /* Only "not found" means the path is free (Linux's ENOENT is two
     * errors here); any other error means we cannot look: touch nothing. */
    if (found == INVALID_HANDLE_VALUE) {
        DWORD err = GetLastError();
        return err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND
               ? 0 : uds_fail_code(prog, "cannot check", path, (int)err);
    }
    FindClose(found);
    if (!(st.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT)
        || st.dwReserved0 != IO_REPARSE_TAG_AF_UNIX) {
        fprintf(stderr, "%s: %s exists and is not a socket; not removing it\n", prog, path);
        return 1;
    }
    /* Non-blocking, as in chapter 03, with uds_stop_wake() in the wait: a
     * live server slow to accept cannot keep Ctrl+C from working.  Only
     * WSAECONNREFUSED means stale; anything else, a stop included, means
     * we cannot tell, and the file is left alone. */
    SOCKET probe = socket(AF_UNIX, SOCK_STREAM, 0);
    u_long on = 1;
    if (probe == INVALID_SOCKET)
        return uds_fail_socket(prog, path);
    int r = ioctlsocket(probe, FIONBIO, &on);
    if (r == 0)
        r = connect(probe, (const struct sockaddr *)addr, addr_len);
    int err = WSAGetLastError();
    if (r != 0 && err == WSAEWOULDBLOCK) {
        WSAPOLLFD p[2] = { { .fd = probe, .events = POLLOUT },
                           { .fd = uds_stop_wake(), .events = POLLIN } };
        int len = (int)sizeof err;
        if (WSAPoll(p, 2, -1) < 0)
            err = WSAGetLastError();
        else if (uds_stop_requested() || p[1].revents)
            err = WSAEINTR; /* a stop event came first */
        else if (getsockopt(probe, SOL_SOCKET, SO_ERROR, (char *)&err, &len) != 0)
            err = WSAGetLastError(); /* else the outcome of the connect */
        r = err == 0 ? 0 : -1;
    }
    closesocket(probe);
    if (r == 0) {
        fprintf(stderr, "%s: another server is live on %s; not starting\n", prog, path);
        return 1;
    }
    WSASetLastError(err);
    if (err != WSAECONNREFUSED) /* we cannot tell, so we touch nothing */
        return uds_fail(prog, "cannot tell whether a server is live on", path);
    DeleteFileA(path); /* a stale socket: its server is gone */
    return 0;
}

uds_socket_t start_listening(const char *prog, const char *path,
                             const struct sockaddr_un *addr, socklen_t addr_len)
{
    u_long on = 1;

    if (claim_path(prog, path, addr, addr_len) != 0)
        return INVALID_SOCKET;
    SOCKET listener = socket(AF_UNIX, SOCK_STREAM, 0);
    if (listener == INVALID_SOCKET) {
        uds_fail_socket(prog, path);
        return INVALID_SOCKET;
    }
    if (bind(listener, (const struct sockaddr *)addr, addr_len) != 0) {
        uds_fail(prog, "cannot bind", path); /* the file is not ours: it stays */
        closesocket(listener);
        return INVALID_SOCKET;
    }
    /* Sockets accept() returns inherit this non-blocking mode. */
    if (listen(listener, SOMAXCONN) != 0 || ioctlsocket(listener, FIONBIO, &on) != 0) {
        uds_fail(prog, "cannot listen on", path);
        closesocket(listener);
        DeleteFileA(path);
        return INVALID_SOCKET;
    }
    return listener;
}
