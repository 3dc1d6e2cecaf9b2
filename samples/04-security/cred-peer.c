/* SPDX-License-Identifier: MIT */
/*
 * cred-peer: chapter 04's test peer, a client that lies about who it is.
 *
 * Like whoami-client (it prints the server's first line, then sends), but the SCM_CREDENTIALS it sends claim the uid given
 * on the command line.  The kernel checks the claim: for anyone without
 * CAP_SETUID (any uid but root, in the tests) a uid that is not the
 * sender's own makes sendmsg() fail with EPERM, which is printed as
 * "cred-peer: cannot send to PATH: ... (EPERM)" with exit status 1.
 *
 * usage: cred-peer SOCKET_PATH UID     (@NAME for an abstract address)
 */
#include "uds.h"
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct sockaddr_un addr;
    socklen_t addr_len;
    char reply[512];

    if (argc != 3) {
        fprintf(stderr, "usage: cred-peer SOCKET_PATH UID\n");
        return 2;
    }
    const char *path = argv[1];
    if (make_address(&addr, &addr_len, path) != 0)
        return uds_fail("cred-peer", "bad socket path", path);
    int sock = socket(AF_UNIX, SOCK_STREAM, 0);
    if (sock < 0)
        return uds_fail_socket("cred-peer", path);
    if (connect(sock, (struct sockaddr *)&addr, addr_len) != 0) {
        uds_fail("cred-peer", "cannot connect to", path);
        close(sock);
        return 1;
    }

    /* The server speaks first: print its first line, whatever it says,
     * then send all the same (a client that does not take no for an answer). */
    long n;
    char byte;
    while ((n = uds_recv_some(sock, &byte, 1)) == 1 && putchar(byte) != '\n')
        ;
    fflush(stdout);

    char text[] = "whoami\n";
    struct ucred claim = { .pid = getpid(), .uid = (uid_t)strtoul(argv[2], NULL, 10),
                           .gid = getgid() };
    union { struct cmsghdr align; char buf[CMSG_SPACE(sizeof claim)]; } control;
    struct iovec iov = { .iov_base = text, .iov_len = sizeof text - 1 };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                          .msg_control = control.buf, .msg_controllen = sizeof control.buf };
    memset(&control, 0, sizeof control);
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_CREDENTIALS;
    c->cmsg_len = CMSG_LEN(sizeof claim);
    memcpy(CMSG_DATA(c), &claim, sizeof claim);
    if (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0) {
        uds_fail("cred-peer", "cannot send to", path);
        close(sock);
        return 1;
    }
    /* Sent: print all the server says until it closes. */
    shutdown(sock, SHUT_WR);
    while ((n = uds_recv_some(sock, reply, sizeof reply)) > 0)
        fwrite(reply, 1, (size_t)n, stdout);
    close(sock);
    return n == 0 ? 0 : uds_fail("cred-peer", "cannot receive from", path);
}
