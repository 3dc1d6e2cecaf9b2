/* SPDX-License-Identifier: MIT */
/*
 * stream-server (Windows): one reply per message, on a byte stream.
 *
 * A stream keeps no message boundaries, so each message travels as a
 * frame (frame.c): a 4-byte length, then the bytes.  The server answers
 * every frame with one frame holding the message reversed, until the
 * client closes.  Serves COUNT clients, one after another, then removes
 * its socket file; without COUNT it serves until it is killed.
 *
 * usage: stream-server SOCKET_PATH [COUNT]
 * SOCKET_PATH is a Windows path: C:\Users\me\AppData\Local\Temp\msg.sock
 * (Windows AF_UNIX has SOCK_STREAM only: no seqpacket or dgram twins.)
 */
#include "uds.h"
#include "frame.h"

#include <stdio.h>
#include <stdlib.h>

#define PROG "stream-server"
#define USAGE "usage: " PROG " SOCKET_PATH [COUNT]"

static unsigned char buf[FRAME_MAX];

/* Remove an old socket file before bind(), but never anything else.
 * Windows has no S_ISSOCK: a socket file is a reparse point with a tag
 * of its own (chapter 01). */
static int remove_old_socket(const char *path)
{
    WIN32_FIND_DATAA st;
    HANDLE found = FindFirstFileA(path, &st);

    if (found == INVALID_HANDLE_VALUE) {
        DWORD err = GetLastError();
        return err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND
               ? 0 : uds_fail_code(PROG, "cannot inspect", path, (int)err);
    }
    FindClose(found);
    if (!(st.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT)
        || st.dwReserved0 != IO_REPARSE_TAG_AF_UNIX) {
        fprintf(stderr, PROG ": %s exists and is not a socket; not removing it\n", path);
        return 1;
    }
    return DeleteFileA(path) ? 0
           : uds_fail_code(PROG, "cannot remove old socket", path, (int)GetLastError());
}

static void reverse(unsigned char *p, size_t len)
{
    for (size_t i = 0; i < len / 2; i++) {
        unsigned char c = p[i];
        p[i] = p[len - 1 - i];
        p[len - 1 - i] = c;
    }
}

/* Answer one client's messages until it closes.  Returns the number of
 * messages answered, or -1 after printing why. */
static long serve(SOCKET client, const char *who)
{
    long answered = 0;

    for (;;) {
        /* [serve-message] */
        size_t len;
        int r = frame_read(client, buf, &len);
        if (r == 0)
            return answered; /* the client closed between two messages */
        if (r < 0)
            return frame_fail(PROG, who, len), -1;
        reverse(buf, len);
        if (frame_write(client, buf, len) != 0)
            return uds_fail(PROG, "cannot reply to", who), -1;
        /* [serve-message] */
        answered++;
    }
}

int main(int argc, char **argv)
{
    struct sockaddr_un addr;
    socklen_t addr_len;
    long count = -1;
    int status = 0;

    /* An argument starting with - is an option, never a path: --help. */
    int opt = uds_options(PROG, argc, argv, NULL, USAGE);
    if (opt >= 0)
        return opt;
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "%s\n", USAGE);
        return 2;
    }
    if (argc == 3) {
        char *end;
        count = strtol(argv[2], &end, 10);
        if (*argv[2] == '\0' || *end != '\0' || count < 1) {
            fprintf(stderr, PROG ": COUNT must be a positive number, not '%s'\n", argv[2]);
            return 2;
        }
    }
    const char *path = argv[1];
    /* Winsock works only after WSAStartup (the library's uds_startup()). */
    if (uds_startup() != 0)
        return uds_fail(PROG, "cannot start", "Winsock");
    if (uds_addr_path(&addr, &addr_len, path) != 0)
        return uds_fail(PROG, "bad socket path", path);

    /* [server-setup] */
    SOCKET listener = socket(AF_UNIX, SOCK_STREAM, 0);
    if (listener == INVALID_SOCKET)
        return uds_fail_socket(PROG, path);
    if (remove_old_socket(path) != 0) {
        closesocket(listener);
        return 1;
    }
    if (bind(listener, (struct sockaddr *)&addr, addr_len) != 0) {
        uds_fail(PROG, "cannot bind", path);
        closesocket(listener);
        return 1;
    }
    if (listen(listener, 8) != 0) {
        uds_fail(PROG, "cannot listen on", path);
        closesocket(listener);
        DeleteFileA(path);
        return 1;
    }
    /* [server-setup] */
    printf("listening on %s\n", path);
    fflush(stdout);

    for (long served = 1; count < 0 || served <= count; served++) {
        char who[32];
        SOCKET client = accept(listener, NULL, NULL);
        if (client == INVALID_SOCKET) {
            status = uds_fail(PROG, "cannot accept on", path);
            break;
        }
        snprintf(who, sizeof who, "client %ld", served);
        long n = serve(client, who);
        if (n >= 0)
            printf("%s: answered %ld messages\n", who, n);
        fflush(stdout);
        closesocket(client);
    }

    closesocket(listener);
    DeleteFileA(path);
    uds_cleanup();
    printf("done; removed %s\n", path);
    return status;
}
