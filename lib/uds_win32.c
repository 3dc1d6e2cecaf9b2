/* SPDX-License-Identifier: MIT */
/* The Windows (Winsock) part of the helper library. */
#include "uds.h"
#include "uds_internal.h"

#include <stdio.h>
#include <string.h>
#include <limits.h>

int uds_startup(void)
{
    WSADATA data;
    /* WSAStartup reports its error as its result, not via WSAGetLastError. */
    int err = WSAStartup(MAKEWORD(2, 2), &data);

    if (err != 0) {
        WSASetLastError(err);
        return -1;
    }
    return 0;
}

void uds_cleanup(void)
{
    WSACleanup();
}

int uds_close(uds_socket_t s)
{
    /* A SOCKET is not a C runtime file descriptor: close() would not do. */
    return closesocket(s) == 0 ? 0 : -1;
}

int uds_last_error(void)
{
    return WSAGetLastError();
}

void uds_set_error(int err)
{
    WSASetLastError(err);
}

long uds_send_some(uds_socket_t s, const void *buf, size_t len)
{
    /* send() takes an int; Windows has no SIGPIPE to suppress. */
    int n = send(s, buf, len > INT_MAX ? INT_MAX : (int)len, 0);

    return n == SOCKET_ERROR ? -1 : (long)n;
}

long uds_recv_some(uds_socket_t s, void *buf, size_t len)
{
    int n = recv(s, buf, len > INT_MAX ? INT_MAX : (int)len, 0);

    return n == SOCKET_ERROR ? -1 : (long)n;
}

void uds_system_text(int err, char *buf, size_t cap)
{
    DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                             NULL, (DWORD)err, MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT),
                             buf, (DWORD)cap, NULL);

    /* Windows ends its messages with ".\r\n"; not every system has a text. */
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == '.'))
        buf[--n] = '\0';
    if (n == 0)
        snprintf(buf, cap, "Windows error %d", err);
}

#define E(code) { code, #code }
const struct uds_error_entry uds_error_table[] = {
    E(WSAEINTR), E(WSAEBADF), E(WSAEACCES), E(WSAEFAULT), E(WSAEINVAL),
    E(WSAEMFILE), E(WSAEWOULDBLOCK), E(WSAEINPROGRESS), E(WSAEALREADY),
    E(WSAENOTSOCK), E(WSAEDESTADDRREQ), E(WSAEMSGSIZE), E(WSAEPROTOTYPE),
    E(WSAENOPROTOOPT), E(WSAEPROTONOSUPPORT), E(WSAESOCKTNOSUPPORT),
    E(WSAEOPNOTSUPP), E(WSAEPFNOSUPPORT), E(WSAEAFNOSUPPORT), E(WSAEADDRINUSE),
    E(WSAEADDRNOTAVAIL), E(WSAENETDOWN), E(WSAENETUNREACH), E(WSAECONNABORTED),
    E(WSAECONNRESET), E(WSAENOBUFS), E(WSAEISCONN), E(WSAENOTCONN),
    E(WSAESHUTDOWN), E(WSAETIMEDOUT), E(WSAECONNREFUSED), E(WSAENAMETOOLONG),
    E(WSAEHOSTUNREACH), E(WSASYSNOTREADY), E(WSAVERNOTSUPPORTED),
    E(WSANOTINITIALISED), E(WSAEINVALIDPROVIDER), E(WSAEPROVIDERFAILEDINIT),
    E(ERROR_FILE_NOT_FOUND), E(ERROR_PATH_NOT_FOUND), E(ERROR_ACCESS_DENIED),
    E(ERROR_SHARING_VIOLATION), E(ERROR_FILE_EXISTS), E(ERROR_ALREADY_EXISTS),
    E(ERROR_INVALID_NAME), E(ERROR_DIRECTORY),
    { 0, NULL }
};

