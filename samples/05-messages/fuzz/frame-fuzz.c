/* SPDX-License-Identifier: MIT */
/*
 * frame-fuzz: a fuzz target for frame_read() (frame.c).
 *
 * The input is whatever a peer might send on a stream.  It is queued on
 * one end of a socket pair, that end is shut down, and frame_read() reads
 * frames from the other end until it stops.  Every result is compared
 * with a plain reading of the same bytes: a frame must come out exactly
 * as it went in, and the first bad frame must be reported as the right
 * error (EMSGSIZE with its length, ECONNRESET with the bytes that came).
 * Any difference, crash or sanitizer report is a finding.
 *
 * Built with clang -fsanitize=fuzzer (libFuzzer) by fuzz.test; replay.c
 * gives the same target a plain main() for gcc builds.
 */
#include "uds.h"
#include "frame.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FUZZ_MAX_INPUT 70000 /* one largest frame and a bit: fits the queue */

static unsigned char buf[FRAME_MAX];

static void finding(const char *what, size_t at)
{
    fprintf(stderr, "frame-fuzz: %s (frame at byte %zu)\n", what, at);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int sv[2], sndbuf = 1 << 20;

    if (size > FUZZ_MAX_INPUT || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        return 0;
    setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    /* Queue it all first (never block: an input that does not fit is skipped). */
    if (size > 0 && send(sv[1], data, size, MSG_DONTWAIT) != (long)size) {
        close(sv[0]);
        close(sv[1]);
        return 0;
    }
    shutdown(sv[1], SHUT_WR);

    for (size_t at = 0;;) {
        size_t len = (size_t)-1, left = size - at;
        int r = frame_read(sv[0], buf, &len);
        int err = uds_last_error();
        if (left == 0) {
            if (r != 0)
                finding("the end between frames is not reported as the end", at);
            break;
        }
        if (left < 4) {
            if (r != -1 || err != UDS_ECONNRESET || len != left)
                finding("a cut length is not ECONNRESET with its bytes", at);
            break;
        }
        uint32_t n = (uint32_t)data[at] << 24 | (uint32_t)data[at + 1] << 16
                   | (uint32_t)data[at + 2] << 8 | (uint32_t)data[at + 3];
        if (n > FRAME_MAX) {
            if (r != -1 || err != UDS_EMSGSIZE || len != n)
                finding("an oversized frame is not EMSGSIZE with its length", at);
            break;
        }
        if (left - 4 < n) {
            if (r != -1 || err != UDS_ECONNRESET || len != left)
                finding("a cut body is not ECONNRESET with its bytes", at);
            break;
        }
        if (r != 1 || len != n || memcmp(buf, data + at + 4, n) != 0)
            finding("a whole frame does not come out as it went in", at);
        at += 4 + n;
    }
    close(sv[0]);
    close(sv[1]);
    return 0;
}
