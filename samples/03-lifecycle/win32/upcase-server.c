/* SPDX-License-Identifier: MIT */
/*
 * upcase-server (Windows): a server with a whole life, start to stop.
 *
 * Each client sends some bytes, then half-closes its side; the server sends
 * them back with the ASCII letters a-z turned into A-Z (every other byte,
 * UTF-8 included, is left alone), then closes.  It starts safely over the
 * socket file of a server that died, refuses to start over a live one, and
 * stops cleanly on Ctrl+C, Ctrl+Break or the console's closing, removing
 * its socket file.
 *
 * usage: upcase-server SOCKET_PATH
 * SOCKET_PATH is a Windows path: C:\Users\me\AppData\Local\Temp\up.sock
 */
#include "uds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <winsock2.h>
#include <afunix.h>

#define PROG "upcase-server"
#define USAGE "usage: " PROG " SOCKET_PATH"

/* [stop-signals] */
/* Windows has no signals.  A console program learns of Ctrl+C, Ctrl+Break
 * and the closing of its console through a handler that Windows runs on a
 * thread of its own.  The handler records which event came, then wakes the
 * main thread by sending one byte on wake[1]: wake[0] is in every WSAPoll()
 * of wait_for(), so the wait ends at once, wherever it is. */
static volatile LONG stop_signal;  /* the event + 1: CTRL_C_EVENT is 0 */
static volatile LONG cleaned_up;   /* set by main once the file is removed */
static SOCKET wake[2];             /* from uds_wake_pair() */

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
static int prepare_stop(void)
{
    if (uds_wake_pair(wake) != 0)
        return -1;
    SetConsoleCtrlHandler(on_stop, TRUE);
    return 0;
}

static const char *stop_name(LONG sig)
{
    switch (sig - 1) {
    case CTRL_C_EVENT: return "CTRL_C_EVENT";
    case CTRL_BREAK_EVENT: return "CTRL_BREAK_EVENT";
    case CTRL_CLOSE_EVENT: return "CTRL_CLOSE_EVENT";
    case CTRL_LOGOFF_EVENT: return "CTRL_LOGOFF_EVENT";
    default: return "CTRL_SHUTDOWN_EVENT";
    }
}
/* [stop-signals] */

/* [wait-for] */
/* Wait until fd is ready for events.  Returns 1 when it is, 0 when a stop
 * event came, -1 on error.  The handler's byte on wake[0] ends the wait:
 * a stop that comes after the flag was looked at is not missed, because
 * the byte stays there until it is read. */
static int wait_for(SOCKET fd, short events)
{
    WSAPOLLFD p[2] = {
        { .fd = fd, .events = events },
        { .fd = wake[0], .events = POLLIN },
    };

    if (stop_signal)
        return 0;
    if (WSAPoll(p, 2, -1) < 0)
        return -1;
    return stop_signal || p[1].revents ? 0 : 1;
}
/* [wait-for] */

/* Every wait goes through wait_for(), so recv() and send() must never
 * block: with a non-blocking socket they take what is there and return. */
static int set_nonblocking(SOCKET fd)
{
    u_long on = 1;
    return ioctlsocket(fd, FIONBIO, &on) == 0 ? 0 : -1;
}

/* [claim-path] */
/* May this server bind PATH?  Returns 0 when it may (the path is free, or
 * was a stale socket file and has been removed), 1 when it must not start.
 * Nothing is created before the path has been looked at.  Windows has no
 * S_ISSOCK: a socket file is a reparse point with a tag of its own. */
