/* SPDX-License-Identifier: MIT */
/* Private to lib/: what the platform parts give the shared part. */
#ifndef UDS_INTERNAL_H
#define UDS_INTERNAL_H

#include <stddef.h>

/* An error code and its symbolic name. */
struct uds_error_entry {
    int code;
    const char *name;
};

/* Each platform part defines its own table, ended by { 0, NULL }. */
extern const struct uds_error_entry uds_error_table[];

/* Storage of one per thread: C11's _Thread_local; MSVC's cl (even with
 * /std:c11) spells it __declspec(thread). */
#if defined(_MSC_VER) && !defined(__clang__)
#define UDS_THREAD_LOCAL __declspec(thread)
#else
#define UDS_THREAD_LOCAL _Thread_local
#endif

/* The platform's own text for an error code, without a trailing newline. */
void uds_system_text(int err, char *buf, size_t cap);

#endif
