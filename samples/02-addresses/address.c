/* SPDX-License-Identifier: MIT */
/*
 * address.c: the heart of chapter 02, shared by addr-server and uds-where
 * on both platforms.  Building an AF_UNIX address, and reading one back,
 * is the same code on Linux and on Windows: struct sockaddr_un has the
 * same layout there (SOCKADDR_UN in <afunix.h>), so this file compiles
 * unchanged for both, with the socket type from uds.h.
 */
#include "uds.h"
#include "address.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* [make-addr] */
/* Fill in an address of the given kind; return its length, or 0 (with the
 * reason in uds_last_error(): errno, or WSAGetLastError() on Windows) for
 * a name that is empty or does not fit. */
socklen_t make_addr(struct sockaddr_un *addr, enum kind kind, const char *name)
{
    size_t n = strlen(name);

    memset(addr, 0, sizeof *addr);
    addr->sun_family = AF_UNIX;
    if (n == 0) {
        uds_set_error(UDS_EINVAL); /* "" would mean something else: autobind */
        return 0;
    }
    if (kind == KIND_PATH) {
        /* The path and its NUL must fit in sun_path's 108 bytes.  Cutting a
         * long path short would bind to a file nobody asked for: refuse it. */
        if (n + 1 > sizeof addr->sun_path) {
            uds_set_error(UDS_ENAMETOOLONG);
            return 0;
        }
        memcpy(addr->sun_path, name, n + 1);
        return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
    }
    /* Abstract: sun_path[0] stays NUL, the name follows, and nothing ends
     * it: the length says where it stops, so a NUL counted at the end
     * would be a byte of the name. */
    if (1 + n > sizeof addr->sun_path) {
        uds_set_error(UDS_ENAMETOOLONG);
        return 0;
    }
    memcpy(addr->sun_path + 1, name, n);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}
/* [make-addr] */

/* [where] */
/* Describe both ends of a connected socket, as this process sees them. */
int where(uds_socket_t sock, char *line, size_t cap)
{
    struct sockaddr_un local, peer;
    socklen_t local_len = sizeof local, peer_len = sizeof peer;
    char local_text[4 * UDS_PATH_MAX + 2], peer_text[4 * UDS_PATH_MAX + 2];

    /* Both calls write at most *len bytes and set *len to the address's
     * real length: the length, not a NUL, says how much of sun_path counts. */
    if (getsockname(sock, (struct sockaddr *)&local, &local_len) != 0 ||
        getpeername(sock, (struct sockaddr *)&peer, &peer_len) != 0)
        return -1;
    snprintf(line, cap, "local %s [%u bytes], peer %s [%u bytes]",
             uds_addr_format(&local, local_len, local_text, sizeof local_text),
             (unsigned)local_len,
             uds_addr_format(&peer, peer_len, peer_text, sizeof peer_text),
             (unsigned)peer_len);
    return 0;
}
/* [where] */

/* Report a failed bind() or connect() to ADDR, shown as SHOWN; returns 1.
 * Microsoft's 2017 announcement of AF_UNIX on Windows said it accepts
 * abstract names, but reports since say bind() and connect() refuse them
 * with WSAEINVAL (chapter 02 names them): on Windows the line says so. */
int fail_addr(const char *prog, const char *what,
              const struct sockaddr_un *addr, const char *shown)
{
    int err = uds_last_error();

#ifdef _WIN32
    if (addr->sun_path[0] == '\0' && err == WSAEINVAL) {
        fprintf(stderr, "%s: %s %s: %s; abstract names are reported not to "
                "work on Windows (microsoft/WSL issue 4240): use a path\n",
                prog, what, shown, uds_strerror(err));
        return 1;
    }
#else
    (void)addr;
#endif
    return uds_fail_code(prog, what, shown, err);
}

/* Read one line, a byte at a time: lines are short, and this never reads
 * past the newline.  Returns 1 for a line, 0 when the peer closed before
 * its end, -1 on error; *got counts the bytes that did arrive. */
int read_line(uds_socket_t sock, char *buf, size_t cap, size_t *got)
{
    for (*got = 0; *got + 1 < cap; (*got)++) {
        long n = uds_recv_some(sock, buf + *got, 1);
        if (n <= 0)
            return (int)n;
        if (buf[*got] == '\n') {
            buf[*got] = '\0';
            return 1;
        }
    }
    uds_set_error(UDS_EMSGSIZE);
    return -1;
}
