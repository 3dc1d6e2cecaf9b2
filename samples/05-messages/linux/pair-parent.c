/* SPDX-License-Identifier: MIT */
/*
 * pair-parent (Linux): a connected pair of sockets for a parent and child.
 *
 * socketpair() makes two stream sockets already connected to each other:
 * no file, no address, nobody else can reach them.  The parent keeps one
 * end and starts pair-child (the program beside this one) with the other,
 * passing its number on the command line.  It sends each MESSAGE as a
 * frame (frame.c), prints the child's replies (each message reversed),
 * closes its end, and reports how the child ended.
 *
 * usage: pair-parent MESSAGE...
 */
#include "uds.h"
#include "frame.h"

#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROG "pair-parent"
#define USAGE "usage: " PROG " MESSAGE..."

static unsigned char buf[FRAME_MAX];

/* Start pair-child, from the directory this program is in, with END as
 * its end of the pair.  Returns its process id, or -1 after printing why. */
static pid_t start_child(const char *self, int end)
{
    char child[4096], arg[16];
    const char *slash = strrchr(self, '/');
    int dir_len = slash ? (int)(slash - self) : 1;

    snprintf(child, sizeof child, "%.*s/pair-child", dir_len, slash ? self : ".");
    snprintf(arg, sizeof arg, "%d", end);
    /* [start-child] */
    pid_t pid = fork();
    if (pid == 0) {
        /* In the child: both ends were made close-on-exec; clear the flag
         * on its own end only, so that exactly that descriptor crosses exec. */
        if (fcntl(end, F_SETFD, 0) == 0)
            execl(child, "pair-child", arg, (char *)NULL);
        uds_fail(PROG, "cannot start", child);
        _exit(127);
    }
    /* [start-child] */
    if (pid < 0)
        uds_fail(PROG, "cannot start", child);
    return pid;
}

int main(int argc, char **argv)
{
    int sv[2], status = 0, child_status;

    /* An argument starting with - is an option, never a message: --help. */
    int opt = uds_options(PROG, argc, argv, NULL, USAGE);
    if (opt >= 0)
        return opt;
    if (argc < 2) {
        fprintf(stderr, "%s\n", USAGE);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        if (strlen(argv[i]) > FRAME_MAX) {
            fprintf(stderr, PROG ": message %d has %zu bytes; the limit is %u\n",
                    i, strlen(argv[i]), FRAME_MAX);
            return 2;
        }
    }

    /* [make-pair] */
    /* SOCK_CLOEXEC: no end leaks into a program started later by accident. */
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        return uds_fail_socket(PROG, "a socket pair");
    pid_t pid = start_child(argv[0], sv[1]);
    /* The child's end is the child's now.  The parent must close its copy,
     * or the child's end stays open and it never sees the parent's EOF. */
    close(sv[1]);
    /* [make-pair] */
    if (pid < 0) {
        close(sv[0]);
        return 1;
    }

    for (int i = 1; i < argc && status == 0; i++) {
        if (frame_write(sv[0], argv[i], strlen(argv[i])) != 0)
            status = uds_fail(PROG, "cannot send to", "the child");
    }
    for (int i = 1; i < argc && status == 0; i++) {
        size_t len;
        int r = frame_read(sv[0], buf, &len);
        if (r == 0) {
            fprintf(stderr, PROG ": the child closed its end after %d of %d replies\n",
                    i - 1, argc - 1);
            status = 1;
        } else if (r < 0) {
            status = frame_fail(PROG, "the child", len);
        } else {
            printf("%.*s\n", (int)len, (char *)buf);
        }
    }
    close(sv[0]); /* the child's end of stream: it finishes */
    if (waitpid(pid, &child_status, 0) < 0)
        return uds_fail(PROG, "cannot wait for", "the child");
    if (!WIFEXITED(child_status) || WEXITSTATUS(child_status) != 0) {
        fprintf(stderr, PROG ": the child failed (status %d)\n",
                WIFEXITED(child_status) ? WEXITSTATUS(child_status) : 128 + WTERMSIG(child_status));
        return 1;
    }
    printf("child exited with status 0\n");
    return status;
}
