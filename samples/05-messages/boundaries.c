/* SPDX-License-Identifier: MIT */
/*
 * boundaries (Linux): what a socket type does to message boundaries,
 * shown on a socket pair, without a single sleep.
 *
 *   boundaries stream      two sends arrive as one recv(); one large send
 *                          arrives in many recv() calls
 *   boundaries seqpacket   every send arrives as one recv(), whole, or is
 *                          refused; a message longer than the buffer is
 *                          truncated, and MSG_TRUNC says so
 *
 * usage: boundaries stream|seqpacket
 */
#include "uds.h"

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROG "boundaries"
#define BIG 100000 /* bytes in the large message */

static char big[BIG], in[2 * BIG];
static int type; /* SOCK_STREAM or SOCK_SEQPACKET */

/* [two-sends] */
/* Two sends, then one recv() with room for both: does it stop at the
 * boundary between them?  Both are queued before recv() is called. */
static int two_sends(int sv[2])
{
    send(sv[1], "hello", 5, 0);
    send(sv[1], "world", 5, 0);
    long n = recv(sv[0], in, sizeof in, 0);
    if (n < 0)
        return uds_fail(PROG, "cannot receive on", "the pair");
    long m = recv(sv[0], in + n, sizeof in - (size_t)n, MSG_DONTWAIT); /* anything left? */
    printf("two sends, \"hello\" and \"world\": the first recv() got \"%.*s\", the second ",
           (int)n, in);
    if (m > 0)
        printf("\"%.*s\"\n", (int)m, in + n);
    else
        printf("nothing\n");
    return 0;
}
/* [two-sends] */

/* [one-big-send] */
/* One send() of BIG bytes from a child, with the sender's buffer made
 * small: the kernel queues at most about SO_SNDBUF bytes of a stream, so
 * the sender waits while the receiver reads, piece by piece. */
static int one_big_send(int sv[2], int sndbuf)
{
    socklen_t len = sizeof sndbuf;
    long calls = 0, total = 0, n;

    setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    getsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &sndbuf, &len); /* Linux doubles it */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        n = send(sv[1], big, BIG, 0);
        if (n < 0)
            printf("one send() of %d bytes with SO_SNDBUF %d: %s\n", BIG, sndbuf,
                   uds_strerror(errno));
        fflush(stdout);
        _exit(n == BIG ? 0 : 1);
    }
    close(sv[1]);
    while (total < BIG && (n = recv(sv[0], in + total, sizeof in - (size_t)total, 0)) > 0) {
        calls++;
        total += n;
    }
    waitpid(pid, NULL, 0);
    if (total > 0)
        printf("one send() of %ld bytes with SO_SNDBUF %d: %ld recv() calls, %s\n", total,
               sndbuf, calls, memcmp(in, big, BIG) == 0 ? "bytes in order" : "BYTES DIFFER");
    return 0;
}
/* [one-big-send] */

/* [truncated] */
/* A 100-byte message read into a 10-byte buffer.  On a message socket,
 * MSG_TRUNC in the flags makes recv() return the message's real length;
 * what did not fit is gone, and msg_flags says so.  A stream just keeps
 * the rest for the next recv(). */
static int truncated(int sv[2])
{
    char small[10];
    struct iovec iov = { small, sizeof small };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

    send(sv[1], big, 100, 0);
    send(sv[1], "next", 4, 0);
    long n = recvmsg(sv[0], &msg, type == SOCK_STREAM ? 0 : MSG_TRUNC);
    long next = recv(sv[0], in, sizeof in, 0);
    printf("100 bytes into a 10-byte buffer: recv() said %ld%s; the next recv() got %ld bytes\n",
           n, msg.msg_flags & MSG_TRUNC ? ", MSG_TRUNC" : "", next);
    return 0;
}
/* [truncated] */

int main(int argc, char **argv)
{
    int sv[2];

    if (argc != 2 || (strcmp(argv[1], "stream") != 0 && strcmp(argv[1], "seqpacket") != 0)) {
        fprintf(stderr, "usage: " PROG " stream|seqpacket\n");
        return 2;
    }
    type = strcmp(argv[1], "stream") == 0 ? SOCK_STREAM : SOCK_SEQPACKET;
    for (int i = 0; i < BIG; i++)
        big[i] = (char)('a' + i % 26);

    if (socketpair(AF_UNIX, type, 0, sv) != 0)
        return uds_fail(PROG, "cannot create", "a socket pair");
    two_sends(sv);
    truncated(sv);
    close(sv[0]);
    close(sv[1]);
    if (socketpair(AF_UNIX, type, 0, sv) != 0)
        return uds_fail(PROG, "cannot create", "a socket pair");
    one_big_send(sv, 4096);
    close(sv[0]);
    return 0;
}
