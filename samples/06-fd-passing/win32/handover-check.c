/* SPDX-License-Identifier: MIT */
/*
 * handover-check (Windows, a test helper for win32.test, not a sample):
 * runs the worker's receiving side without AF_UNIX.
 *
 * Where AF_UNIX is missing (Debian's Wine), the hand-over can still be
 * exercised over TCP loopback: a client connects to a listener made as the
 * server makes it; the accepted socket is duplicated with
 * WSADuplicateSocketW() (for this same process, the only one at hand) and
 * its WSAPROTOCOL_INFOW sent as a frame on a second TCP connection, which
 * stands in for the AF_UNIX one.  The worker's own recv_fd() and spawn_on()
 * take it from there, and the client prints what COMMAND answered.
 *
 * usage: handover-check good|short|long|garbage|stop|apart COMMAND [ARGS...]
 * good sends a proper frame; short a frame of 3 bytes; long one byte more
 * than a WSAPROTOCOL_INFOW; garbage the right size, but nonsense.  stop
 * sends nothing: while wait_ready() waits, another thread calls the
 * worker's console handler, as Windows would on Ctrl+Break (Wine without a
 * console cannot send the event itself).  apart hands the connection to a
 * second process, which runs this program as `worker-side PORT COMMAND...`:
 * it connects back over TCP and serves that connection with the worker's
 * serve_server(), which ends when the one frame has been taken.
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

/* What Windows does on Ctrl+Break: call the handler on a thread of its own. */
static DWORD WINAPI ctrl_break_later(LPVOID unused)
{
    (void)unused;
    Sleep(200); /* so that wait_ready() is waiting by then; if not, no harm */
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

/* The other process of `apart`: connect to PORT on the loopback, and serve
 * that connection as the worker serves a server, until it ends. */
static int worker_side(const char *port, char **command)
{
    static char command_line[COMMAND_LINE_MAX];
    struct sockaddr_in addr;
    size_t line_len = 0;
    SOCKET receiver;
    WSADATA wsa;

    for (char **arg = command; *arg != NULL; arg++)
        if (append_arg(command_line, sizeof command_line, &line_len, *arg) != 0)
            return 2;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons((u_short)atoi(port));
    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0 || block_signals() != 0)
        return 1;
    receiver = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_NO_HANDLE_INHERIT);
    if (receiver == INVALID_SOCKET || connect(receiver, (struct sockaddr *)&addr, sizeof addr) != 0)
        return fail("worker side: cannot connect to", port);
    serve_server(receiver, command_line, command[0]);
    closesocket(receiver);
    return 0;
}

/* `apart`: start the worker side as a process of its own, duplicate CONN
 * for that process, as the server's send_fd() does, send the frame, and
 * print what CLIENT gets and how the worker side ended. */
