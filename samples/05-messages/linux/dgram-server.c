/* SPDX-License-Identifier: MIT */
/*
 * dgram-server (Linux): one reply per message, on SOCK_DGRAM.
 *
 * Datagrams keep message boundaries and need no connection: each one
 * carries its sender's address, and the reply (the message reversed) goes
 * back to that address.  A sender that bound no address cannot be
 * answered.  Answers COUNT messages, then removes its socket file;
 * without COUNT it serves until it is killed.
 *
 * usage: dgram-server SOCKET_PATH [COUNT]
 */
#include "uds.h"

#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#define PROG "dgram-server"
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

/* Receive one datagram and answer it.  Returns 0 when it was answered,
 * 1 after printing why it was not, -1 when the socket itself failed. */
static int serve(int sock, long id)
{
    struct sockaddr_un from;
    socklen_t from_len = sizeof from;
    char who[UDS_PATH_MAX + 8];
    char where[64];

    /* [serve-message] */
    /* MSG_TRUNC: recvfrom() returns the datagram's real length, even when
     * it was longer than buf and the rest of it has been thrown away. */
    long n = recvfrom(sock, buf, sizeof buf, MSG_TRUNC, (struct sockaddr *)&from, &from_len);
    if (n < 0)
        return uds_fail(PROG, "cannot receive on", "the server socket"), -1;
    if (from_len <= offsetof(struct sockaddr_un, sun_path)) {
        /* The sender never bound an address: there is nowhere to reply. */
        snprintf(where, sizeof where, "message %ld from an unbound socket", id);
        return uds_fail_code(PROG, "cannot reply to", where, EDESTADDRREQ);
    }
    uds_addr_format(&from, from_len, who, sizeof who);
    if ((size_t)n > sizeof buf)
        return truncated(who, n);
    size_t len = (size_t)n;
    reverse(buf, len);
    /* One sendto() is one datagram, addressed to the one we received. */
    if (sendto(sock, buf, len, 0, (struct sockaddr *)&from, from_len) < 0)
        return uds_fail(PROG, "cannot reply to", who);
    /* [serve-message] */
    printf("message %ld: answered %s\n", id, who);
    fflush(stdout);
    return 0;
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
    int sock = socket(AF_UNIX, SOCK_DGRAM, 0);
    if (sock < 0)
        return uds_fail_socket(PROG, path);
    if (remove_old_socket(path) != 0) {
        close(sock);
        return 1;
    }
    if (bind(sock, (struct sockaddr *)&addr, addr_len) != 0) {
        uds_fail(PROG, "cannot bind", path);
        close(sock);
        return 1;
    }
    /* [server-setup] */
    printf("listening on %s\n", path);
    fflush(stdout);

    /* No accept(): every datagram arrives on this one socket. */
    for (long id = 1; count < 0 || id <= count; id++) {
        if (serve(sock, id) < 0) {
            status = 1;
            break;
        }
    }

    close(sock);
    unlink(path);
    printf("done; removed %s\n", path);
    return status;
}
