/* SPDX-License-Identifier: MIT */
/*
 * handover-check (Windows, a test helper for win32.test, not a sample):
 * runs the worker's receiving side without AF_UNIX.
 *
 * Where AF_UNIX is missing (Debian's Wine), the hand-over can still be
 * exercised over TCP loopback: a client connects to a listener; the
 * accepted socket is duplicated with WSADuplicateSocketW() (for this same
 * process, the only one at hand) and its WSAPROTOCOL_INFOW sent as a frame
 * on a second TCP connection, which stands in for the AF_UNIX one.  The
 * worker's own recv_fd() and spawn_on() take it from there; the client
 * prints what COMMAND answered, and the sender the worker's answer byte.
 *
 * usage: handover-check good|short|long|fields|stop|midframe COMMAND [ARGS...]
 *        handover-check worker-side PORT go|late|quit COMMAND [ARGS...]
 * good sends a proper frame; short a frame of 3 bytes; long one byte more
 * than a WSAPROTOCOL_INFOW; fields a good one whose socket type is not
 * SOCK_STREAM.  (A structure whose fields look right but make no socket
 * cannot be tested here: Wine's WSASocketW() takes the handle it finds in
 * it on trust.)  stop
 * sends nothing, and midframe only a frame's header: while the worker
 * waits, another thread calls its console handler, as Windows would on
 * Ctrl+Break (Wine without a console cannot send the event itself).
 * worker-side is the other process of listen-check's --apart test: it
 * connects to PORT on the loopback and serves that connection with the
 * worker's serve_server().  With late, it first waits until a whole frame
 * has arrived, says "frame here" on stdout and waits for a line on stdin;
 * quit does the same, then leaves without taking the frame.
 */
#define main fdpass_worker_main /* the worker's main() is not needed here */
#include "fdpass-worker.c"
#undef main

/* A connected pair of TCP sockets on the loopback interface: listener *l,
 * client *c and the accepted end *a.  Synchronous, as the server's are. */
static int tcp_pair(SOCKET *l, SOCKET *c, SOCKET *a)
{
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;

    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    *l = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_NO_HANDLE_INHERIT);
    *c = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_NO_HANDLE_INHERIT);
    if (*l == INVALID_SOCKET || *c == INVALID_SOCKET
        || bind(*l, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(*l, 1) != 0
        || getsockname(*l, (struct sockaddr *)&addr, &len) != 0
        || connect(*c, (struct sockaddr *)&addr, sizeof addr) != 0)
        return -1;
    *a = accept(*l, NULL, NULL);
    return *a == INVALID_SOCKET ? -1 : 0;
}

/* What Windows does on Ctrl+Break: call the handler on a thread of its own.
 * If the wait has not begun yet, it returns at once: the same result. */
static DWORD WINAPI ctrl_break_later(LPVOID unused)
{
    (void)unused;
    Sleep(200);
    on_stop(CTRL_BREAK_EVENT);
    return 0;
}

/* The command's answer, to its end: the client sees the end when the
 * command exits, or at once if it never started.  Printed in brackets, so
 * that it cannot be mistaken for output the command wrote anywhere else. */
static void print_answer(SOCKET client)
{
    char got[4096];
    size_t total = 0;
    long n;

    shutdown(client, SD_SEND);
    while (total < sizeof got - 1
           && (n = uds_recv_some(client, got + total, sizeof got - 1 - total)) > 0)
        total += (size_t)n;
    while (total > 0 && (got[total - 1] == '\n' || got[total - 1] == '\r'))
        total--;
    got[total] = '\0';
    printf("client got: [%s]\n", got);
}

/* The other process of listen-check --apart. */
static int worker_side(const char *port, const char *mode, char **command)
{
    static char command_line[COMMAND_LINE_MAX];
    struct sockaddr_in addr;
    size_t line_len = 0;
    SOCKET receiver;
    char c;
    DWORD n;

    for (char **arg = command; *arg != NULL; arg++)
        if (append_arg(command_line, sizeof command_line, &line_len, *arg) != 0)
            return 2;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons((u_short)atoi(port));
    if (uds_startup() != 0 || catch_stop_events() != 0)
        return 1;
    receiver = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_NO_HANDLE_INHERIT);
    if (receiver == INVALID_SOCKET || connect(receiver, (struct sockaddr *)&addr, sizeof addr) != 0)
        return uds_fail(PROG, "worker side: cannot connect to", port);
    if (strcmp(mode, "go") != 0) {
        /* Wait until the whole frame is here, without taking it. */
        unsigned char frame[UDS_FRAME_HEADER + sizeof(WSAPROTOCOL_INFOW)];
        while (recv(receiver, (char *)frame, sizeof frame, MSG_PEEK) < (int)sizeof frame)
            if (wait_ready(receiver, POLLRDNORM) <= 0)
                return 1;
        printf("frame here\n");
        fflush(stdout);
        while (ReadFile(GetStdHandle(STD_INPUT_HANDLE), &c, 1, &n, NULL) && n == 1 && c != '\n')
            ;
        if (strcmp(mode, "quit") == 0)
            return 0; /* gone without an answer */
    }
    serve_server(receiver, command_line, command[0]);
    closesocket(receiver);
    return 0;
}

