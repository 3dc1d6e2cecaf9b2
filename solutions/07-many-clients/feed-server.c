/* SPDX-License-Identifier: MIT */
/*
 * feed-server: one file for many readers at once.
 *
 * Reads FILE into memory, then sends all of it to every client that
 * connects, and closes that client when it has everything.  One poll()
 * serves every reader at the same time, and every socket is non-blocking:
 * a reader that reads slowly, or not at all, must not hold up the others.
 * It runs until it is stopped (Ctrl-C).
 *
 * usage: feed-server SOCKET_PATH FILE
 *
 * SOLUTION 07: the starter with its three TODOs completed.  The comments
 * marked "Why" explain each choice.
 */
#include "uds.h"

#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#define PROG "feed-server"
#define MAX_READERS 1000

static struct pollfd fds[1 + MAX_READERS]; /* fds[0] is the listener */
static size_t sent[1 + MAX_READERS];       /* bytes of the file each reader has had */
static size_t nfds = 1;
static long served;                        /* readers seen so far, to name them */
static long number[1 + MAX_READERS];       /* each reader's number, for the log */
static char *data;                         /* the file */
static size_t size;

/* Close reader i.  Its entry becomes a hole (fd -1, which poll() skips)
 * until the loop packs the arrays. */
static void drop(size_t i)
{
    close(fds[i].fd);
    fds[i].fd = -1;
    fds[0].events = POLLIN; /* a descriptor is free: accept again */
}

/* Accept every reader that waits.  New sockets are non-blocking. */
static void accept_readers(const char *path)
{
    while (nfds < 1 + MAX_READERS) {
        int s = accept4(fds[0].fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (s < 0 && (errno == EAGAIN || errno == ECONNABORTED))
            return;
        if (s < 0) { /* EMFILE and friends: wait for a reader to leave */
            uds_fail(PROG, "cannot accept on", path);
            break;
        }
        fds[nfds].fd = s;
        /* TODO 1: ask poll() to say when this socket can take bytes.
         * Why POLLOUT and not POLLIN: the reader sends nothing; what we
         * wait for is room in its socket.  Why from the start: a reader
         * always has bytes waiting until it has the whole file, and
         * feed() closes it then, so POLLOUT is never asked for in vain.
         * (Where output comes and goes, as in chat-server, POLLOUT must
         * be asked for only while something waits, or poll() never sleeps.)
         * POLLHUP and POLLERR need not be asked for: poll() always says. */
        fds[nfds].events = POLLOUT;
        sent[nfds] = 0;
        number[nfds++] = ++served;
    }
    fds[0].events = 0;
}

/* Reader i's socket is ready (or has failed). */
static void feed(size_t i)
{
    /* TODO 2: send as much of the rest of the file (from data + sent[i])
     * as the socket takes now, without waiting, and count what it took in
     * sent[i].  EAGAIN: it took nothing; try again at the next POLLOUT.
     * Any other error: print "reader N: " and the error's text
     * (uds_strerror(errno)) on stderr, and drop(i).
     * Why one send() and no loop: POLLOUT says the socket has some room,
     * not how much.  A non-blocking send() takes what fits and returns
     * that count, often less than asked (a partial write); the rest is
     * still ours, and sent[i] is where the next POLLOUT resumes.  Looping
     * until EAGAIN would work too, but gives a fast reader more turns.
     * Why not uds_send_all(): it would wait for a slow reader, and every
     * other reader would wait with it.
     * Why MSG_NOSIGNAL: a reader that has gone gives EPIPE here, not a
     * SIGPIPE that would end the server. */
    ssize_t n = send(fds[i].fd, data + sent[i], size - sent[i], MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
        fprintf(stderr, PROG ": reader %ld: %s\n", number[i], uds_strerror(errno));
        drop(i);
        return;
    }
    if (n > 0)
        sent[i] += (size_t)n;

    /* TODO 3: when the whole file has gone, print "reader N: sent SIZE
     * bytes" on stdout and drop(i): closing tells the reader that was all.
     * Why close: the stream has no length in it; the reader knows it has
     * everything only when recv() returns 0.  Why here, at once: kept
     * open, the reader would wait for more forever, and its entry would
     * ask for POLLOUT on a socket with room: poll() would never sleep. */
    if (sent[i] == size) {
        printf("reader %ld: sent %zu bytes\n", number[i], size);
        drop(i);
    }
}

int main(int argc, char **argv)
{
    struct sockaddr_un addr;
    socklen_t addr_len;
    struct stat st;

    if (argc != 3 || argv[1][0] == '-') {
        fprintf(stderr, "usage: " PROG " SOCKET_PATH FILE\n");
        return 2;
    }
    const char *path = argv[1];
    FILE *f = fopen(argv[2], "rb");
    if (f == NULL)
        return uds_fail(PROG, "cannot open", argv[2]);
    if (fstat(fileno(f), &st) != 0 || (data = malloc((size_t)st.st_size + 1)) == NULL
        || fread(data, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
        fclose(f);
        return uds_fail(PROG, "cannot read", argv[2]);
    }
    size = (size_t)st.st_size;
    fclose(f);

    if (uds_addr_path(&addr, &addr_len, path) != 0)
        return uds_fail(PROG, "bad socket path", path);
    if (lstat(path, &st) == 0 && !S_ISSOCK(st.st_mode)) {
        fprintf(stderr, PROG ": %s exists and is not a socket; not removing it\n", path);
        return 1;
    }
    int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (listener < 0)
        return uds_fail_socket(PROG, path);
    unlink(path);
    if (bind(listener, (struct sockaddr *)&addr, addr_len) != 0
        || listen(listener, SOMAXCONN) != 0)
        return uds_fail(PROG, "cannot listen on", path);
    fds[0].fd = listener;
    fds[0].events = POLLIN;
    printf("listening on %s\n", path);
    fflush(stdout);

    for (;;) {
        if (poll(fds, (nfds_t)nfds, -1) < 0) {
            if (errno == EINTR)
                continue;
            return uds_fail(PROG, "cannot wait on", path);
        }
        size_t polled = nfds;
        for (size_t i = 1; i < polled; i++)
            if (fds[i].fd >= 0 && fds[i].revents != 0)
                feed(i);
        if (fds[0].revents & POLLIN)
            accept_readers(path);
        /* Pack the arrays: drop the holes. */
        size_t kept = 1;
        for (size_t i = 1; i < nfds; i++)
            if (fds[i].fd >= 0) {
                fds[kept] = fds[i];
                sent[kept] = sent[i];
                number[kept++] = number[i];
            }
        nfds = kept;
        fflush(stdout);
    }
}
