/* SPDX-License-Identifier: MIT */
/*
 * listen-check (Windows, a test helper for win32.test, not a sample):
 * runs the server's TCP side without AF_UNIX.
 *
 * The server connects to the worker before it listens, so where AF_UNIX is
 * missing (Debian's Wine) it never gets to listen_tcp().  This helper calls
 * the server's own listen_tcp() and prints the server's "listening on"
 * lines; then it connects to each IPv4 listener over the loopback and
 * accepts through the listener's event, as the server's loop does.
 *
 * usage: listen-check ADDRESS PORT
 *        listen-check --slow-worker | --stopped-worker
 * The second form runs the server's send_fd_waiting() against a "worker"
 * that is a TCP connection with small buffers: one that reads late and
 * slowly must still get every frame whole; one that never reads must not
 * keep a stop from ending the wait.
 */
#define main fdpass_server_main /* the server's main() is not needed here */
#include "fdpass-server.c"
#undef main

#define FRAMES 300

/* The far end of the "worker" connection, for --slow-worker: start late,
 * then read frames one by one, and count the whole ones. */
static DWORD WINAPI slow_reader(LPVOID arg)
{
    SOCKET s = *(SOCKET *)arg;
    WSAPROTOCOL_INFOW info;
    size_t len;
    DWORD whole = 0;

    Sleep(300);
    while (uds_frame_recv(s, &info, sizeof info, &len) == 1 && len == sizeof info)
        whole++;
    return whole;
}

/* For --stopped-worker: what Windows does on Ctrl+C, a little later. */
static DWORD WINAPI ctrl_c_later(LPVOID unused)
{
    (void)unused;
    Sleep(300);
    on_stop(CTRL_C_EVENT);
    return 0;
}

/* A connected pair over the loopback, with small buffers, so that a
 * reader who does not keep up soon leaves the sender without room (the
 * FRAMES frames are five times what both buffers hold).  Not too small on
 * the reading side, or TCP's window updates, not the code, set the pace. */
static int small_pair(SOCKET *c, SOCKET *a)
{
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    int small = 4096, medium = 32768;

    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    SOCKET l = socket(AF_INET, SOCK_STREAM, 0);
    *c = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(*c, SOL_SOCKET, SO_SNDBUF, (const char *)&small, sizeof small);
    setsockopt(l, SOL_SOCKET, SO_RCVBUF, (const char *)&medium, sizeof medium);
    if (l == INVALID_SOCKET || *c == INVALID_SOCKET
        || bind(l, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(l, 1) != 0
        || getsockname(l, (struct sockaddr *)&addr, &len) != 0
        || connect(*c, (struct sockaddr *)&addr, sizeof addr) != 0)
        return -1;
    *a = accept(l, NULL, NULL);
    closesocket(l);
    return *a == INVALID_SOCKET ? -1 : 0;
}

static int stuck_worker(int slow)
{
    SOCKET worker, far_end, client, conn;
    HANDLE reader = NULL;
    int sent = 0;

    if (block_signals() != 0 || small_pair(&worker, &far_end) != 0
        || small_pair(&client, &conn) != 0)
        return fail("cannot set up", "the loopback connections");
    /* As connect_worker() leaves the worker's socket. */
    if (WSAEventSelect(worker, worker_event, FD_READ | FD_WRITE | FD_CLOSE) != 0)
        return fail("cannot select events on", "the worker's socket");
    if (slow)
        reader = CreateThread(NULL, 0, slow_reader, &far_end, 0, NULL);
    else
        CreateThread(NULL, 0, ctrl_c_later, NULL, 0, NULL);
    while (sent < FRAMES && send_fd_waiting(worker, GetCurrentProcessId(), conn) == 0)
        sent++;
    if (slow) {
        DWORD whole = 0;
        closesocket(worker); /* the reader's end of stream */
        WaitForSingleObject(reader, 20000);
        GetExitCodeThread(reader, &whole);
        printf("sent %d frames; the slow worker got %lu whole\n", sent, (unsigned long)whole);
    } else {
        printf("sent %d of %d frames; stopped on %s\n", sent, FRAMES,
               stop_signal ? stop_signal : "nothing");
    }
    return 0;
}

int main(int argc, char **argv)
{
    SOCKET listeners[MAX_LISTENERS];
    WSAEVENT events[MAX_LISTENERS];
    char where[NI_MAXHOST + NI_MAXSERV + 4];
    WSADATA wsa;
    int n;

    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0)
        return 1;
    if (argc == 2 && strcmp(argv[1], "--slow-worker") == 0)
        return stuck_worker(1);
    if (argc == 2 && strcmp(argv[1], "--stopped-worker") == 0)
        return stuck_worker(0);
    if (argc != 3) {
        fprintf(stderr, "usage: listen-check ADDRESS PORT | --slow-worker | --stopped-worker\n");
        return 2;
    }
    n = listen_tcp(argv[1], argv[2], listeners, events);
    for (int i = 0; i < n; i++) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof ss;
        getsockname(listeners[i], (struct sockaddr *)&ss, &len);
        printf(PROG ": listening on %s\n",
               format_addr((struct sockaddr *)&ss, len, where, sizeof where));
    }
    for (int i = 0; i < n; i++) {
        struct sockaddr_in sin;
        socklen_t len = sizeof sin;
        WSANETWORKEVENTS happened;

        if (getsockname(listeners[i], (struct sockaddr *)&sin, &len) != 0
            || sin.sin_family != AF_INET)
            continue;
        sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* 0.0.0.0 is no place to go */
        SOCKET c = socket(AF_INET, SOCK_STREAM, 0);
        if (c == INVALID_SOCKET || connect(c, (struct sockaddr *)&sin, sizeof sin) != 0)
            return fail("cannot connect to", "the listener");
        /* As the server's loop: wait for the event, ask what happened, accept. */
        if (WSAWaitForMultipleEvents(1, &events[i], FALSE, 10000, FALSE) != WSA_WAIT_EVENT_0
            || WSAEnumNetworkEvents(listeners[i], events[i], &happened) != 0
            || !(happened.lNetworkEvents & FD_ACCEPT))
            return fail("no FD_ACCEPT on", "the listener");
        SOCKET conn = accept(listeners[i], NULL, NULL);
        if (conn == INVALID_SOCKET)
            return fail("cannot accept on", "the listener");
        make_blocking(conn);
        /* A second accept() finds nothing: the listener does not block. */
        SOCKET none = accept(listeners[i], NULL, NULL);
        printf("accepted on %s; then %s\n",
               format_addr((struct sockaddr *)&sin, sizeof sin, where, sizeof where),
               none == INVALID_SOCKET && WSAGetLastError() == WSAEWOULDBLOCK
               ? "WSAEWOULDBLOCK" : "something else");
        closesocket(conn);
        closesocket(c);
    }
    for (int i = 0; i < n; i++) {
        closesocket(listeners[i]);
        WSACloseEvent(events[i]);
    }
    WSACleanup();
    return n > 0 ? 0 : 1;
}