static int apart(SOCKET client, SOCKET conn, char **command)
{
    static char line[COMMAND_LINE_MAX];
    char self[MAX_PATH], port[16];
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    size_t line_len = 0;
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    WSAPROTOCOL_INFOW info;
    DWORD status = 1;

    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    SOCKET l = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_NO_HANDLE_INHERIT);
    if (l == INVALID_SOCKET || bind(l, (struct sockaddr *)&addr, sizeof addr) != 0
        || listen(l, 1) != 0 || getsockname(l, (struct sockaddr *)&addr, &len) != 0)
        return fail("cannot listen for", "the worker side");
    snprintf(port, sizeof port, "%u", ntohs(addr.sin_port));
    GetModuleFileNameA(NULL, self, sizeof self);
    append_arg(line, sizeof line, &line_len, self);
    append_arg(line, sizeof line, &line_len, "worker-side");
    append_arg(line, sizeof line, &line_len, port);
    for (char **arg = command; *arg != NULL; arg++)
        if (append_arg(line, sizeof line, &line_len, *arg) != 0)
            return 2;
    /* The worker side reports on our stderr, and inherits nothing else:
     * our sockets are all WSA_FLAG_NO_HANDLE_INHERIT. */
    HANDLE err = GetStdHandle(STD_ERROR_HANDLE);
    SetHandleInformation(err, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = si.hStdOutput = si.hStdError = err;
    if (!CreateProcessA(NULL, line, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi))
        return fail_sys("cannot start", "the worker side");
    SOCKET sender = accept(l, NULL, NULL);
    if (sender == INVALID_SOCKET)
        return fail("cannot accept", "the worker side");
    if (WSADuplicateSocketW(conn, pi.dwProcessId, &info) != 0)
        return fail("cannot duplicate the connection for", "the worker side");
    if (uds_frame_send(sender, &info, sizeof info) != 0)
        return fail("cannot send to", "the worker side");
    closesocket(conn); /* the worker side has its own copy now */
    closesocket(sender); /* one frame only: the "server" goes away */
    print_answer(client);
    WaitForSingleObject(pi.hProcess, 20000);
    GetExitCodeProcess(pi.hProcess, &status);
    printf("worker side: exit %lu\n", (unsigned long)status);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    closesocket(l);
    return 0;
}

int main(int argc, char **argv)
{
    static char command_line[COMMAND_LINE_MAX];
    unsigned char frame[sizeof(WSAPROTOCOL_INFOW) + 1];
    SOCKET l1, client, conn, l2, sender, receiver, fd;
    size_t line_len = 0, frame_len;
    WSADATA wsa;

    if (argc > 3 && strcmp(argv[1], "worker-side") == 0)
        return worker_side(argv[2], argv + 3);
    if (argc < 3) {
        fprintf(stderr, "usage: handover-check good|short|long|garbage|stop|apart COMMAND [ARGS...]\n");
        return 2;
    }
    for (int i = 2; i < argc; i++)
        if (append_arg(command_line, sizeof command_line, &line_len, argv[i]) != 0)
            return 2;
    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0 || tcp_pair(&l1, &client, &conn) != 0
        || tcp_pair(&l2, &sender, &receiver) != 0)
        return fail("cannot set up", "the loopback connections");

    if (strcmp(argv[1], "apart") == 0)
        return apart(client, conn, argv + 2);
    if (block_signals() != 0)
        return fail_sys("cannot catch console events in", "handover-check");
    if (strcmp(argv[1], "stop") == 0) {
        if (!CreateThread(NULL, 0, ctrl_break_later, NULL, 0, NULL))
            return fail_sys("cannot start", "a thread");
        int r = wait_ready(receiver);
        printf("wait_ready: %d, stopping on %s\n", r, stop_signal ? stop_signal : "nothing");
        return 0;
    }
    memset(frame, 0x5a, sizeof frame);
    if (strcmp(argv[1], "good") == 0) {
        /* What the server's send_fd() does. */
        if (WSADuplicateSocketW(conn, GetCurrentProcessId(), (WSAPROTOCOL_INFOW *)frame) != 0)
            return fail("cannot duplicate", "the connection");
        frame_len = sizeof(WSAPROTOCOL_INFOW);
    } else if (strcmp(argv[1], "short") == 0) {
        frame_len = 3;
    } else if (strcmp(argv[1], "long") == 0) {
        frame_len = sizeof frame;
    } else {
        frame_len = sizeof(WSAPROTOCOL_INFOW);
    }
    if (uds_frame_send(sender, frame, frame_len) != 0)
        return fail("cannot send", "the frame");
    closesocket(conn); /* as the server does: the frame stands for it now */

    /* As the worker's loop: wait until the frame is there, then take it. */
    printf("wait_ready: %d\n", wait_ready(receiver));
    int r = recv_fd(receiver, &fd);
    printf("recv_fd: %d\n", r);
    if (r == -1)
        printf("error: %s\n", uds_error_name(WSAGetLastError()));
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
    WSACleanup();
    return 0;
}