static int claim_socket_path(const char *path, const struct sockaddr_un *addr,
                             socklen_t addr_len)
{
    WIN32_FIND_DATAA st;
    HANDLE found = FindFirstFileA(path, &st);

    if (found == INVALID_HANDLE_VALUE) {
        DWORD err = GetLastError(); /* Linux's ENOENT is two errors here */
        return err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND
               ? 0 : uds_fail_code(PROG, "cannot inspect", path, (int)err);
    }
    FindClose(found);
    if (!(st.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT)
        || st.dwReserved0 != IO_REPARSE_TAG_AF_UNIX) {
        fprintf(stderr, PROG ": %s exists and is not a socket; not removing it\n", path);
        return 1;
    }
    /* A socket file says nothing about whether a server is behind it: the
     * only way to know is to knock.  A live server accepts (and sees a
     * client that leaves at once); a dead one is expected to give
     * WSAECONNREFUSED, as on Linux (not tested by the kit on Windows).
     * The knock is non-blocking, and waits in wait_for(), so that a
     * server that is slow to answer cannot keep Ctrl+C from working. */
    SOCKET probe = socket(AF_UNIX, SOCK_STREAM, 0);
    if (probe == INVALID_SOCKET)
        return uds_fail_socket(PROG, path);
    int r = set_nonblocking(probe);
    if (r == 0)
        r = connect(probe, (const struct sockaddr *)addr, addr_len);
    int err = WSAGetLastError();
    if (r != 0 && err == WSAEWOULDBLOCK) {
        int len = (int)sizeof err;
        /* Writable once connected; the outcome is in SO_ERROR. */
        r = wait_for(probe, POLLOUT);
        if (r == 1 && getsockopt(probe, SOL_SOCKET, SO_ERROR, (char *)&err, &len) == 0)
            r = err == 0 ? 0 : -1;
        else if (r == 0)
            err = WSAEINTR; /* a stop event came first */
        else
            err = WSAGetLastError(), r = -1;
    }
    closesocket(probe);
    if (r == 0) {
        fprintf(stderr, PROG ": another server is live on %s; not starting\n", path);
        return 1;
    }
    WSASetLastError(err);
    if (err != WSAECONNREFUSED) /* we cannot tell, so we touch nothing */
        return uds_fail(PROG, "cannot tell whether a server is live on", path);
    /* A socket file cannot be opened like a file: DeleteFile() removes it. */
    if (!DeleteFileA(path))
        return uds_fail_code(PROG, "cannot remove stale socket", path, (int)GetLastError());
    printf("removed stale socket %s\n", path);
    return 0;
}
/* [claim-path] */

/* Flush the log.  Returns 1 when it went out; 0, with *status set to 1,
 * when stdout is gone (its reader has closed), and the server stops as if
 * asked to, removing its socket file.  The C library's error is in errno,
 * not in WSAGetLastError(). */
static int log_written(int *status)
{
    if (fflush(stdout) == 0)
        return 1;
    fprintf(stderr, PROG ": cannot write standard output: %s\n", strerror(errno));
    *status = 1;
    return 0;
}

#define STOPPED (-2)

/* Serve one client: upper-case its bytes as they come, until it says it has
 * sent everything (recv() returns 0).  Returns the byte count, -1 on an
 * error (in WSAGetLastError()), or STOPPED when a stop event came first. */
static long upcase(SOCKET client)
{
    char buf[65536];
    long total = 0;

    /* [upcase-loop] */
    for (;;) {
        int w = wait_for(client, POLLIN);
        if (w <= 0)
            return w == 0 ? STOPPED : -1;
        long n = recv(client, buf, sizeof buf, 0);
        if (n == 0)
            return total; /* the client's shutdown(SD_SEND): that's all */
        if (n < 0) {
            if (WSAGetLastError() == WSAEWOULDBLOCK)
                continue;
            return -1;
        }
        for (long i = 0; i < n; i++)
            if (buf[i] >= 'a' && buf[i] <= 'z')
                buf[i] = (char)(buf[i] - 'a' + 'A');
        /* Reply before reading more: the server holds at most one buffer,
         * however big the file.  This cannot deadlock only because the
         * client reads while it sends (see upcase-client). */
        for (long off = 0; off < n;) {
            w = wait_for(client, POLLOUT);
            if (w <= 0)
                return w == 0 ? STOPPED : -1;
            /* Windows has no SIGPIPE: a client that has gone just makes
             * send() fail (WSAECONNRESET or WSAECONNABORTED, as reported). */
            long m = send(client, buf + off, (int)(n - off), 0);
            if (m < 0 && WSAGetLastError() != WSAEWOULDBLOCK)
                return -1;
            if (m > 0)
                off += m;
        }
        total += n;
    }
    /* [upcase-loop] */
}

