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
 */
#define main fdpass_server_main /* the server's main() is not needed here */
#include "fdpass-server.c"
#undef main

int main(int argc, char **argv)
{
    SOCKET listeners[MAX_LISTENERS];
    WSAEVENT events[MAX_LISTENERS];
    char where[NI_MAXHOST + NI_MAXSERV + 4];
    WSADATA wsa;
    int n;

    if (argc != 3) {
        fprintf(stderr, "usage: listen-check ADDRESS PORT\n");
        return 2;
    }
    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0)
        return 1;
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
