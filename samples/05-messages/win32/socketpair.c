/* SPDX-License-Identifier: MIT */
/*
 * socketpair.c: socketpair() for Windows, which has none.
 *
 * The emulation: a listener on a unique temporary path, connect to it,
 * accept, then delete the file and close the listener at once.  What can
 * go wrong, and what this code does about it:
 * - the path is too long for sun_path (a long %TEMP%): refused, not cut;
 * - another process connects to the listener before we do, and accept()
 *   hands us its connection: the path is unguessable, it lives in the
 *   user's own temporary directory, and SIO_AF_UNIX_GETPEERPID must
 *   name this process, or the pair is refused;
 * - the process dies in between: the file stays behind, with a name no
 *   one will reuse (a stale file, harmless, in a directory meant for it);
 * - the sockets leak into child processes: they are made with
 *   WSA_FLAG_NO_HANDLE_INHERIT.
 */
/* rand_s() is declared only when this is defined before <stdlib.h>. */
#define _CRT_RAND_S
#include "socketpair.h"

#include <stdio.h>
#include <stdlib.h>

/* [temp-path] */
int pair_temp_path(char *buf, size_t cap)
{
    char dir[MAX_PATH + 1];
    unsigned int r1, r2;
    static LONG serial; /* unique within this process */

    DWORD n = GetTempPathA(sizeof dir, dir);
    if (n == 0 || n > sizeof dir) {
        WSASetLastError(n == 0 ? (int)GetLastError() : WSAENAMETOOLONG);
        return -1;
    }
    /* The process id and a serial number make the name unique; rand_s()
     * (the system's cryptographic generator) makes it unguessable. */
    if (rand_s(&r1) != 0 || rand_s(&r2) != 0) {
        WSASetLastError(WSAEINVAL);
        return -1;
    }
    int len = snprintf(buf, cap, "%spair-%lu-%ld-%08x%08x.sock", dir,
                       (unsigned long)GetCurrentProcessId(),
                       (long)InterlockedIncrement(&serial), r1, r2);
    if (len < 0 || (size_t)len >= cap || (size_t)len >= UDS_PATH_MAX) {
        WSASetLastError(WSAENAMETOOLONG);
        return -1;
    }
    return 0;
}
/* [temp-path] */

/* A socket no child process can inherit: Winsock's SOCK_CLOEXEC. */
static SOCKET private_socket(void)
{
    return WSASocketW(AF_UNIX, SOCK_STREAM, 0, NULL, 0, WSA_FLAG_NO_HANDLE_INHERIT);
}

/* [make-pair] */
int make_pair(SOCKET sv[2])
{
    struct sockaddr_un addr;
    socklen_t addr_len;
    char path[UDS_PATH_MAX];
    SOCKET listener, a = INVALID_SOCKET, b = INVALID_SOCKET;
    int bound = 0, err;

    if (pair_temp_path(path, sizeof path) != 0 || uds_addr_path(&addr, &addr_len, path) != 0)
        return -1;
    listener = private_socket();
    if (listener == INVALID_SOCKET)
        return -1;
    if (bind(listener, (struct sockaddr *)&addr, addr_len) != 0)
        goto fail;
    bound = 1;
    if (listen(listener, 1) != 0)
        goto fail;
    a = private_socket();
    if (a == INVALID_SOCKET || connect(a, (struct sockaddr *)&addr, addr_len) != 0)
        goto fail;
    b = accept(listener, NULL, NULL);
    if (b == INVALID_SOCKET)
        goto fail;
    /* The name has done its job: remove it and the listener now, so that
     * no one else can connect from here on. */
    DeleteFileA(path);
    bound = 0;
    closesocket(listener);
    listener = INVALID_SOCKET;
    /* An accepted socket is inheritable unless told otherwise. */
    if (!SetHandleInformation((HANDLE)b, HANDLE_FLAG_INHERIT, 0)) {
        WSASetLastError((int)GetLastError());
        goto fail;
    }
    /* Between listen() and our connect(), another process could have
     * connected first; accept() would then have returned its connection.
     * The peer must be this process. */
    ULONG peer = 0;
    DWORD got = 0;
    if (WSAIoctl(b, SIO_AF_UNIX_GETPEERPID, NULL, 0, &peer, sizeof peer, &got, NULL, NULL) != 0)
        goto fail;
    if (peer != GetCurrentProcessId()) {
        WSASetLastError(WSAECONNREFUSED);
        goto fail;
    }
    sv[0] = a;
    sv[1] = b;
    return 0;

fail:
    err = WSAGetLastError();
    if (b != INVALID_SOCKET)
        closesocket(b);
    if (a != INVALID_SOCKET)
        closesocket(a);
    if (listener != INVALID_SOCKET)
        closesocket(listener);
    if (bound)
        DeleteFileA(path); /* ours: bind() created it a moment ago */
    WSASetLastError(err);
    return -1;
}
/* [make-pair] */
