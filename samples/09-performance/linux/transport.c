/* SPDX-License-Identifier: MIT */
/*
 * transport.c (Linux): the channels uds-bench compares, and what a
 * benchmark needs from the system.  Sockets and pipes are all file
 * descriptors here, so one read() and one write() serve every transport.
 */
#include "bench.h"
#include "transport.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PROG "uds-bench"

const char *const transport_names[] = {
    "unix", "seqpacket", "socketpair", "pipe", "tcp", "tcp-nodelay", NULL
};

int transport_known(const char *name)
{
    for (const char *const *t = transport_names; *t != NULL; t++)
        if (strcmp(*t, name) == 0)
            return 1;
    return 0;
}

int transport_available(const char *name)
{
    return transport_known(name);
}

static void one_fd(struct link *l, int fd)
{
    l->in = l->out = fd;
    l->max_write = 0;
}

/* [listen-connect-accept] */
/* A listener, a client connected to it and the accepted socket, all in
 * this process: the two sides then part with fork().  `addr` is a
 * pathname (AF_UNIX) or 127.0.0.1 port 0, the kernel's choice (TCP). */
static int connect_pair(int family, int type, struct sockaddr *addr, socklen_t len,
                        struct link *mine, struct link *peer)
{
    int listener = socket(family, type, 0), client = -1, server = -1;

    if (listener < 0)
        return uds_fail_socket(PROG, "the listener");
    if (bind(listener, addr, len) != 0 || listen(listener, 1) != 0 ||
        getsockname(listener, addr, &len) != 0) {
        close(listener);
        return uds_fail(PROG, "cannot listen", "for the bench");
    }
    client = socket(family, type, 0);
    if (client < 0 || connect(client, addr, len) != 0 ||
        (server = accept(listener, NULL, NULL)) < 0) {
        int rc = uds_fail(PROG, "cannot connect", "to the bench's listener");
        if (client >= 0)
            close(client);
        close(listener);
        return rc;
    }
    close(listener);
    one_fd(mine, client);
    one_fd(peer, server);
    return 0;
}
/* [listen-connect-accept] */

static int unix_pair(int type, struct link *mine, struct link *peer)
{
    char dir[] = "/tmp/uds-bench-XXXXXX", path[64];
    struct sockaddr_un addr;
    socklen_t len;
    int rc;

    /* A private directory of our own, so that no file of anyone else's is
     * ever in the way or removed. */
    if (mkdtemp(dir) == NULL)
        return uds_fail(PROG, "cannot create a directory in", "/tmp");
    snprintf(path, sizeof path, "%s/bench.sock", dir);
    if (uds_addr_path(&addr, &len, path) != 0)
        rc = uds_fail(PROG, "cannot use", path);
    else
        rc = connect_pair(AF_UNIX, type, (struct sockaddr *)&addr, len, mine, peer);
    unlink(path);   /* connected sockets no longer need their name */
    rmdir(dir);
    return rc;
}

