/* SPDX-License-Identifier: MIT */
/*
 * std-handles.h: the standard handles for a child started with a handle
 * list (pair-parent, chapter 05), a helper only Windows needs.
 */
#ifndef STD_HANDLES_H
#define STD_HANDLES_H

#include <windows.h>

/* Put inheritable copies of this process's standard input, output and
 * error into SI (with STARTF_USESTDHANDLES) and into LIST, each handle
 * once.  Returns how many went into LIST (at most 3): the caller closes
 * them after CreateProcess. */
int std_handles(STARTUPINFOA *si, HANDLE *list);

#endif
