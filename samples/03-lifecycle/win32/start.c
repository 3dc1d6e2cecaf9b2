/* SPDX-License-Identifier: MIT */
/*
 * start.c (Windows): upcase-server's correct start (the live-server check,
 * the stale file) and its stop on console events.  See start.h.
 */
#include "start.h"

#include <stdio.h>
#include <winsock2.h>
#include <afunix.h>

/* [stop-signals] */
/* Windows has no signals.  A console program learns of Ctrl+C, Ctrl+Break
 * and the closing of its console through a handler that Windows runs on a
 * thread of its own.  The handler records which event came, then wakes the
 * main thread by sending one byte on wake[1]: wake[0] (stop_wake) is in
 * every WSAPoll() of wait_for(), so the wait ends at once, wherever it is. */
SOCKET stop_wake;
static SOCKET wake[2];             /* from uds_wake_pair() */
static volatile LONG stop_signal;  /* the event + 1: CTRL_C_EVENT is 0 */
static volatile LONG cleaned_up;   /* set by stop_done() */

static BOOL WINAPI on_stop(DWORD event)
{
    /* The flag first, then the byte: a wait_for() that has just looked at
     * the flag finds the byte, so no stop is missed. */
    InterlockedExchange(&stop_signal, (LONG)event + 1);
    send(wake[1], "x", 1, 0);
    /* For a closing console, Windows ends the process as soon as the
     * handler returns (as Microsoft documents for CTRL_CLOSE_EVENT): so
     * wait until main has closed the listener and removed the file, at
     * most 5 s, in case main never gets there.  For Ctrl+C, returning
     * TRUE just lets the process go on. */
    for (int i = 0; i < 500 && !cleaned_up; i++)
        Sleep(10);
    return TRUE;
}

/* Make the wake-up pair, then install the handler.  Returns 0, or -1 (in
 * WSAGetLastError()).  Linux's twin blocks its stop signals here instead. */
int prepare_stop(void)
{
    if (uds_wake_pair(wake) != 0)
        return -1;
    stop_wake = wake[0];
    SetConsoleCtrlHandler(on_stop, TRUE);
    return 0;
}
/* [stop-signals] */

const char *stop_requested(void)
{
    switch (stop_signal - 1) {
    case -1: return NULL;
    case CTRL_C_EVENT: return "CTRL_C_EVENT";
    case CTRL_BREAK_EVENT: return "CTRL_BREAK_EVENT";
    case CTRL_CLOSE_EVENT: return "CTRL_CLOSE_EVENT";
    case CTRL_LOGOFF_EVENT: return "CTRL_LOGOFF_EVENT";
    default: return "CTRL_SHUTDOWN_EVENT";
    }
}

void stop_done(void)
{
    InterlockedExchange(&cleaned_up, 1); /* the console handler may return */
    /* And it goes: after WSACleanup() a Ctrl+C would otherwise run it, and
     * it would send on a socket that no longer exists. */
    SetConsoleCtrlHandler(on_stop, FALSE);
}

/* Every wait goes through wait_for(), so recv() and send() must never
 * block: with a non-blocking socket they take what is there and return. */
int set_nonblocking(SOCKET fd)
{
    u_long on = 1;
    return ioctlsocket(fd, FIONBIO, &on) == 0 ? 0 : -1;
}

/* [claim-path] */
/* May this server bind PATH?  Returns 0 when it may (the path is free, or
 * was a stale socket file and has been removed), 1 when it must not start.
 * Nothing is created before the path has been looked at.  Windows has no
 * S_ISSOCK: a socket file is a reparse point with a tag of its own. */
static int claim_socket_path(const char *prog, const char *path,
                             const struct sockaddr_un *addr, socklen_t addr_len)
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
    /* A socket file says nothing about whether a server is behind it: the
     * only way to know is to knock.  A live server accepts (and sees a
     * client that leaves at once); a dead one is expected to give
     * WSAECONNREFUSED, as on Linux (not tested by the kit on Windows).
     * The knock is non-blocking, and its wait includes stop_wake, so that
     * a server that is slow to answer cannot keep Ctrl+C from working. */
    SOCKET probe = socket(AF_UNIX, SOCK_STREAM, 0);
    if (probe == INVALID_SOCKET)
        return uds_fail_socket(prog, path);
    int r = set_nonblocking(probe);
    if (r == 0)
        r = connect(probe, (const struct sockaddr *)addr, addr_len);
    int err = WSAGetLastError();
    if (r != 0 && err == WSAEWOULDBLOCK) {
        WSAPOLLFD p[2] = { { .fd = probe, .events = POLLOUT },
                           { .fd = stop_wake, .events = POLLIN } };
        int len = (int)sizeof err;
        /* Writable once connected; the outcome is in SO_ERROR. */
        if (WSAPoll(p, 2, -1) < 0)
            err = WSAGetLastError(), r = -1;
        else if (stop_requested() || p[1].revents)
            err = WSAEINTR, r = -1; /* a stop event came first */
        else if (getsockopt(probe, SOL_SOCKET, SO_ERROR, (char *)&err, &len) == 0)
            r = err == 0 ? 0 : -1;
        else
            err = WSAGetLastError(), r = -1;
    }
    closesocket(probe);
    if (r == 0) {
        fprintf(stderr, "%s: another server is live on %s; not starting\n", prog, path);
        return 1;
    }
    WSASetLastError(err);
    if (err != WSAECONNREFUSED) /* we cannot tell, so we touch nothing */
        return uds_fail(prog, "cannot tell whether a server is live on", path);
    /* A socket file cannot be opened like a file: DeleteFile() removes it. */
    if (!DeleteFileA(path))
        return uds_fail_code(prog, "cannot remove stale socket", path, (int)GetLastError());
    printf("removed stale socket %s\n", path);
    return 0;
}
/* [claim-path] */

SOCKET start_listening(const char *prog, const char *path,
                       const struct sockaddr_un *addr, socklen_t addr_len)
{
    if (claim_socket_path(prog, path, addr, addr_len) != 0)
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
    if (listen(listener, 8) != 0 || set_nonblocking(listener) != 0) {
        uds_fail(prog, "cannot listen on", path);
        closesocket(listener);
        DeleteFileA(path);
        return INVALID_SOCKET;
    }
    return listener;
}
