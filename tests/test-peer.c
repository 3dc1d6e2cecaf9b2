/* SPDX-License-Identifier: MIT */
/*
 * test-peer: misbehaving peers for the kit's scenario tests.
 *
 *   test-peer dribble PATH   a server that echoes one client, each reply in
 *                            small pieces with pauses between them, as a busy
 *                            peer would: a client that reads once gets only
 *                            the first piece.
 *   test-peer cut PATH       a server that sends back only the first piece of
 *                            the first reply, then closes: a peer that
 *                            vanishes in the middle of a message.
 *   test-peer vanish PATH    a client that sends until the socket can take no
 *                            more (the server is then stuck sending a reply
 *                            nobody reads), and closes without reading.
 *   test-peer full PATH      a live server that never accepts, with its
 *                            backlog full: it connects to itself until the
 *                            kernel refuses more, prints "backlog full on
 *                            PATH", and waits until it is killed.
 *
 * The servers print "listening on PATH" when ready, and exit after one client.
 */
#include "uds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

static int fail(const char *what, const char *path)
{
    fprintf(stderr, "test-peer: %s %s: %s\n", what, path, uds_strerror(errno));
    return 1;
}

static int serve(const char *path, const struct sockaddr_un *addr, socklen_t len, int cut)
{
    static char buf[65536];
    int l = socket(AF_UNIX, SOCK_STREAM, 0), c;
    long n;

    if (l < 0 || bind(l, (const struct sockaddr *)addr, len) != 0 || listen(l, 1) != 0)
        return fail("cannot listen on", path);
    printf("listening on %s\n", path);
    fflush(stdout);
    c = accept(l, NULL, NULL);
    while (c >= 0 && (n = uds_recv_some(c, buf, sizeof buf)) > 0) {
        long piece = n / 4 + 1;
        for (long off = 0; off < n; off += piece) {
            struct timespec pause = { 0, 30 * 1000 * 1000 };
            if (uds_send_all(c, buf + off, (size_t)(off + piece > n ? n - off : piece)) != 0)
                break;
            if (cut)
                goto out;
            nanosleep(&pause, NULL);
        }
    }
out:
    if (c >= 0)
        close(c);
    close(l);
    unlink(path);
    return 0;
}

static int vanish(const char *path, const struct sockaddr_un *addr, socklen_t len)
{
    static char data[65536];
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    long sent = 0, n = 0;

    if (s < 0 || connect(s, (const struct sockaddr *)addr, len) != 0) {
        fail("cannot connect to", path);
        if (s >= 0)
            close(s);
        return 1;
    }
    /* Non-blocking, so that a full buffer ends the loop instead of hanging:
     * then the server holds unread bytes and must still send their echo. */
    memset(data, 'v', sizeof data);
    fcntl(s, F_SETFL, O_NONBLOCK);
    while (sent < 64L * 1024 * 1024 && (n = uds_send_some(s, data, sizeof data)) > 0)
        sent += n;
    close(s);
    if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
        return fail("expected a full buffer (EAGAIN) sending to", path);
    printf("sent %ld bytes and left\n", sent);
    return 0;
}

static int full(const char *path, const struct sockaddr_un *addr, socklen_t len)
{
    int l = socket(AF_UNIX, SOCK_STREAM, 0), n = 0;

    if (l < 0 || bind(l, (const struct sockaddr *)addr, len) != 0 || listen(l, 0) != 0)
        return fail("cannot listen on", path);
    /* Non-blocking connects, never accepted: the first that fails with
     * EAGAIN proves the backlog full.  The sockets stay open (and queued). */
    for (;;) {
        int s = socket(AF_UNIX, SOCK_STREAM, 0);
        if (s < 0)
            return fail("cannot create a socket for", path);
        fcntl(s, F_SETFL, O_NONBLOCK);
        if (connect(s, (const struct sockaddr *)addr, len) == 0) {
            if (++n > 1000)
                return fail("the backlog never filled on", path);
            continue;
        }
        if (errno != EAGAIN)
            return fail("expected a full backlog (EAGAIN) on", path);
        close(s);
        break;
    }
    printf("backlog full on %s\n", path);
    fflush(stdout);
    for (;;)
        pause();
}

int main(int argc, char **argv)
{
    struct sockaddr_un addr;
    socklen_t len;

    if (argc >= 3 && uds_addr_path(&addr, &len, argv[2]) == 0) {
        if (argc == 3 && strcmp(argv[1], "dribble") == 0)
            return serve(argv[2], &addr, len, 0);
        if (argc == 3 && strcmp(argv[1], "cut") == 0)
            return serve(argv[2], &addr, len, 1);
        if (argc == 3 && strcmp(argv[1], "vanish") == 0)
            return vanish(argv[2], &addr, len);
        if (argc == 3 && strcmp(argv[1], "full") == 0)
            return full(argv[2], &addr, len);
    }
    fprintf(stderr, "usage: test-peer dribble|cut|full PATH | test-peer vanish PATH\n");
    return 2;
}
