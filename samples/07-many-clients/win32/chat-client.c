/* SPDX-License-Identifier: MIT */
/*
 * chat-client (Windows): join the chat room of chat-server.
 *
 * Sends NAME as its first line, then every line typed (standard input) to
 * the room, and prints every line the room sends.  At the end of input it
 * says it has finished (shutdown) and exits when the server has closed.
 *
 * Not one loop as on Linux: WSAPoll() waits on sockets only, and a console
 * (or a pipe) is not a socket.  So a second thread reads the console and
 * sends each line, while the main thread receives and prints.
 *
 * usage: chat-client SOCKET_PATH NAME
 * SOCKET_PATH is a Windows path: C:\Users\me\AppData\Local\Temp\chat.sock
 */
#include "uds.h"

#include <stdio.h>
#include <string.h>

#define PROG "chat-client"
#define USAGE "usage: " PROG " SOCKET_PATH NAME"

static SOCKET s;
static const char *path;
static volatile LONG input_done; /* the console thread has sent everything */

/* [console-thread] */
/* The second thread: one line of input at a time, sent whole.  A socket
 * may be used by two threads at once when one only sends and the other
 * only receives. */
static DWORD WINAPI read_console(LPVOID unused)
{
    char line[4096];

    (void)unused;
    while (fgets(line, sizeof line, stdin) != NULL)
        if (uds_send_all(s, line, strlen(line)) != 0) {
            uds_fail(PROG, "cannot send to", path);
            return 1;
        }
    /* No more to say, but lines may still come: half-close. */
    InterlockedExchange(&input_done, 1);
    shutdown(s, SD_SEND);
    return 0;
}
/* [console-thread] */

int main(int argc, char **argv)
{
    struct sockaddr_un addr;
    socklen_t addr_len;
    char buf[4096];
    int status = 1;

    /* Anything starting with - is an option (--help), never a path or NAME. */
    int opt = uds_options(PROG, argc, argv, NULL, USAGE);
    if (opt >= 0)
        return opt;
    if (argc != 3) {
        fprintf(stderr, "%s\n", USAGE);
        return 2;
    }
    path = argv[1];
    const char *name = argv[2];
    if (name[0] == '\0' || strlen(name) > 31 || strchr(name, '\n') != NULL) {
        fprintf(stderr, PROG ": NAME must have 1 to 31 bytes and no newline\n");
        return 2;
    }
    if (uds_addr_path(&addr, &addr_len, path) != 0)
        return uds_fail(PROG, "bad socket path", path);
    if (uds_startup() != 0)
        return uds_fail(PROG, "cannot start", "Winsock");

    /* [client-connect] */
    s = socket(AF_UNIX, SOCK_STREAM, 0);
    if (s == INVALID_SOCKET)
        return uds_fail_socket(PROG, path);
    if (connect(s, (struct sockaddr *)&addr, addr_len) != 0) {
        uds_fail(PROG, "cannot connect to", path);
        goto out;
    }
    snprintf(buf, sizeof buf, "%s\n", name);
    if (uds_send_all(s, buf, strlen(buf)) != 0) {
        uds_fail(PROG, "cannot send to", path);
        goto out;
    }
    /* [client-connect] */

    /* [client-loop] */
    HANDLE reader = CreateThread(NULL, 0, read_console, NULL, 0, NULL);
    if (reader == NULL) {
        uds_fail_code(PROG, "cannot start a thread for", "the console", (int)GetLastError());
        goto out;
    }
    CloseHandle(reader); /* it ends with the process, if not before */
    for (;;) { /* the room speaks, or closes */
        long n = uds_recv_some(s, buf, sizeof buf);
        if (n < 0) {
            uds_fail(PROG, "cannot receive from", path);
            goto out;
        }
        if (n == 0) {
            if (!input_done) /* we had not finished: the server ended it */
                fprintf(stderr, PROG ": %s closed the connection\n", path);
            else
                status = 0;
            goto out;
        }
        fwrite(buf, 1, (size_t)n, stdout);
        fflush(stdout);
    }
    /* [client-loop] */
out:
    closesocket(s);
    uds_cleanup();
    return status;
}
