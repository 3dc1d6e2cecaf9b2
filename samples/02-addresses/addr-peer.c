/* SPDX-License-Identifier: MIT */
/*
 * addr-peer: misbehaving peers for chapter 02's test, on either kind of
 * address (tests/test-peer knows only pathnames).
 *
 *   addr-peer cut path|abstract NAME      a server that reads the client's
 *       line, sends back only the start of its own, and closes: a server
 *       that vanishes in the middle of a line.  Prints "listening on NAME"
 *       when ready, and exits after one client.
 *   addr-peer vanish path|abstract NAME   a client that sends the start of
 *       a line and closes: a client that vanishes in the middle of a line.
 */
#include "uds.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char half[] = "local (unn"; /* a line cut short: no newline */

static int fail(const char *what, const char *name)
{
    fprintf(stderr, "addr-peer: %s %s: %s\n", what, name, uds_strerror(errno));
    return 1;
}

static int cut(const char *name, const struct sockaddr_un *addr, socklen_t len)
{
    char c = 0;
    int l = socket(AF_UNIX, SOCK_STREAM, 0), s = -1;

    if (l < 0 || bind(l, (const struct sockaddr *)addr, len) != 0 || listen(l, 1) != 0) {
        fail("cannot listen on", name);
        if (l >= 0)
            close(l);
        return 1;
    }
    printf("listening on %s\n", name);
    fflush(stdout);
    s = accept(l, NULL, NULL);
    /* Wait for the whole line, so that the client is surely reading. */
    while (s >= 0 && c != '\n' && uds_recv_some(s, &c, 1) == 1)
        ;
    if (s >= 0) {
        uds_send_all(s, half, strlen(half));
        close(s);
    }
    close(l);
    if (addr->sun_path[0] != '\0')
        unlink(addr->sun_path);
    return 0;
}

static int vanish(const char *name, const struct sockaddr_un *addr, socklen_t len)
{
    int s = socket(AF_UNIX, SOCK_STREAM, 0);

    if (s < 0 || connect(s, (const struct sockaddr *)addr, len) != 0
        || uds_send_all(s, half, strlen(half)) != 0) {
        fail("cannot connect and send to", name);
        if (s >= 0)
            close(s);
        return 1;
    }
    close(s);
    printf("sent %zu bytes and left\n", strlen(half));
    return 0;
}

int main(int argc, char **argv)
{
    struct sockaddr_un addr;
    socklen_t len;
    int r = -1;

    if (argc == 4 && strcmp(argv[2], "path") == 0)
        r = uds_addr_path(&addr, &len, argv[3]);
    else if (argc == 4 && strcmp(argv[2], "abstract") == 0)
        r = uds_addr_abstract(&addr, &len, argv[3], strlen(argv[3]));
    if (r == 0 && strcmp(argv[1], "cut") == 0)
        return cut(argv[3], &addr, len);
    if (r == 0 && strcmp(argv[1], "vanish") == 0)
        return vanish(argv[3], &addr, len);
    fprintf(stderr, "usage: addr-peer cut|vanish path|abstract NAME\n");
    return 2;
}
