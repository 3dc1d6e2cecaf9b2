/* SPDX-License-Identifier: MIT */
/*
 * pass-take (Windows, a test helper for win32.test, not a sample): runs
 * pass-worker's receiving side without AF_UNIX, a TCP loopback connection
 * standing in for the AF_UNIX one.
 *
 * usage: pass-take good|short|long|fields COMMAND [ARGS...]
 *        pass-take serve|quit PORT COMMAND [ARGS...]
 * The first form sends itself one frame: good, a WSAPROTOCOL_INFOW of a
 * TCP connection duplicated for this process; short, 3 bytes; long, one
 * byte more than the structure; fields, the right size with a socket type
 * that is not SOCK_STREAM.  It prints what the worker's recv_fd() returned
 * and the worker's answer byte; for good, the command runs on the
 * connection with the worker's spawn_on() and the client prints what it
 * answered.  The second form is the worker side of pass-check: connect to
 * PORT and serve it as pass-worker serves its server (serve), or take one
 * whole frame and leave without answering (quit).
 */
#define main pass_worker_main /* the worker's main() is not needed here */
#include "pass-worker.c"
#undef main

/* A connected pair over the loopback: client *c and accepted end *a. */
static int tcp_pair(SOCKET *c, SOCKET *a)
{
    struct sockaddr_in addr = { .sin_family = AF_INET };
    socklen_t len = sizeof addr;

    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    SOCKET l = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_NO_HANDLE_INHERIT);
    *c = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_NO_HANDLE_INHERIT);
    if (l == INVALID_SOCKET || *c == INVALID_SOCKET
        || bind(l, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(l, 1) != 0
        || getsockname(l, (struct sockaddr *)&addr, &len) != 0
        || connect(*c, (struct sockaddr *)&addr, sizeof addr) != 0)
        return -1;
    *a = accept(l, NULL, NULL);
    closesocket(l);
    return *a == INVALID_SOCKET ? -1 : 0;
}

/* Everything the client gets until the end, in brackets. */
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

/* The worker side of pass-check. */
static int serve(const char *mode, const char *port, char **command)
{
    static char command_line[COMMAND_LINE_MAX];
    struct sockaddr_in addr = { .sin_family = AF_INET };
    SOCKET server, fd;

    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons((u_short)atoi(port));
    if (build_command_line(command_line, sizeof command_line, command) != 0)
        return 2;
    server = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_NO_HANDLE_INHERIT);
    if (server == INVALID_SOCKET || connect(server, (struct sockaddr *)&addr, sizeof addr) != 0)
        return uds_fail(PROG, "worker side: cannot connect to", port);
    if (strcmp(mode, "quit") == 0) {
        WSAPROTOCOL_INFOW info;
        size_t len;
        return uds_frame_recv(server, &info, sizeof info, &len) == 1 ? 0 : 1;
    }
    /* As pass-worker's loop, without the limit on children. */
    while (recv_fd(server, &fd) >= 0) {
        HANDLE child = spawn_on(fd, command_line, command[0]);
        closesocket(fd);
        if (child != NULL)
            CloseHandle(child);
    }
    closesocket(server);
    return 0;
}

int main(int argc, char **argv)
{
    static char command_line[COMMAND_LINE_MAX];
    unsigned char frame[sizeof(WSAPROTOCOL_INFOW) + 1], answer;
    SOCKET client, conn, sender, receiver, fd = INVALID_SOCKET;
    size_t frame_len = sizeof(WSAPROTOCOL_INFOW);

    if (uds_startup() != 0)
        return 1;
    if (argc > 3 && (strcmp(argv[1], "serve") == 0 || strcmp(argv[1], "quit") == 0))
        return serve(argv[1], argv[2], argv + 3);
    if (argc < 3 || build_command_line(command_line, sizeof command_line, argv + 2) != 0) {
        fprintf(stderr, "usage: pass-take good|short|long|fields COMMAND [ARGS...]\n");
        return 2;
    }
    if (tcp_pair(&client, &conn) != 0 || tcp_pair(&sender, &receiver) != 0)
        return uds_fail("pass-take", "cannot set up", "the loopback connections");
    memset(frame, 0, sizeof frame);
    if (WSADuplicateSocketW(conn, GetCurrentProcessId(), (WSAPROTOCOL_INFOW *)frame) != 0)
        return uds_fail("pass-take", "cannot duplicate", "the connection");
    if (strcmp(argv[1], "short") == 0)
        frame_len = 3;
    else if (strcmp(argv[1], "long") == 0)
        frame_len = sizeof frame;
    else if (strcmp(argv[1], "fields") == 0)
        ((WSAPROTOCOL_INFOW *)frame)->iSocketType = SOCK_DGRAM;
    if (uds_frame_send(sender, frame, frame_len) != 0)
        return uds_fail("pass-take", "cannot send", "the frame");

    int r = recv_fd(receiver, &fd);
    printf("recv_fd: %d\n", r);
    /* The worker's answer, if it gave one, or the end. */
    shutdown(receiver, SD_SEND);
    if (uds_recv_some(sender, &answer, 1) == 1)
        printf("answer: %d\n", answer);
    else
        printf("answer: none\n");
    closesocket(conn); /* as the server does, after the answer */
    if (r == 1) {
        HANDLE child = spawn_on(fd, command_line, argv[2]);
        closesocket(fd);
        print_answer(client);
        if (child != NULL)
            CloseHandle(child);
    }
    uds_cleanup();
    return 0;
}
