/* SPDX-License-Identifier: MIT */
/* The part of the helper library that is the same on every platform. */
#include "uds.h"
#include "uds_internal.h"

#include <stdio.h>
#include <string.h>

const char *uds_error_name(int err)
{
    for (const struct uds_error_entry *e = uds_error_table; e->name != NULL; e++)
        if (e->code == err)
            return e->name;
    return NULL;
}

const char *uds_strerror(int err)
{
    static UDS_THREAD_LOCAL char buf[256];
    char text[200];
    const char *name = uds_error_name(err);

    uds_system_text(err, text, sizeof text);
    if (name != NULL)
        snprintf(buf, sizeof buf, "%s (%s)", text, name);
    else
        snprintf(buf, sizeof buf, "%s (error %d)", text, err);
    return buf;
}

int uds_addr_path(struct sockaddr_un *addr, socklen_t *len, const char *path)
{
    size_t n = strlen(path);

    if (n == 0) {
        uds_set_error(UDS_EINVAL);
        return -1;
    }
    /* The path and its NUL must fit: a silently truncated path would bind
     * or connect to a different file than the one the user named. */
    if (n >= sizeof addr->sun_path) {
        uds_set_error(UDS_ENAMETOOLONG);
        return -1;
    }
    memset(addr, 0, sizeof *addr);
    addr->sun_family = AF_UNIX;
    memcpy(addr->sun_path, path, n + 1);
    *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
    return 0;
}

int uds_addr_abstract(struct sockaddr_un *addr, socklen_t *len,
                      const void *name, size_t name_len)
{
    if (name_len == 0) {
        uds_set_error(UDS_EINVAL);
        return -1;
    }
    if (name_len >= sizeof addr->sun_path) {
        uds_set_error(UDS_ENAMETOOLONG);
        return -1;
    }
    memset(addr, 0, sizeof *addr);
    addr->sun_family = AF_UNIX;
    /* sun_path[0] stays NUL: that byte is what makes the name abstract. */
    memcpy(addr->sun_path + 1, name, name_len);
    *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + name_len);
    return 0;
}

char *uds_addr_format(const struct sockaddr_un *addr, socklen_t len,
                      char *buf, size_t cap)
{
    size_t off = offsetof(struct sockaddr_un, sun_path);
    size_t n = (size_t)len > off ? (size_t)len - off : 0;
    char text[4 * sizeof addr->sun_path + 2]; /* every byte as \xNN, '@', NUL */
    size_t out = 0;

    if (cap == 0)
        return buf;
    if (n > sizeof addr->sun_path)
        n = sizeof addr->sun_path;
#ifndef __linux__
    /* Outside Linux an unnamed socket may come back as the full length
     * with sun_path all zero; on Linux that would be an abstract name. */
    if (n > 0 && addr->sun_path[0] == '\0') {
        size_t i = 1;
        while (i < n && addr->sun_path[i] == '\0')
            i++;
        if (i == n)
            n = 0;
    }
#endif
    if (n == 0) {
        snprintf(text, sizeof text, "(unnamed)");
    } else if (addr->sun_path[0] != '\0') {
        /* A pathname; the kernel may or may not count its NUL in len. */
        snprintf(text, sizeof text, "%.*s",
                 (int)strnlen(addr->sun_path, n), addr->sun_path);
    } else {
        /* Abstract: every byte after the first is part of the name. */
        text[out++] = '@';
        for (size_t i = 1; i < n; i++) {
            unsigned char c = (unsigned char)addr->sun_path[i];
            if (c >= 0x20 && c < 0x7f && c != '\\')
                text[out++] = (char)c;
            else
                out += (size_t)snprintf(text + out, sizeof text - out, "\\x%02x", c);
        }
        text[out] = '\0';
    }
    out = strlen(text);
    if (out < cap)
        memcpy(buf, text, out + 1);
    else if (cap > 3)
        snprintf(buf, cap, "%.*s...", (int)(cap - 4), text);
    else
        snprintf(buf, cap, "%.*s", (int)(cap - 1), text);
    return buf;
}

int uds_send_all(uds_socket_t s, const void *buf, size_t len)
{
    const char *p = buf;

    /* A stream socket may accept fewer bytes than asked: keep going. */
    while (len > 0) {
        long n = uds_send_some(s, p, len);
        if (n < 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int uds_recv_exact(uds_socket_t s, void *buf, size_t len, size_t *got)
{
    char *p = buf;
    size_t have = 0;
    int result = 1;

    /* One send() by the peer may arrive as several recv()s: keep going. */
    while (have < len) {
        long n = uds_recv_some(s, p + have, len - have);
        if (n <= 0) {
            result = (int)n; /* 0: end of stream, -1: error */
            break;
        }
        have += (size_t)n;
    }
    if (got != NULL)
        *got = have;
    return result;
}

void uds_frame_encode(unsigned char header[UDS_FRAME_HEADER], uint32_t len)
{
    /* Big-endian by hand: the same bytes whatever the CPU's byte order. */
    header[0] = (unsigned char)(len >> 24);
    header[1] = (unsigned char)(len >> 16);
    header[2] = (unsigned char)(len >> 8);
    header[3] = (unsigned char)len;
}

long uds_frame_decode(const unsigned char header[UDS_FRAME_HEADER], size_t max)
{
    uint32_t len = (uint32_t)header[0] << 24 | (uint32_t)header[1] << 16 |
                   (uint32_t)header[2] << 8 | (uint32_t)header[3];

    if (max > UDS_FRAME_MAX)
        max = UDS_FRAME_MAX;
    if (len > max) {
        uds_set_error(UDS_EMSGSIZE);
        return -1;
    }
    return (long)len;
}

int uds_frame_send(uds_socket_t s, const void *payload, size_t len)
{
    unsigned char header[UDS_FRAME_HEADER];

    if (len > UDS_FRAME_MAX) {
        uds_set_error(UDS_EMSGSIZE);
        return -1;
    }
    uds_frame_encode(header, (uint32_t)len);
    if (uds_send_all(s, header, sizeof header) != 0)
        return -1;
    return uds_send_all(s, payload, len);
}

int uds_frame_recv(uds_socket_t s, void *buf, size_t cap, size_t *len)
{
    unsigned char header[UDS_FRAME_HEADER];
    size_t got;
    long n;
    int r;

    r = uds_recv_exact(s, header, sizeof header, &got);
    if (r < 0)
        return -1;
    if (r == 0) {
        if (got == 0)
            return 0; /* a clean end between frames */
        uds_set_error(UDS_ECONNRESET);
        return -1;
    }
    n = uds_frame_decode(header, cap);
    if (n < 0)
        return -1;
    r = uds_recv_exact(s, buf, (size_t)n, &got);
    if (r < 0)
        return -1;
    if (r == 0) {
        uds_set_error(UDS_ECONNRESET);
        return -1;
    }
    *len = (size_t)n;
    return 1;
}