int main(int argc, char **argv)
{
    struct sockaddr_un addr;
    socklen_t addr_len;
    SOCKET listener;
    int status = 0;

    /* An argument starting with - is an option, never a path: --help. */
    int opt = uds_options(PROG, argc, argv, NULL, USAGE);
    if (opt >= 0)
        return opt;
    if (argc != 2) {
        fprintf(stderr, "%s\n", USAGE);
        return 2;
    }
    const char *path = argv[1];
    if (uds_startup() != 0)
        return uds_fail(PROG, "cannot start", "Winsock");
    if (uds_addr_path(&addr, &addr_len, path) != 0)
        return uds_fail(PROG, "bad socket path", path);

    /* [log-pipe] */
    /* Windows has no SIGPIPE: a log whose reader has gone just makes the
     * write fail, and the server stops cleanly (see log_written()). */
    /* [log-pipe] */

    /* Before the socket file exists, so that Ctrl+C cannot end the server
     * between bind() and the code that removes the file again. */
    if (prepare_stop() != 0)
        return uds_fail(PROG, "cannot prepare", "to stop");

    /* [server-setup] */
    if (claim_socket_path(path, &addr, addr_len) != 0)
        return 1;
    listener = socket(AF_UNIX, SOCK_STREAM, 0);
    if (listener == INVALID_SOCKET)
        return uds_fail_socket(PROG, path);
    if (bind(listener, (struct sockaddr *)&addr, addr_len) != 0) {
        uds_fail(PROG, "cannot bind", path);
        closesocket(listener);
        return 1;
    }
    if (listen(listener, 8) != 0 || set_nonblocking(listener) != 0) {
        uds_fail(PROG, "cannot listen on", path);
        closesocket(listener);
        DeleteFileA(path);
        return 1;
    }
    /* [server-setup] */
    printf("listening on %s\n", path);

    /* [accept-loop] */
    long served = 0;
    while (log_written(&status)) {
        int w = wait_for(listener, POLLIN);
        if (w == 0)
            break; /* a stop event */
        if (w < 0) {
            status = uds_fail(PROG, "cannot wait on", path);
            break;
        }
        SOCKET client = accept(listener, NULL, NULL);
        if (client == INVALID_SOCKET) {
            if (WSAGetLastError() == WSAEWOULDBLOCK || WSAGetLastError() == WSAECONNRESET)
                continue; /* the client left before we took it */
            status = uds_fail(PROG, "cannot accept on", path);
            break;
        }
        served++;
        long n = set_nonblocking(client) == 0 ? upcase(client) : -1;
        if (n == STOPPED)
            printf("client %ld: cut off, the server is stopping\n", served);
        else if (n < 0)
            fprintf(stderr, PROG ": client %ld: %s\n", served,
                    uds_strerror(uds_last_error()));
        else
            printf("client %ld: upcased %ld bytes\n", served, n);
        /* Closing tells the client: that's the whole reply. */
        closesocket(client);
    }
    /* [accept-loop] */

    /* [cleanup] */
    closesocket(listener);
    /* The file outlives the socket: remove it, or the next start must
     * decide whether it is stale. */
    DeleteFileA(path);
    if (stop_signal)
        printf("stopping on %s; removed %s\n", stop_name(stop_signal), path);
    else
        printf("stopping; removed %s\n", path);
    /* [cleanup] */
    fflush(stdout);
    uds_cleanup();
    InterlockedExchange(&cleaned_up, 1); /* the console handler may return */
    return status;
}
