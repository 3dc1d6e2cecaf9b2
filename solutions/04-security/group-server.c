/* SPDX-License-Identifier: MIT */
/*
 * group-server: exercise 04, solved.  A server for its owner and one group.
 *
 * Like chapter 04's private-server, each line a client sends comes back
 * upper-cased; but besides its owner, this server serves every member of
 * GROUP, the way a docker or libvirt socket serves its group.  may_serve()
 * decides, from what the kernel says about the peer; the comments say why
 * each step is written the way it is.  A refused client gets one line,
 * "refused: ...", and the server logs its uid and pid.
 *
 * usage: group-server SOCKET_PATH GROUP   (@NAME: abstract; GROUP: name or number)
 */
#include "uds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#define PROG "group-server"
#define USAGE "usage: " PROG " SOCKET_PATH GROUP"

/* May the peer on CLIENT be served?  Fills in *peer; returns 1 (serve it),
 * 0 (refuse it, with the reason written into why), or -1 (an error, in errno). */
static int may_serve(int client, gid_t group, struct ucred *peer, char *why, size_t cap)
{
    /* 1. Ask the kernel, never the client: SO_PEERCRED holds the pid, uid
     * and gid the peer had when it called connect().  The length is
     * checked, so that a short answer is never read as a whole one. */
    socklen_t len = sizeof *peer;
    if (getsockopt(client, SOL_SOCKET, SO_PEERCRED, peer, &len) != 0)
        return -1;
    if (len != sizeof *peer) {
        errno = EPROTO;
        return -1;
    }

    /* 2. The owner: geteuid(), the uid this server runs with (and the one
     * that owns the socket file it made). */
    if (peer->uid == geteuid())
        return 1;

    /* 3. SO_PEERCRED has one gid: the peer's primary group. */
    if (peer->gid == group)
        return 1;

    /* 4. The supplementary groups come from SO_PEERGROUPS (Linux 4.13).
     * A user may be in many groups: when the buffer is too small the
     * kernel fails with ERANGE and says in len how much it needs, so ask
     * again with that much, rather than guess a limit. */
    gid_t some[32], *groups = some;
    len = sizeof some;
    int r = getsockopt(client, SOL_SOCKET, SO_PEERGROUPS, groups, &len);
    if (r != 0 && errno == ERANGE) {
        groups = malloc(len);
        if (groups == NULL)
            return -1;
        r = getsockopt(client, SOL_SOCKET, SO_PEERGROUPS, groups, &len);
    }
    int member = 0;
    for (size_t i = 0; r == 0 && i < len / sizeof *groups; i++)
        member |= groups[i] == group;
    if (groups != some)
        free(groups);
    if (r != 0)
        return -1; /* fail closed: a check that could not run refuses */
    if (member)
        return 1;

    /* 5. Everyone else is refused, and told why: which uid, and what it
     * would have needed.  The caller logs the pid too. */
    snprintf(why, cap, "uid %u is not the owner (uid %u) and not in group %u",
             (unsigned)peer->uid, (unsigned)geteuid(), (unsigned)group);
    return 0;
}

/* Send back every line upper-cased until the client closes; bytes or -1. */
static long upcase(int client)
{
    char buf[4096];
    long total = 0, n;
    while ((n = uds_recv_some(client, buf, sizeof buf)) > 0) {
        for (long i = 0; i < n; i++)
            if (buf[i] >= 'a' && buf[i] <= 'z')
                buf[i] = (char)(buf[i] - 'a' + 'A');
        if (uds_send_all(client, buf, (size_t)n) != 0)
            return -1;
        total += n;
    }
    return n == 0 ? total : -1;
}

int main(int argc, char **argv)
{
    struct sockaddr_un addr;
    socklen_t addr_len;
    char line[256];

    /* An argument starting with - is an option, never a path or a group:
     * --help. */
    int opt = uds_options(PROG, argc, argv, NULL, USAGE);
    if (opt >= 0)
        return opt;
    if (argc != 3) {
        fprintf(stderr, "%s\n", USAGE);
        return 2;
    }
    const char *path = argv[1];
    char *end;
    struct group *gr = getgrnam(argv[2]);
    unsigned long g = gr ? gr->gr_gid : strtoul(argv[2], &end, 10);
    if (gr == NULL && (argv[2][0] < '0' || argv[2][0] > '9' || *end != '\0')) {
        fprintf(stderr, PROG ": no group named %s\n", argv[2]);
        return 1;
    }
    gid_t group = (gid_t)g;
    int r = path[0] == '@' ? uds_addr_abstract(&addr, &addr_len, path + 1, strlen(path + 1))
                           : uds_addr_path(&addr, &addr_len, path);
    if (r != 0)
        return uds_fail(PROG, "bad socket path", path);

    int listener = socket(AF_UNIX, SOCK_STREAM, 0);
    if (listener < 0)
        return uds_fail_socket(PROG, path);
    /* A socket file for owner and group: born 0660 (umask 0117), then
     * given to GROUP.  Until chown() it belongs to our own group: a
     * narrower set, never a wider one. */
    mode_t old = umask(0117);
    r = bind(listener, (struct sockaddr *)&addr, addr_len);
    umask(old);
    if (r != 0) {
        uds_fail(PROG, "cannot bind", path);
        close(listener);
        return 1;
    }
    if ((path[0] != '@' && chown(path, (uid_t)-1, group) != 0) || listen(listener, 8) != 0) {
        uds_fail(PROG, "cannot listen on", path);
        close(listener);
        if (path[0] != '@')
            unlink(path); /* ours: bind() made it */
        return 1;
    }
    printf("listening on %s for uid %u and group %u\n", path,
           (unsigned)geteuid(), (unsigned)group);
    fflush(stdout);

    for (;;) {
        struct ucred peer;
        char why[128];
        int client = accept(listener, NULL, NULL);
        if (client < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            uds_fail(PROG, "cannot accept on", path);
            break;
        }
        int ok = may_serve(client, group, &peer, why, sizeof why);
        if (ok < 0) {
            fprintf(stderr, PROG ": cannot check a client: %s\n", uds_strerror(errno));
        } else if (ok == 0) {
            printf("refused pid %ld, uid %u: %s\n", (long)peer.pid, (unsigned)peer.uid, why);
            snprintf(line, sizeof line, "refused: %s\n", why);
            uds_send_all(client, line, strlen(line));
        } else {
            snprintf(line, sizeof line, "hello, uid %u: lines you send come back upper-cased\n",
                     (unsigned)peer.uid);
            long n = uds_send_all(client, line, strlen(line)) == 0 ? upcase(client) : -1;
            if (n < 0)
                fprintf(stderr, PROG ": pid %ld: %s\n", (long)peer.pid, uds_strerror(errno));
            else
                printf("served pid %ld, uid %u: %ld bytes\n", (long)peer.pid,
                       (unsigned)peer.uid, n);
        }
        fflush(stdout);
        close(client);
    }
    close(listener);
    return 1;
}