static int tcp_pair(int nodelay, struct link *mine, struct link *peer)
{
    struct sockaddr_in addr;
    int one = 1;

    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect_pair(AF_INET, SOCK_STREAM, (struct sockaddr *)&addr, sizeof addr,
                     mine, peer) != 0)
        return 1;
    /* Nagle's algorithm holds back a small write while an earlier one is
     * unacknowledged; TCP_NODELAY turns it off, on both ends. */
    if (nodelay && (setsockopt(mine->in, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0 ||
                    setsockopt(peer->in, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0))
        return uds_fail(PROG, "cannot set", "TCP_NODELAY");
    return 0;
}

int transport_open(const char *name, struct link *mine, struct link *peer)
{
    int sv[2], there[2], back[2];

    if (strcmp(name, "unix") == 0)
        return unix_pair(SOCK_STREAM, mine, peer);
    if (strcmp(name, "seqpacket") == 0) {
        if (unix_pair(SOCK_SEQPACKET, mine, peer) != 0)
            return 1;
        /* One record must fit the send buffer (about 200 KiB by default). */
        mine->max_write = peer->max_write = 65536;
        return 0;
    }
    if (strcmp(name, "socketpair") == 0) {
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
            return uds_fail(PROG, "cannot create", "a socketpair");
        one_fd(mine, sv[0]);
        one_fd(peer, sv[1]);
        return 0;
    }
    if (strcmp(name, "pipe") == 0) {
        /* A pipe goes one way: one each way makes a two-way channel. */
        if (pipe(there) != 0)
            return uds_fail(PROG, "cannot create", "a pipe");
        if (pipe(back) != 0) {
            close(there[0]), close(there[1]);
            return uds_fail(PROG, "cannot create", "a pipe");
        }
        mine->out = there[1], peer->in = there[0];
        peer->out = back[1], mine->in = back[0];
        mine->max_write = peer->max_write = 0;
        return 0;
    }
    return tcp_pair(strcmp(name, "tcp-nodelay") == 0, mine, peer);
}

long link_read(struct link *l, void *buf, size_t len)
{
    return (long)read(l->in, buf, len);
}

long link_write(struct link *l, const void *buf, size_t len)
{
    return (long)write(l->out, buf, len);
}

void link_close(struct link *l)
{
    if (l->out != l->in)
        close(l->out);
    close(l->in);
}

/* [clock] */
double clock_us(void)
{
    struct timespec ts;

    /* MONOTONIC: never set back by NTP or by hand, unlike the wall clock. */
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}
/* [clock] */

int cpu_choose(const char *placement, int cpus[2])
{
    cpu_set_t set;
    int found = 0;

    cpus[0] = cpus[1] = -1;
    if (strcmp(placement, "any") == 0)
        return 0;
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return uds_fail(PROG, "cannot read", "the CPUs this process may use");
    for (int c = 0; c < CPU_SETSIZE && found < 2; c++)
        if (CPU_ISSET(c, &set))
            cpus[found++] = c;
    if (strcmp(placement, "one") == 0)
        cpus[1] = cpus[0];
    else if (found < 2) {
        fprintf(stderr, PROG ": --cpu two needs two CPUs; this process may use one\n");
        return 1;
    }
    return 0;
}

int cpu_pin(int cpu)
{
    cpu_set_t set;

    if (cpu < 0)
        return 0;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0)
        return uds_fail(PROG, "cannot move", "to its CPU");
    return 0;
}

/* The other side is a process of its own, as a real peer would be. */
int peer_start(struct job *job, struct link *mine)
{
    fflush(stdout);         /* or the child would print it a second time */
    job->pid = fork();
    if (job->pid < 0)
        return uds_fail(PROG, "cannot fork", "the other side");
    if (job->pid == 0) {
        int rc;

        link_close(mine);
        rc = cpu_pin(job->cpu);
        if (rc == 0)
            rc = bench_peer(job);
        bench_finish();
        _exit(rc);
    }
    link_close(&job->link);
    return 0;
}

int peer_wait(struct job *job)
{
    int status;

    if (waitpid(job->pid, &status, 0) != job->pid)
        return uds_fail(PROG, "cannot wait for", "the other side");
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

void describe_machine(FILE *out)
{
    char line[256], model[200] = "unknown";
    struct utsname u;
    FILE *info = fopen("/proc/cpuinfo", "r");

    while (info != NULL && fgets(line, sizeof line, info) != NULL)
        if (strncmp(line, "model name", 10) == 0 && strchr(line, ':') != NULL) {
            snprintf(model, sizeof model, "%s", strchr(line, ':') + 2);
            model[strcspn(model, "\n")] = '\0';
            break;
        }
    if (info != NULL)
        fclose(info);
    if (uname(&u) != 0)
        strcpy(u.sysname, "Linux"), strcpy(u.release, "?"), strcpy(u.machine, "?");
    fprintf(out, "# machine: %s %s %s, %ld CPUs online, %s\n", u.sysname, u.release,
            u.machine, sysconf(_SC_NPROCESSORS_ONLN), model);
}
