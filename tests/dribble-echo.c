/*
 * dribble-echo: a test peer that echoes like chapter 01's server, but sends
 * each reply back in small pieces with pauses between them, the way a busy
 * network or a slow peer would.  A client that reads once instead of until
 * it has everything gets only the first piece.
 *
 * usage: dribble-echo SOCKET_PATH   (serves one client, then exits)
 */
#include "uds.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct sockaddr_un addr;
    socklen_t len;
    char buf[65536];
    long n;
    int l, c;

    if (argc != 2 || uds_addr_path(&addr, &len, argv[1]) != 0) {
        fprintf(stderr, "usage: dribble-echo SOCKET_PATH\n");
        return 2;
    }
    l = socket(AF_UNIX, SOCK_STREAM, 0);
    if (l < 0 || bind(l, (struct sockaddr *)&addr, len) != 0 || listen(l, 1) != 0) {
        fprintf(stderr, "dribble-echo: %s: %s\n", argv[1], uds_strerror(errno));
        return 1;
    }
    printf("listening on %s\n", argv[1]);
    fflush(stdout);
    c = accept(l, NULL, NULL);
    while (c >= 0 && (n = uds_recv_some(c, buf, sizeof buf)) > 0) {
        for (long off = 0, piece = n / 4 + 1; off < n; off += piece) {
            struct timespec pause = { 0, 30 * 1000 * 1000 };
            if (uds_send_all(c, buf + off, (size_t)(off + piece > n ? n - off : piece)) != 0)
                break;
            nanosleep(&pause, NULL);
        }
    }
    close(c);
    close(l);
    unlink(argv[1]);
    return 0;
}