int main(int argc, char **argv)
{
    static char command_line[COMMAND_LINE_MAX];
    unsigned char frame[sizeof(WSAPROTOCOL_INFOW) + 1];
    SOCKET l1, client, conn, l2, sender, receiver, fd = INVALID_SOCKET;
    size_t line_len = 0, frame_len;
    unsigned char ack;

    if (argc > 4 && strcmp(argv[1], "worker-side") == 0)
        return worker_side(argv[2], argv[3], argv + 4);
    if (argc < 3) {
        fprintf(stderr, "usage: handover-check good|short|long|fields|stop|midframe|limit"
                " COMMAND [ARGS...]\n");
        return 2;
    }
    for (int i = 2; i < argc; i++)
        if (append_arg(command_line, sizeof command_line, &line_len, argv[i]) != 0)
            return 2;
    if (uds_startup() != 0 || tcp_pair(&l1, &client, &conn) != 0
        || tcp_pair(&l2, &sender, &receiver) != 0)
        return uds_fail("handover-check", "cannot set up", "the loopback connections");
    if (catch_stop_events() != 0)
        return uds_fail("handover-check", "cannot catch console events in", "handover-check");
    if (strcmp(argv[1], "limit") == 0) {
        /* The limit on commands (make_room(), as serve_server() calls it),
         * with events standing in for the commands' processes: one of 63
         * has ended, so there is room; then at the limit, a stop ends the
         * wait. */
        for (int i = 0; i < MAX_CHILDREN; i++)
            children[n_children++] = CreateEventW(NULL, TRUE, FALSE, NULL);
        SetEvent(children[5]);
        int r1 = make_room(children, &n_children, MAX_CHILDREN, stop_event), n1 = n_children;
        children[n_children++] = CreateEventW(NULL, TRUE, FALSE, NULL);
        HANDLE breaker = CreateThread(NULL, 0, ctrl_break_later, NULL, 0, NULL);
        if (breaker == NULL)
            return uds_fail_code("handover-check", "cannot start", "a thread", (int)GetLastError());
        int r2 = make_room(children, &n_children, MAX_CHILDREN, stop_event);
        /* Its thread ends before this process does: under Wine, a thread
         * still in the handler while the process exits crashed it (SIGSEGV). */
        WaitForSingleObject(breaker, INFINITE);
        printf("make_room: %d (%d running), then at %d: %d, stopping on %s\n", r1, n1,
               n_children, r2, stop_signal ? stop_signal : "nothing");
        return 0;
    }
    if (strcmp(argv[1], "stop") == 0 || strcmp(argv[1], "midframe") == 0) {
        if (strcmp(argv[1], "midframe") == 0)
            uds_send_all(sender, "\0\0\1\0", 4); /* a header, and no payload */
        HANDLE breaker = CreateThread(NULL, 0, ctrl_break_later, NULL, 0, NULL);
        if (breaker == NULL)
            return uds_fail_code("handover-check", "cannot start", "a thread", (int)GetLastError());
        if (strcmp(argv[1], "stop") == 0) {
            int r = wait_ready(receiver, POLLRDNORM);
            printf("wait_ready: %d, stopping on %s\n", r, stop_signal ? stop_signal : "nothing");
        } else {
            int r = recv_fd(receiver, &fd);
            printf("recv_fd: %d (%s), stopping on %s\n", r, uds_error_name(WSAGetLastError()),
                   stop_signal ? stop_signal : "nothing");
        }
        WaitForSingleObject(breaker, INFINITE); /* as above */
        return 0;
    }
    /* What the server's send_fd() does, then spoilt as asked. */
    memset(frame, 0x5a, sizeof frame);
    if (WSADuplicateSocketW(conn, GetCurrentProcessId(), (WSAPROTOCOL_INFOW *)frame) != 0)
        return uds_fail("handover-check", "cannot duplicate", "the connection");
    frame_len = sizeof(WSAPROTOCOL_INFOW);
    if (strcmp(argv[1], "short") == 0)
        frame_len = 3;
    else if (strcmp(argv[1], "long") == 0)
        frame_len = sizeof frame;
    else if (strcmp(argv[1], "fields") == 0) /* the right size, not a stream socket */
        ((WSAPROTOCOL_INFOW *)frame)->iSocketType = SOCK_DGRAM;
    if (uds_frame_send(sender, frame, frame_len) != 0)
        return uds_fail("handover-check", "cannot send", "the frame");

    /* As the worker's loop. */
    int r = recv_fd(receiver, &fd);
    printf("recv_fd: %d\n", r);
    if (r == -1 && uds_error_name(WSAGetLastError()) != NULL)
        printf("error: %s\n", uds_error_name(WSAGetLastError()));
    /* The worker's answer, if it gave one: after this shutdown the sender
     * reads either that byte or the end. */
    shutdown(receiver, SD_SEND);
    if (uds_recv_some(sender, &ack, 1) == 1)
        printf("ack: %d\n", ack);
    else
        printf("ack: none\n");
    closesocket(conn); /* as the server does, after the answer */
    if (r == 1) {
        spawn_on(fd, command_line, argv[2]);
        closesocket(fd); /* the child has its copy, if it started */
        print_answer(client);
    }
    closesocket(client);
    closesocket(sender);
    closesocket(receiver);
    closesocket(l1);
    closesocket(l2);
    uds_cleanup();
    return 0;
}
