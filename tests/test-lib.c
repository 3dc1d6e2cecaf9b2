/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the helper library (lib/uds.h), natively and under Wine.
 *
 * The I/O helpers work on any stream socket, so they are tested over a
 * connected pair: socketpair(AF_UNIX) on POSIX, and loopback TCP on Windows,
 * which has no socketpair (and Wine, no AF_UNIX).
 */
#include "uds.h"
#include "tap.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <poll.h>
#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#endif

#define OFFSET offsetof(struct sockaddr_un, sun_path)

/* The library leaves closing to the programs, which show it: so here too. */
#ifdef _WIN32
#define close_socket(s) closesocket(s)
#else
#define close_socket(s) close(s)
#endif

static char *repeat(char c, size_t n)
{
    char *s = malloc(n + 1);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

static void test_errors(void)
{
#ifdef _WIN32
    int known = WSAEAFNOSUPPORT;
    const char *name = "WSAEAFNOSUPPORT";
#else
    int known = ENOENT;
    const char *name = "ENOENT";
#endif
    tap_ok(uds_error_name(known) != NULL && strcmp(uds_error_name(known), name) == 0,
           "uds_error_name names %s", name);
#ifndef _WIN32
    /* A program may meet any of these (chapter 08's exercise meets ENOSYS). */
    tap_ok(uds_error_name(ENOSYS) != NULL && strcmp(uds_error_name(ENOSYS), "ENOSYS") == 0,
           "uds_error_name names ENOSYS");
#endif
    tap_ok(uds_error_name(-12345) == NULL, "uds_error_name gives NULL for an unknown code");
    tap_ok(strstr(uds_strerror(known), name) != NULL && strlen(uds_strerror(known)) > strlen(name) + 3,
           "uds_strerror gives text and the name: %s", uds_strerror(known));
    tap_ok(strstr(uds_strerror(-12345), "-12345") != NULL,
           "uds_strerror shows the number of an unknown code: %s", uds_strerror(-12345));
    uds_set_error(UDS_EMSGSIZE);
    tap_ok(uds_last_error() == UDS_EMSGSIZE, "uds_set_error then uds_last_error round-trips");
}

static void test_addr_path(void)
{
    struct sockaddr_un a;
    socklen_t len = 0;
    char *p107 = repeat('p', UDS_PATH_MAX - 1);
    char *p108 = repeat('p', UDS_PATH_MAX);

    tap_ok(UDS_PATH_MAX == 108, "sun_path holds 108 bytes");
    tap_ok(uds_addr_path(&a, &len, "/tmp/x.sock") == 0 && a.sun_family == AF_UNIX &&
           strcmp(a.sun_path, "/tmp/x.sock") == 0,
           "uds_addr_path fills in the family and the path");
    tap_ok(len == OFFSET + strlen("/tmp/x.sock") + 1,
           "uds_addr_path length is offsetof + path + NUL (%d)", (int)len);
    tap_ok(uds_addr_path(&a, &len, p107) == 0 && len == OFFSET + UDS_PATH_MAX &&
           a.sun_path[UDS_PATH_MAX - 1] == '\0',
           "a 107-byte path fits, with its NUL");
    len = 77;
    tap_ok(uds_addr_path(&a, &len, p108) == -1 && uds_last_error() == UDS_ENAMETOOLONG && len == 77,
           "a 108-byte path is refused with ENAMETOOLONG, not truncated");
    tap_ok(uds_addr_path(&a, &len, "") == -1 && uds_last_error() == UDS_EINVAL,
           "an empty path is refused with EINVAL");
    free(p107);
    free(p108);
}

static void test_addr_abstract(void)
{
    struct sockaddr_un a;
    socklen_t len = 0;
    char *n107 = repeat('n', UDS_PATH_MAX - 1);

    tap_ok(uds_addr_abstract(&a, &len, "kit", 3) == 0 && a.sun_path[0] == '\0' &&
           memcmp(a.sun_path + 1, "kit", 3) == 0 && len == OFFSET + 1 + 3,
           "uds_addr_abstract: leading NUL, the name, and no trailing NUL in the length");
    tap_ok(uds_addr_abstract(&a, &len, "a\0b", 3) == 0 && len == OFFSET + 4 &&
           memcmp(a.sun_path, "\0a\0b", 4) == 0,
           "an abstract name may contain NUL bytes");
    tap_ok(uds_addr_abstract(&a, &len, n107, UDS_PATH_MAX - 1) == 0 && len == OFFSET + UDS_PATH_MAX,
           "a 107-byte abstract name fits");
    tap_ok(uds_addr_abstract(&a, &len, n107, UDS_PATH_MAX) == -1 &&
           uds_last_error() == UDS_ENAMETOOLONG,
           "a 108-byte abstract name is refused with ENAMETOOLONG");
    tap_ok(uds_addr_abstract(&a, &len, "", 0) == -1 && uds_last_error() == UDS_EINVAL,
           "an empty abstract name is refused with EINVAL");
    free(n107);
}

static void test_addr_format(void)
{
    struct sockaddr_un a;
    socklen_t len;
    char buf[64];

    uds_addr_path(&a, &len, "/run/kit.sock");
    tap_ok(strcmp(uds_addr_format(&a, len, buf, sizeof buf), "/run/kit.sock") == 0,
           "a pathname prints as itself");
    tap_ok(strcmp(uds_addr_format(&a, len - 1, buf, sizeof buf), "/run/kit.sock") == 0,
           "a pathname prints the same without its NUL counted");
    uds_addr_abstract(&a, &len, "kit\0\n\\", 6);
    tap_ok(strcmp(uds_addr_format(&a, len, buf, sizeof buf), "@kit\\x00\\x0a\\x5c") == 0,
           "an abstract name prints with @ and escaped bytes: %s", buf);
    tap_ok(strcmp(uds_addr_format(&a, (socklen_t)OFFSET, buf, sizeof buf), "(unnamed)") == 0,
           "an address of only the family prints as (unnamed)");
    /* An unnamed socket as Windows and the BSDs may return it: the full
     * length, sun_path all zero (rust socket2 pull request 403).  On Linux
     * those bytes are an abstract name of 107 NULs, and print as one. */
    {
        char big[4 * sizeof a.sun_path + 2];
        memset(&a, 0, sizeof a);
        a.sun_family = AF_UNIX;
#ifdef __linux__
        tap_ok(strncmp(uds_addr_format(&a, (socklen_t)sizeof a, big, sizeof big), "@\\x00\\x00", 9) == 0
               && strlen(big) == 1 + 4 * (sizeof a.sun_path - 1),
               "Linux: an all-zero sun_path of full length is an abstract name of NULs");
#else
        tap_ok(strcmp(uds_addr_format(&a, (socklen_t)sizeof a, big, sizeof big), "(unnamed)") == 0,
               "outside Linux: an all-zero sun_path of full length prints as (unnamed): %s", big);
#endif
        a.sun_path[sizeof a.sun_path - 1] = 'x';
        tap_ok(strncmp(uds_addr_format(&a, (socklen_t)sizeof a, big, sizeof big), "@\\x00", 5) == 0,
               "one non-zero byte after the leading NUL makes it an abstract name again");
    }
    uds_addr_path(&a, &len, "/a/very/long/path/name.sock");
    tap_ok(strcmp(uds_addr_format(&a, len, buf, 12), "/a/very/...") == 0,
           "a too-small buffer gets a shortened text ending in ...: %s", buf);
    tap_ok(uds_addr_format(&a, len, buf, 0) == buf, "a zero-sized buffer is left alone");
}

static void test_frame_codec(void)
{
    unsigned char h[UDS_FRAME_HEADER];

    uds_frame_encode(h, 0x01020304u);
    tap_ok(h[0] == 1 && h[1] == 2 && h[2] == 3 && h[3] == 4, "frame header is big-endian");
    uds_frame_encode(h, 1000);
    tap_ok(uds_frame_decode(h, 1000) == 1000, "a frame of exactly the maximum is accepted");
    tap_ok(uds_frame_decode(h, 999) == -1 && uds_last_error() == UDS_EMSGSIZE,
           "a frame over the caller's maximum is refused with EMSGSIZE");
    uds_frame_encode(h, UDS_FRAME_MAX + 1);
    tap_ok(uds_frame_decode(h, (size_t)-1) == -1 && uds_last_error() == UDS_EMSGSIZE,
           "a frame over UDS_FRAME_MAX is refused whatever the caller allows");
}

/* A connected pair of stream sockets. */
static int make_pair(uds_socket_t sv[2])
{
#ifdef _WIN32
    struct sockaddr_in a;
    int alen = sizeof a;
    uds_socket_t l = socket(AF_INET, SOCK_STREAM, 0);

    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (l == INVALID_SOCKET || bind(l, (struct sockaddr *)&a, sizeof a) != 0 ||
        listen(l, 1) != 0 || getsockname(l, (struct sockaddr *)&a, &alen) != 0)
        return -1;
    sv[0] = socket(AF_INET, SOCK_STREAM, 0);
    if (sv[0] == INVALID_SOCKET || connect(sv[0], (struct sockaddr *)&a, sizeof a) != 0)
        return -1;
    sv[1] = accept(l, NULL, NULL);
    closesocket(l);
    return sv[1] == INVALID_SOCKET ? -1 : 0;
#else
    return socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
#endif
}

static void test_io(void)
{
    uds_socket_t sv[2];
    char buf[64 * 1024];
    char *big = repeat('b', 48 * 1024);
    size_t got = 99, len = 0;

    if (!tap_ok(make_pair(sv) == 0, "a connected socket pair for the I/O tests")) {
        free(big);
        return;
    }
    tap_ok(uds_send_some(sv[0], "hi", 2) == 2 && uds_recv_some(sv[1], buf, sizeof buf) == 2 &&
           memcmp(buf, "hi", 2) == 0,
           "uds_send_some / uds_recv_some move bytes");

    /* Three sends, one exact receive: the receiver must not stop early. */
    uds_send_all(sv[0], "abc", 3);
    uds_send_all(sv[0], "defg", 4);
    uds_send_all(sv[0], big, strlen(big));
    int r = uds_recv_exact(sv[1], buf, 7 + strlen(big), &got);
    tap_ok(r == 1 && got == 7 + strlen(big) &&
           memcmp(buf, "abcdefg", 7) == 0 && memcmp(buf + 7, big, strlen(big)) == 0,
           "uds_recv_exact gathers several sends (%zu bytes)", got);

    tap_ok(uds_frame_send(sv[0], "frame one", 9) == 0 && uds_frame_send(sv[0], "", 0) == 0,
           "uds_frame_send sends a frame and an empty frame");
    memset(buf, 0, sizeof buf);
    tap_ok(uds_frame_recv(sv[1], buf, sizeof buf, &len) == 1 && len == 9 &&
           memcmp(buf, "frame one", 9) == 0,
           "uds_frame_recv gets the frame back whole");
    tap_ok(uds_frame_recv(sv[1], buf, sizeof buf, &len) == 1 && len == 0,
           "uds_frame_recv gets the empty frame");
    tap_ok(uds_frame_send(sv[0], big, UDS_FRAME_MAX + 1) == -1 && uds_last_error() == UDS_EMSGSIZE,
           "uds_frame_send refuses a payload over UDS_FRAME_MAX");

    uds_frame_send(sv[0], big, 100);
    tap_ok(uds_frame_recv(sv[1], buf, 99, &len) == -1 && uds_last_error() == UDS_EMSGSIZE,
           "uds_frame_recv refuses a frame larger than the buffer");
    uds_recv_exact(sv[1], buf, 100, NULL); /* drain the refused payload */

    /* A header cut short, then the peer closes: not a clean end. */
    uds_send_all(sv[0], "\0\0", 2);
    close_socket(sv[0]);
    tap_ok(uds_frame_recv(sv[1], buf, sizeof buf, &len) == -1 && uds_last_error() == UDS_ECONNRESET,
           "a peer that closes inside a frame header gives ECONNRESET");
    tap_ok(uds_frame_recv(sv[1], buf, sizeof buf, &len) == 0,
           "after that, end of stream is a clean 0");
    close_socket(sv[1]);

    if (make_pair(sv) == 0) {
        uds_frame_encode((unsigned char *)buf, 10);
        uds_send_all(sv[0], buf, UDS_FRAME_HEADER);
        uds_send_all(sv[0], "12345", 5);
        close_socket(sv[0]);
        tap_ok(uds_frame_recv(sv[1], buf, sizeof buf, &len) == -1 &&
               uds_last_error() == UDS_ECONNRESET,
               "a peer that closes inside a payload gives ECONNRESET");
        tap_ok(uds_recv_exact(sv[1], buf, 4, &got) == 0 && got == 0,
               "uds_recv_exact reports end of stream as 0 with 0 bytes");
        close_socket(sv[1]);
    }
    free(big);
}

#ifndef _WIN32
static volatile sig_atomic_t alarms;
static void on_alarm(int sig)
{
    (void)sig;
    alarms++;
}

/* A signal that interrupts a blocked recv() must not end it early. */
static void test_eintr_and_sigpipe(void)
{
    uds_socket_t sv[2];
    struct sigaction sa;
    struct itimerval every_10ms = { { 0, 10000 }, { 0, 10000 } }, off = { { 0, 0 }, { 0, 0 } };
    char c = 0;
    pid_t child;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm; /* no SA_RESTART: recv() fails with EINTR */
    sigaction(SIGALRM, &sa, NULL);
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        return;
    child = fork();
    if (child == 0) {
        struct timespec wait = { 0, 200 * 1000 * 1000 };
        nanosleep(&wait, NULL);
        (void)!write(sv[0], "x", 1);
        _exit(0);
    }
    setitimer(ITIMER_REAL, &every_10ms, NULL);
    long n = uds_recv_some(sv[1], &c, 1);
    setitimer(ITIMER_REAL, &off, NULL);
    waitpid(child, NULL, 0);
    tap_ok(n == 1 && c == 'x' && alarms > 0,
           "uds_recv_some retries after EINTR (%d signals) and gets the byte", (int)alarms);

    /* With the peer gone, send must fail with EPIPE and not kill us. */
    close_socket(sv[1]);
    signal(SIGPIPE, SIG_DFL);
    tap_ok(uds_send_some(sv[0], "x", 1) == -1 && uds_last_error() == EPIPE,
           "uds_send_some to a closed peer gives EPIPE, not SIGPIPE");
    tap_ok(uds_send_all(sv[0], "xyz", 3) == -1 && uds_last_error() == EPIPE,
           "uds_send_all to a closed peer gives EPIPE");
    close_socket(sv[0]);
}

/* uds_peer_is_self(): the kernel's record of who connected. */
static void test_peer_is_self(void)
{
    uds_socket_t sv[2];
    int p[2];
    long uid = -2;

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        return;
    int r = uds_peer_is_self(sv[0], &uid); /* before tap_ok() reads uid */
    tap_ok(r == 1 && uid == (long)geteuid(),
           "uds_peer_is_self: the other end of a socket pair is this user (uid %ld)", uid);
    tap_ok(uds_peer_is_self(sv[1], NULL) == 1, "uds_peer_is_self accepts a NULL peer_uid");
    close_socket(sv[0]);
    close_socket(sv[1]);
    if (pipe(p) == 0) {
        tap_ok(uds_peer_is_self(p[0], NULL) == -1 && uds_last_error() == ENOTSOCK,
               "uds_peer_is_self on a pipe fails with ENOTSOCK");
        close(p[0]);
        close(p[1]);
    }
}
#endif

static void test_close(void)
{
    uds_socket_t s = socket(AF_INET, SOCK_STREAM, 0);

    tap_ok(s != UDS_INVALID_SOCKET && uds_close(s) == 0, "uds_close closes a socket");
}

static void test_report(void)
{
    /* The line itself is asserted by every program's scenario tests. */
    fprintf(stderr, "# the next two lines are expected:\n");
    uds_set_error(UDS_EINVAL);
    tap_ok(uds_fail("test-lib", "cannot test", "/nowhere") == 1, "uds_fail returns exit status 1");
    uds_set_error(UDS_EAFNOSUPPORT);
    tap_ok(uds_fail_socket("test-lib", "/nowhere") == 1, "uds_fail_socket returns exit status 1");

    /* uds_options(): --help prints on stdout (the programs' tests check it). */
    {
        char *plain[] = { "test-lib", "/tmp/x.sock", "3", NULL };
        char *known[] = { "test-lib", "path", "x", "--bind", "path:y", NULL };
        char *unknown[] = { "test-lib", "-h", NULL };
        const char *const options[] = { "--bind", NULL };
        tap_ok(uds_options("test-lib", 3, plain, NULL, "usage: test-lib") == -1,
               "uds_options: no option, go on");
        tap_ok(uds_options("test-lib", 5, known, options, "usage: test-lib") == -1,
               "uds_options: a known option, go on");
        fprintf(stderr, "# and these two:\n");
        tap_ok(uds_options("test-lib", 2, unknown, options, "usage: test-lib") == 2,
               "uds_options: an unknown option is a usage error (2)");
    }
}

#ifdef _WIN32
static void test_wake_pair(void)
{
    uds_socket_t pair[2];
    WSAPOLLFD p;
    char c = 0;

    tap_ok(uds_wake_pair(pair) == 0, "uds_wake_pair makes a pair");
    p.fd = pair[0];
    p.events = POLLRDNORM;
    p.revents = 0;
    tap_ok(WSAPoll(&p, 1, 0) == 0, "an idle wake pair is not readable");
    tap_ok(send(pair[1], "x", 1, 0) == 1, "one byte sent on pair[1]");
    tap_ok(WSAPoll(&p, 1, -1) == 1 && (p.revents & POLLRDNORM), "it wakes a WSAPoll on pair[0]");
    tap_ok(recv(pair[0], &c, 1, 0) == 1 && c == 'x', "and arrives there");
    closesocket(pair[0]);
    closesocket(pair[1]);
}
#endif

/* uds_prepare_stop() and its siblings.  Last: the stop signals stay
 * blocked in this process afterwards. */
#ifndef _WIN32
static void test_stop(void)
{
    sigset_t now;

    tap_ok(uds_prepare_stop() == 0, "uds_prepare_stop");
    tap_ok(uds_stop_requested() == NULL, "no stop requested yet");
    pthread_sigmask(SIG_SETMASK, NULL, &now);
    tap_ok(sigismember(&now, SIGTERM) == 1 && sigismember(&now, SIGINT) == 1 &&
           sigismember(&now, SIGHUP) == 1, "the stop signals are blocked");
    tap_ok(sigismember(uds_stop_wait_mask(), SIGTERM) == 0 &&
           sigismember(uds_stop_wait_mask(), SIGHUP) == 0,
           "and let in by the wait mask");
    raise(SIGHUP); /* blocked: it stays pending, the flag stays unset */
    tap_ok(uds_stop_requested() == NULL, "a stop signal outside the wait is held back");
    errno = 0;
    int r = ppoll(NULL, 0, NULL, uds_stop_wait_mask());
    tap_ok(r == -1 && errno == EINTR, "ppoll with the wait mask ends at once with EINTR");
    tap_ok(uds_stop_requested() != NULL && strcmp(uds_stop_requested(), "SIGHUP") == 0,
           "uds_stop_requested names the signal (SIGHUP)");
    uds_stop_done();
}
#else
static void test_stop(void)
{
    WSAPOLLFD p;

    tap_ok(uds_stop_wake() == UDS_INVALID_SOCKET, "no wake socket before uds_prepare_stop");
    uds_stop_done(); /* as after a uds_prepare_stop() that failed */
    tap_ok(uds_prepare_stop() == 0, "uds_prepare_stop");
    tap_ok(uds_stop_requested() == NULL, "no stop requested yet");
    p.fd = uds_stop_wake();
    p.events = POLLIN;
    p.revents = 0;
    tap_ok(p.fd != UDS_INVALID_SOCKET && WSAPoll(&p, 1, 0) == 0,
           "the wake socket is there, and not readable");
    /* The handler is not run here: a console event would reach every
     * process on the console, make and the shell included (tests/kit.sh's
     * wstop does that, natively, for the programs' stop scenarios). */
    uds_stop_done();
    tap_ok(uds_stop_wake() == UDS_INVALID_SOCKET, "uds_stop_done closes the wake pair");
}
#endif

int main(void)
{
    tap_start();
    tap_ok(uds_startup() == 0, "uds_startup");
    test_errors();
    test_addr_path();
    test_addr_abstract();
    test_addr_format();
    test_frame_codec();
    test_io();
    test_report();
    test_close();
#ifdef _WIN32
    test_wake_pair();
#endif
#ifndef _WIN32
    test_eintr_and_sigpipe();
    test_peer_is_self();
#endif
    test_stop();
    uds_cleanup();
    return tap_done();
}