int uds_wake_pair(uds_socket_t pair[2])
{
    struct sockaddr_in addr;
    int len = (int)sizeof addr;
    struct sockaddr_in mine, theirs;
    int mine_len = (int)sizeof mine, theirs_len = (int)sizeof theirs;
    SOCKET listener, a = INVALID_SOCKET, b = INVALID_SOCKET;
    int err;

    /* Loopback TCP, not AF_UNIX: it exists on every Windows (and under
     * Wine), and the pair never leaves this process.  No socket here is
     * inherited by a child process (WSA_FLAG_NO_HANDLE_INHERIT). */
    listener = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0,
                          WSA_FLAG_NO_HANDLE_INHERIT);
    if (listener == INVALID_SOCKET)
        return -1;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0; /* any free port */
    if (bind(listener, (struct sockaddr *)&addr, len) != 0
        || listen(listener, 1) != 0
        || getsockname(listener, (struct sockaddr *)&addr, &len) != 0)
        goto fail;
    a = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_NO_HANDLE_INHERIT);
    if (a == INVALID_SOCKET || connect(a, (struct sockaddr *)&addr, len) != 0)
        goto fail;
    b = accept(listener, (struct sockaddr *)&theirs, &theirs_len);
    if (b == INVALID_SOCKET
        || getsockname(a, (struct sockaddr *)&mine, &mine_len) != 0)
        goto fail;
    /* Microsoft does not say whether an accepted socket keeps the
     * listener's WSA_FLAG_NO_HANDLE_INHERIT: make sure. */
    SetHandleInformation((HANDLE)b, HANDLE_FLAG_INHERIT, 0);
    /* Another local program could have connected first: accept only our
     * own end, recognised by its port. */
    if (theirs.sin_port != mine.sin_port) {
        WSASetLastError(WSAECONNREFUSED);
        goto fail;
    }
    closesocket(listener);
    pair[0] = b;
    pair[1] = a;
    return 0;

fail:
    err = WSAGetLastError();
    if (b != INVALID_SOCKET)
        closesocket(b);
    if (a != INVALID_SOCKET)
        closesocket(a);
    closesocket(listener);
    WSASetLastError(err);
    return -1;
}

/* The stop mechanism of chapter 03, for the chapters that do not teach it
 * (see uds.h). */
static SOCKET stop_pair[2] = { INVALID_SOCKET, INVALID_SOCKET };
static volatile LONG stop_event; /* the event + 1: CTRL_C_EVENT is 0 */
static volatile LONG stop_finished; /* set by uds_stop_done() */
static BOOL stop_registered;

/* Windows runs this on a thread of its own, and nothing it does interrupts
 * a WSAPoll() in the main thread, except making a polled socket readable. */
static BOOL WINAPI on_stop(DWORD event)
{
    /* The flag first, then the byte: a wait that has just looked at the
     * flag finds the byte, so no stop is missed. */
    InterlockedExchange(&stop_event, (LONG)event + 1);
    send(stop_pair[1], "!", 1, 0);
    /* For a closing console, Windows ends the process as soon as the
     * handler returns (Microsoft Learn: HandlerRoutine callback function):
     * give the program up to 5 s to remove its socket file first.  For
     * Ctrl+C, returning TRUE just lets the process go on. */
    for (int i = 0; i < 500 && !stop_finished; i++)
        Sleep(10);
    return TRUE;
}

int uds_prepare_stop(void)
{
    if (uds_wake_pair(stop_pair) != 0)
        return -1;
    if (!SetConsoleCtrlHandler(on_stop, TRUE)) {
        WSASetLastError((int)GetLastError());
        return -1;
    }
    stop_registered = TRUE;
    return 0;
}

const char *uds_stop_requested(void)
{
    switch (stop_event) {
    case 0: return NULL;
    case CTRL_C_EVENT + 1: return "CTRL_C_EVENT";
    case CTRL_BREAK_EVENT + 1: return "CTRL_BREAK_EVENT";
    case CTRL_CLOSE_EVENT + 1: return "CTRL_CLOSE_EVENT";
    case CTRL_LOGOFF_EVENT + 1: return "CTRL_LOGOFF_EVENT";
    default: return "CTRL_SHUTDOWN_EVENT";
    }
}

uds_socket_t uds_stop_wake(void)
{
    return stop_pair[0];
}

void uds_stop_done(void)
{
    /* A handler that is waiting may return now: first, in case removing
     * a handler waits for a running one (Microsoft does not say), which
     * would then hold up the removal for its 5 s. */
    InterlockedExchange(&stop_finished, 1);
    /* Then unregistered, before the pair is closed: after WSACleanup() a
     * Ctrl+C would otherwise reach a handler that sends on a closed
     * socket. */
    if (stop_registered)
        SetConsoleCtrlHandler(on_stop, FALSE);
    stop_registered = FALSE;
    for (int k = 0; k < 2; k++) {
        if (stop_pair[k] != INVALID_SOCKET)
            closesocket(stop_pair[k]);
        stop_pair[k] = INVALID_SOCKET;
    }
}
