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
 *   test-peer vanish PATH N  a client that sends N bytes and closes without
 *                            reading a byte of the reply.
 *
 * The servers print "listening on PATH" when ready, and exit after one client.
 */
#include "uds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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

static int vanish(const char *path, const struct sockaddr_un *addr, socklen_t len, long n)
{
    char *data = malloc((size_t)n);
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    int rc = 0;

    if (data == NULL || s < 0 || connect(s, (const struct sockaddr *)addr, len) != 0)
        rc = fail("cannot connect to", path);
    else if (memset(data, 'v', (size_t)n), uds_send_all(s, data, (size_t)n) != 0)
        rc = fail("cannot send to", path);
    if (s >= 0)
        close(s);
    free(data);
    return rc;
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
        if (argc == 4 && strcmp(argv[1], "vanish") == 0 && atol(argv[3]) > 0)
            return vanish(argv[2], &addr, len, atol(argv[3]));
    }
    fprintf(stderr, "usage: test-peer dribble|cut PATH | test-peer vanish PATH BYTES\n");
    return 2;
}
