/* SPDX-License-Identifier: MIT */
/*
 * seqpacket-server (Linux): one reply per message, on SOCK_SEQPACKET.
 *
 * A seqpacket connection keeps message boundaries: one send() is one
 * recv().  The server answers every message with one message holding it
 * reversed, until the client closes.  Serves COUNT clients, one after
 * another, then removes its socket file; without COUNT it serves until it
 * is killed.
 *
 * usage: seqpacket-server SOCKET_PATH [COUNT]
 */
#include "uds.h"

#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#define PROG "seqpacket-server"
#define USAGE "usage: " PROG " SOCKET_PATH [COUNT]"

#define MSG_MAX 65536u /* the largest message this protocol allows */

static unsigned char buf[MSG_MAX];

/* Remove an old socket file before bind(), but never anything else. */
static int remove_old_socket(const char *path)
{
    struct stat st;

    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : uds_fail(PROG, "cannot inspect", path);
    if (!S_ISSOCK(st.st_mode)) {
        fprintf(stderr, PROG ": %s exists and is not a socket; not removing it\n", path);
        return 1;
    }
    return unlink(path) == 0 ? 0 : uds_fail(PROG, "cannot remove old socket", path);
}

static void reverse(unsigned char *p, size_t len)
{
    for (size_t i = 0; i < len / 2; i++) {
        unsigned char c = p[i];
        p[i] = p[len - 1 - i];
        p[len - 1 - i] = c;
    }
}

/* A message longer than buf: its end is lost, so this is a protocol error. */
static int truncated(const char *who, long n)
{
    char what[80];

    snprintf(what, sizeof what, "message of %ld bytes (over %u) truncated (MSG_TRUNC) from", n, MSG_MAX);
    return uds_fail_code(PROG, what, who, EMSGSIZE);
}

/* Answer one client's messages until it closes.  Returns the number of
 * messages answered, or -1 after printing why. */
static long serve(int client, const char *who)
{
    long answered = 0;

    for (;;) {
        /* [serve-message] */
        /* MSG_TRUNC: recv() returns the message's real length, even when
         * it was longer than buf and the rest of it has been thrown away. */
        long n = recv(client, buf, sizeof buf, MSG_TRUNC);
        if (n == 0)
            return answered; /* the client closed (an empty message reads the same) */
        if (n < 0)
            return uds_fail(PROG, "cannot receive from", who), -1;
        if ((size_t)n > sizeof buf)
            return truncated(who, n), -1;
        size_t len = (size_t)n;
        reverse(buf, len);
        /* One send() is one message: it goes whole or fails, never in part. */
        if (send(client, buf, len, MSG_NOSIGNAL) < 0)
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
    if (uds_addr_path(&addr, &addr_len, path) != 0)
        return uds_fail(PROG, "bad socket path", path);

    /* [server-setup] */
    int listener = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    if (listener < 0)
        return uds_fail_socket(PROG, path);
    if (remove_old_socket(path) != 0) {
        close(listener);
        return 1;
    }
    if (bind(listener, (struct sockaddr *)&addr, addr_len) != 0) {
        uds_fail(PROG, "cannot bind", path);
        close(listener);
        return 1;
    }
    if (listen(listener, 8) != 0) {
        uds_fail(PROG, "cannot listen on", path);
        close(listener);
        unlink(path);
        return 1;
    }
    /* [server-setup] */
    printf("listening on %s\n", path);
    fflush(stdout);

    for (long served = 1; count < 0 || served <= count; served++) {
        char who[32];
        int client = accept(listener, NULL, NULL);
        if (client < 0) {
            status = uds_fail(PROG, "cannot accept on", path);
            break;
        }
        snprintf(who, sizeof who, "client %ld", served);
        long n = serve(client, who);
        if (n >= 0)
            printf("%s: answered %ld messages\n", who, n);
        fflush(stdout);
        close(client);
    }

    close(listener);
    unlink(path);
    printf("done; removed %s\n", path);
    return status;
}
