/* SPDX-License-Identifier: MIT */
/*
 * whoami-server (Linux): tell each client who the kernel says it is.
 *
 * As soon as a client is accepted, the server asks the kernel who is at
 * the other end (SO_PEERCRED: the pid, uid and gid the client had when it
 * called connect()) and sends that back as the first line.  Then it reads
 * the client's one message with SO_PASSCRED on, and sends a second line
 * with the credentials the kernel delivered with that message
 * (SCM_CREDENTIALS).  Nothing the client says about itself is believed.
 *
 * usage: whoami-server SOCKET_PATH      (@NAME for an abstract address)
 * It runs until stopped (Ctrl+C); its next start removes the stale socket
 * file it leaves (claim_path() in common.c).
 */
#include "uds.h"
#include "common.h"

#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#define PROG "whoami-server"
#define USAGE "usage: " PROG " SOCKET_PATH"

static const char *user_name(uid_t uid)
{
    struct passwd *pw = getpwuid(uid);
    return pw ? pw->pw_name : "no name";
}

static const char *group_name(gid_t gid)
{
    struct group *gr = getgrgid(gid);
    return gr ? gr->gr_name : "no name";
}

/* Tell one client who it is: first from SO_PEERCRED, then from the
 * SCM_CREDENTIALS of its message.  Returns 0, or -1 with errno set. */
static int tell(int client)
{
    char line[256];

    /* [peercred] */
    /* The kernel recorded the client's pid, uid and gid when it called
     * connect(); getsockopt() reads them.  The client cannot change them. */
    struct ucred peer;
    socklen_t peer_len = sizeof peer;
    if (getsockopt(client, SOL_SOCKET, SO_PEERCRED, &peer, &peer_len) != 0)
        return -1;
    /* [peercred] */
    printf("client pid %ld, uid %u, gid %u\n", (long)peer.pid,
           (unsigned)peer.uid, (unsigned)peer.gid);
    fflush(stdout);
    snprintf(line, sizeof line, "you are pid %ld, uid %u (%s), gid %u (%s)\n",
             (long)peer.pid, (unsigned)peer.uid, user_name(peer.uid),
             (unsigned)peer.gid, group_name(peer.gid));
    if (uds_send_all(client, line, strlen(line)) != 0)
        return -1;

    /* [recv-credentials] */
    /* With SO_PASSCRED on (see main), every message arrives with an
     * SCM_CREDENTIALS control message: the sender's pid, uid and gid, as
     * claimed by the sender and checked by the kernel, or filled in by it. */
    char data[64];
    union { struct cmsghdr align; char buf[CMSG_SPACE(sizeof(struct ucred))]; } control;
    struct iovec iov = { .iov_base = data, .iov_len = sizeof data };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                          .msg_control = control.buf, .msg_controllen = sizeof control.buf };
    long n = recvmsg(client, &msg, MSG_CMSG_CLOEXEC);
    if (n <= 0)
        return (int)n; /* 0: the client left without a message */
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (c == NULL || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_CREDENTIALS
        || c->cmsg_len != CMSG_LEN(sizeof(struct ucred))) {
        snprintf(line, sizeof line, "your message came without credentials\n");
    } else {
        struct ucred sent;
        memcpy(&sent, CMSG_DATA(c), sizeof sent); /* CMSG_DATA may be unaligned */
        snprintf(line, sizeof line, "your message came from pid %ld, uid %u, gid %u\n",
                 (long)sent.pid, (unsigned)sent.uid, (unsigned)sent.gid);
    }
    /* [recv-credentials] */
    return uds_send_all(client, line, strlen(line));
}

int main(int argc, char **argv)
{
    struct sockaddr_un addr;
    socklen_t addr_len;

    /* An argument starting with - is an option, never a path: --help. */
    int opt = uds_options(PROG, argc, argv, NULL, USAGE);
    if (opt >= 0)
        return opt;
    if (argc != 2) {
        fprintf(stderr, "%s\n", USAGE);
        return 2;
    }
    const char *path = argv[1];
    if (make_address(&addr, &addr_len, path) != 0)
        return uds_fail(PROG, "bad socket path", path);
    if (claim_path(PROG, path, &addr, addr_len) != 0)
        return 1;

    int listener = socket(AF_UNIX, SOCK_STREAM, 0);
    if (listener < 0)
        return uds_fail_socket(PROG, path);
    /* [passcred] */
    /* On the listening socket, before any client connects: accepted sockets
     * inherit it, so even a message sent before accept() has credentials.
     * Turned on later, such a message would show pid 0 and uid 65534. */
    int on = 1;
    if (setsockopt(listener, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) != 0) {
        uds_fail(PROG, "cannot set SO_PASSCRED on", path);
        close(listener);
        return 1;
    }
    /* [passcred] */
    /* [bind-mode] */
    /* bind() creates the socket file with mode 0777 minus the umask: the
     * umask in force now decides who may connect (write permission). */
    mode_t mask = umask(0);
    umask(mask);
    if (bind(listener, (struct sockaddr *)&addr, addr_len) != 0 || listen(listener, 8) != 0) {
        uds_fail(PROG, "cannot listen on", path);
        close(listener);
        return 1;
    }
    if (path[0] == '@')
        printf("listening on %s (abstract: no file, no permissions)\n", path);
    else
        printf("listening on %s (mode %04o: umask %04o)\n", path,
               0777u & ~(unsigned)mask, (unsigned)mask);
    /* [bind-mode] */
    fflush(stdout);

    for (;;) {
        int client = accept(listener, NULL, NULL);
        if (client < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            uds_fail(PROG, "cannot accept on", path);
            break;
        }
        if (tell(client) != 0)
            fprintf(stderr, PROG ": a client: %s\n", uds_strerror(errno));
        close(client);
    }
    close(listener);
    return 1;
}
