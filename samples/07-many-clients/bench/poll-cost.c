/* SPDX-License-Identifier: MIT */
/*
 * poll-cost: what one wake-up costs with poll() and with epoll, when one
 * socket out of N is ready.  For the chapter's "when poll stops scaling".
 *
 * Makes N AF_UNIX socket pairs and watches one end of each.  Then, ITERS
 * times: one byte is written to a random pair, the program waits (poll()
 * over all N, or epoll_wait()), and reads the byte.  poll() hands the
 * kernel the whole array and scans it back, every time; epoll keeps the
 * set in the kernel and returns only what is ready.  Prints one line per
 * N: N, microseconds per wake-up with poll, with epoll.
 *
 * usage: poll-cost ITERS N...
 */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    struct rlimit rl;

    if (argc < 3 || atoi(argv[1]) < 1) {
        fprintf(stderr, "usage: poll-cost ITERS N...\n");
        return 2;
    }
    long iters = atol(argv[1]);
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    for (int a = 2; a < argc; a++) {
        int n = atoi(argv[a]);
        if (n < 1 || (rlim_t)(2 * n + 16) > rl.rlim_cur) {
            printf("%d skipped skipped\n", n); /* too few descriptors for 2N */
            continue;
        }
        int (*pairs)[2] = calloc((size_t)n, sizeof *pairs);
        struct pollfd *fds = calloc((size_t)n, sizeof *fds);
        int ep = epoll_create1(EPOLL_CLOEXEC);
        if (pairs == NULL || fds == NULL || ep < 0) {
            perror("poll-cost");
            return 1;
        }
        for (int i = 0; i < n; i++) {
            if (socketpair(AF_UNIX, SOCK_STREAM, 0, pairs[i]) != 0) {
                perror("poll-cost: socketpair");
                return 1;
            }
            fds[i].fd = pairs[i][0];
            fds[i].events = POLLIN;
            struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)i };
            epoll_ctl(ep, EPOLL_CTL_ADD, pairs[i][0], &ev);
        }
        double cost[2];
        char c = 'x';
        for (int way = 0; way < 2; way++) {
            srand(7);
            double t0 = now();
            for (long k = 0; k < iters; k++) {
                int i = rand() % n, ready = -1;
                if (write(pairs[i][1], &c, 1) != 1)
                    return 1;
                if (way == 0) {
                    poll(fds, (nfds_t)n, -1);
                    for (int j = 0; j < n && ready < 0; j++) /* as a poll loop must */
                        if (fds[j].revents & POLLIN)
                            ready = j;
                } else {
                    struct epoll_event ev;
                    if (epoll_wait(ep, &ev, 1, -1) == 1)
                        ready = (int)ev.data.u32;
                }
                if (ready != i || read(pairs[i][0], &c, 1) != 1) {
                    fprintf(stderr, "poll-cost: the wrong socket woke up\n");
                    return 1;
                }
            }
            cost[way] = (now() - t0) / (double)iters * 1e6;
        }
        printf("%d %.2f %.2f\n", n, cost[0], cost[1]);
        fflush(stdout);
        for (int i = 0; i < n; i++) {
            close(pairs[i][0]);
            close(pairs[i][1]);
        }
        close(ep);
        free(pairs);
        free(fds);
    }
    return 0;
}
