/* SPDX-License-Identifier: MIT */
/*
 * msg-peer (Linux): peers for chapter 05's tests, sending what the real
 * clients and servers never would.  Bytes are given in hex ("0000000568656c6c6f").
 *
 *   msg-peer client stream|seqpacket PATH HEX...   ("xN": N bytes of 'x')
 *       connect, send each HEX with one send(), shut down the sending side,
 *       print everything received until the end as "reply: HEX"
 *   msg-peer server stream|seqpacket PATH HEX
 *       listen, accept one client, receive its message (a frame of at
 *       most 65535 bytes, on a stream), send HEX, close
 *   msg-peer dgram PATH SIZE unbound|bound
 *       send one datagram of SIZE bytes from an unbound socket, or from an
 *       autobound one, and leave without waiting for a reply
 */
#include "uds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROG "msg-peer"

static unsigned char buf[200000];

/* HEX as bytes; "xN" stands for N bytes of 'x' (too many for hex on a
 * command line). */
static size_t unhex(const char *hex, unsigned char *out)
{
    size_t n = 0;
    if (hex[0] == 'x') {
        n = (size_t)atol(hex + 1);
        n = n > sizeof buf ? sizeof buf : n;
        memset(out, 'x', n);
        return n;
    }
    for (; hex[0] && hex[1]; hex += 2) {
        unsigned v;
        sscanf(hex, "%2x", &v);
        out[n++] = (unsigned char)v;
    }
    return n;
}

int main(int argc, char **argv)
{
    struct sockaddr_un addr;
    socklen_t addr_len;

    if (argc < 4) {
        fprintf(stderr, "usage: " PROG " client|server|dgram ...\n");
        return 2;
    }
    int type = strcmp(argv[2], "seqpacket") == 0 ? SOCK_SEQPACKET : SOCK_STREAM;
    const char *path = strcmp(argv[1], "dgram") == 0 ? argv[2] : argv[3];
    if (uds_addr_path(&addr, &addr_len, path) != 0)
        return uds_fail(PROG, "bad socket path", path);

    if (strcmp(argv[1], "dgram") == 0 && argc == 5) {
        int s = socket(AF_UNIX, SOCK_DGRAM, 0);
        struct sockaddr_un me = { .sun_family = AF_UNIX };
        size_t size = (size_t)atol(argv[3]);
        if (size > sizeof buf)
            return 2;
        memset(buf, 'x', size);
        if (strcmp(argv[4], "bound") == 0 && bind(s, (struct sockaddr *)&me, sizeof me.sun_family) != 0)
            return uds_fail(PROG, "cannot bind for", path);
        if (sendto(s, buf, size, 0, (struct sockaddr *)&addr, addr_len) < 0)
            return uds_fail(PROG, "cannot send to", path);
        printf("sent %zu bytes\n", size);
        close(s);
        return 0;
    }
    if (strcmp(argv[1], "client") == 0) {
        int s = socket(AF_UNIX, type, 0);
        if (connect(s, (struct sockaddr *)&addr, addr_len) != 0)
            return uds_fail(PROG, "cannot connect to", path);
        for (int i = 4; i < argc; i++) {
            size_t n = unhex(argv[i], buf);
            if (send(s, buf, n, MSG_NOSIGNAL) < 0)
                return uds_fail(PROG, "cannot send to", path);
        }
        shutdown(s, SHUT_WR);
        printf("reply: ");
        long n;
        while ((n = recv(s, buf, sizeof buf, 0)) > 0)
            for (long i = 0; i < n; i++)
                printf("%02x", buf[i]);
        printf("\n");
        close(s);
        return 0;
    }
    if (strcmp(argv[1], "server") == 0 && argc == 5) {
        int l = socket(AF_UNIX, type, 0);
        if (bind(l, (struct sockaddr *)&addr, addr_len) != 0 || listen(l, 1) != 0)
            return uds_fail(PROG, "cannot listen on", path);
        printf("listening on %s\n", path);
        fflush(stdout);
        int c = accept(l, NULL, NULL);
        if (c < 0)
            return uds_fail(PROG, "cannot accept on", path);
        /* Take the client's whole message first: closing with unread
         * bytes would make its sending fail instead of its reading. */
        if (type == SOCK_STREAM && recv(c, buf, 4, MSG_WAITALL) == 4)
            recv(c, buf, (size_t)buf[2] << 8 | buf[3], MSG_WAITALL);
        else if (type != SOCK_STREAM)
            recv(c, buf, sizeof buf, 0);
        size_t n = unhex(argv[4], buf);
        send(c, buf, n, MSG_NOSIGNAL);
        close(c);
        close(l);
        unlink(path);
        return 0;
    }
    fprintf(stderr, "usage: " PROG " client|server|dgram ...\n");
    return 2;
}
