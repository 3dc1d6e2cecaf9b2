/* SPDX-License-Identifier: MIT */
/*
 * common.c: see common.h.  One file for Linux and Windows; claim_path()
 * differs only in how a socket file is recognised and removed.
 */
#include "common.h"

#include <stdio.h>
#include <string.h>
#include <errno.h>
#ifdef _WIN32
#include <winsock2.h>
#include <afunix.h>
#else
#include <sys/stat.h>
#include <unistd.h>
#endif

int make_address(struct sockaddr_un *addr, socklen_t *len, const char *arg)
{
    if (arg[0] == '@')
        return uds_addr_abstract(addr, len, arg + 1, strlen(arg + 1));
    return uds_addr_path(addr, len, arg);
}

int claim_path(const char *prog, const char *path, const struct sockaddr_un *addr,
               socklen_t len)
{
    if (path[0] == '@')
        return 0;
#ifdef _WIN32
    /* Windows has no S_ISSOCK: a socket file is a reparse point with a tag of its own. */
    WIN32_FIND_DATAA st;
    HANDLE found = FindFirstFileA(path, &st);
    if (found == INVALID_HANDLE_VALUE) {
        DWORD err = GetLastError();
        return err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND
               ? 0 : uds_fail_code(prog, "cannot inspect", path, (int)err);
    }
    FindClose(found);
    int is_sock = (st.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT)
                  && st.dwReserved0 == IO_REPARSE_TAG_AF_UNIX;
    SOCKET probe = is_sock ? socket(AF_UNIX, SOCK_STREAM, 0) : INVALID_SOCKET;
    int stale = probe != INVALID_SOCKET && connect(probe, (const struct sockaddr *)addr, len) != 0
                && WSAGetLastError() == WSAECONNREFUSED;
    if (probe != INVALID_SOCKET)
        closesocket(probe);
#else
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : uds_fail(prog, "cannot inspect", path);
    int probe = S_ISSOCK(st.st_mode) ? socket(AF_UNIX, SOCK_STREAM, 0) : -1;
    int stale = probe >= 0 && connect(probe, (const struct sockaddr *)addr, len) != 0
                && errno == ECONNREFUSED;
    if (probe >= 0)
        close(probe);
#endif
    if (!stale) {
        fprintf(stderr, "%s: %s exists and is not a stale socket; not removing it\n", prog, path);
        return 1;
    }
#ifdef _WIN32
    if (!DeleteFileA(path))
        return uds_fail_code(prog, "cannot remove stale socket", path, (int)GetLastError());
#else
    if (unlink(path) != 0)
        return uds_fail(prog, "cannot remove stale socket", path);
#endif
    return 0;
}

long upcase(uds_socket_t client)
{
    char buf[4096];
    long total = 0, n;

    while ((n = uds_recv_some(client, buf, sizeof buf)) > 0) {
        for (long i = 0; i < n; i++)
            if (buf[i] >= 'a' && buf[i] <= 'z')
                buf[i] = (char)(buf[i] - 'a' + 'A');
        if (uds_send_all(client, buf, (size_t)n) != 0)
            return -1;
        total += n;
    }
    return n == 0 ? total : -1;
}
