/* SPDX-License-Identifier: MIT */
/*
 * pass-server (Windows): accepts TCP connections and hands each one, with
 * WSADuplicateSocketW() over an AF_UNIX socket, to pass-worker, which
 * serves it.
 *
 * The chapter's minimal sender on Windows: blocking, one listening socket,
 * and the console's default actions (Ctrl+C ends it).  Windows has no
 * SCM_RIGHTS, so where the Linux twin sends a descriptor and closes its
 * copy, this one learns the worker's process id, sends a WSAPROTOCOL_INFOW
 * made for that process, and closes its copy only once the worker has
 * answered that it made its own socket.  fdpass-server is the same idea
 * made to run for months.
 *
 * usage: pass-server ADDRESS PORT SOCKET
 *   ADDRESS  a numeric IPv4 or IPv6 address: 127.0.0.1, ::1, 0.0.0.0 or ::
 *   PORT     0 to 65535 (0: any free port; the one it got is printed)
 *   SOCKET   the path pass-worker listens on, such as %TEMP%\pass.sock
 */
#include "common.h"

#include <stdio.h>

#define PROG "pass-server"

/* [send-fd] */
/* Hand FD to the worker's process.  WSADuplicateSocketW() fills in a
 * WSAPROTOCOL_INFOW that only that process can turn into a socket; a frame
 * (a 4-byte length, then the bytes) carries it, since a stream keeps no
 * boundaries.  Then wait for the worker's one byte: in Microsoft's order,
 * the source closes its socket only after the target has made its own
 * with WSASocketW().  Returns 0 once the worker has answered, -1 if not. */
static int send_fd(SOCKET worker, DWORD pid, SOCKET fd)
{
    WSAPROTOCOL_INFOW info;
    unsigned char answer;

    if (WSADuplicateSocketW(fd, pid, &info) != 0
        || uds_frame_send(worker, &info, sizeof info) != 0)
        return -1;
    /* 1: made; 0: could not (the worker says why).  Either way, done. */
    long n = uds_recv_some(worker, &answer, 1);
    if (n == 0)
        WSASetLastError(WSAECONNRESET); /* gone without answering */
    return n == 1 ? 0 : -1;
}
/* [send-fd] */

int main(int argc, char **argv)
{
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV };
    struct addrinfo *ai;
    char where[WHERE_MAX];
    SOCKET worker, listener;
    DWORD pid;
    int err, status = server_args(PROG, argc, argv);

    if (status != 0)
        return status;
    const char *address = argv[1], *port = argv[2], *path = argv[3];
    if (getaddrinfo(address, port, &hints, &ai) != 0) {
        fprintf(stderr, PROG ": ADDRESS must be a numeric IPv4 or IPv6 address, not '%s'\n", address);
        return 2;
    }

    /* First the worker: without it there is nothing to listen for. */
    worker = connect_worker(path, &pid);
    if (worker == INVALID_SOCKET) {
        freeaddrinfo(ai);
        if (WSAGetLastError() == WSAEAFNOSUPPORT)
            return uds_fail_socket(PROG, path); /* says what Windows it needs */
        return uds_fail(PROG, "cannot connect to the worker at", path);
    }

    /* [listen-tcp] */
    format_addr(ai->ai_addr, (socklen_t)ai->ai_addrlen, where, sizeof where);
    /* WSASocketW() without WSA_FLAG_OVERLAPPED (socket() would set it): the
     * accepted sockets inherit it, and the command reads and writes its
     * connection with plain ReadFile() and WriteFile().  No SO_REUSEADDR:
     * on Windows it would let another program take over the port. */
    listener = WSASocketW(ai->ai_family, ai->ai_socktype, ai->ai_protocol, NULL, 0,
                          WSA_FLAG_NO_HANDLE_INHERIT);
    if (listener == INVALID_SOCKET || bind(listener, ai->ai_addr, (int)ai->ai_addrlen) != 0
        || listen(listener, SOMAXCONN) != 0) {
        err = WSAGetLastError();
        freeaddrinfo(ai);
        closesocket(worker);
        if (listener != INVALID_SOCKET)
            closesocket(listener);
        return uds_fail_code(PROG, "cannot listen on", where, err);
    }
    freeaddrinfo(ai);
    /* With PORT 0 the system chose the port: print the one we got. */
    printf(PROG ": listening on %s\n", format_addr_of(listener, where, sizeof where));
    fflush(stdout);
    /* [listen-tcp] */

    /* [server-loop] */
    long failures = 0; /* accept() failures in a row, for one line about them */
    for (;;) {
        SOCKET conn = accept(listener, NULL, NULL);
        if (conn == INVALID_SOCKET) {
            err = WSAGetLastError();
            if (err == WSAECONNRESET || err == WSAEINTR)
                continue; /* a client that gave up before we took it */
            if (!out_of_descriptors(PROG, where, err, &failures)) {
                uds_fail(PROG, "cannot accept on", where);
                break;
            }
            Sleep(1000); /* out of sockets: pause, do not spin (common.c) */
            continue;
        }
        accepting_again(PROG, &failures);
        int sent = send_fd(worker, pid, conn);
        err = WSAGetLastError();
        closesocket(conn); /* after the answer: the worker has its own copy, or never will */
        if (sent != 0) {
            uds_fail_code(PROG, "cannot pass a connection to the worker at", path, err);
            break;
        }
    }
    /* [server-loop] */

    closesocket(listener);
    closesocket(worker);
    uds_cleanup();
    return 1;
}
