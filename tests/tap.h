/* SPDX-License-Identifier: MIT */
/* A few lines of TAP (Test Anything Protocol) for the kit's C tests. */
#ifndef UDS_TAP_H
#define UDS_TAP_H

#include <stdarg.h>
#include <stdio.h>
#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#endif

static int tap_count;

/* Call first: Windows would otherwise write "\r\n", which TAP readers reject. */
static inline void tap_start(void)
{
#ifdef _WIN32
    _setmode(_fileno(stdout), _O_BINARY);
#endif
    setvbuf(stdout, NULL, _IONBF, 0);
}

/* Report one test; returns cond so a caller can stop early on failure. */
static inline int tap_ok(int cond, const char *fmt, ...)
{
    va_list ap;

    printf("%s %d - ", cond ? "ok" : "not ok", ++tap_count);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    return cond;
}

static inline void tap_diag(const char *fmt, ...)
{
    va_list ap;

    printf("# ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

/* Print the plan last: the TAP driver counts what it saw against it. */
static inline int tap_done(void)
{
    printf("1..%d\n", tap_count);
    return 0;
}

static inline int tap_skip_all(const char *why)
{
    printf("1..0 # SKIP %s\n", why);
    return 0;
}

#endif
