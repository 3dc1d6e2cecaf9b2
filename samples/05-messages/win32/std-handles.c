/* SPDX-License-Identifier: MIT */
/*
 * std-handles.c (Windows only): the standard handles for a child started
 * with a handle list (see std-handles.h).  Linux needs nothing of the
 * kind: a child inherits its descriptors 0, 1 and 2 as they are.
 */
#include "std-handles.h"

/* A handle list limits everything the child inherits, its standard handles
 * too: without them in the list and STARTF_USESTDHANDLES, what the child
 * gets differs between Windows versions, and under Wine its errors missed
 * a parent's stderr that was a file.  So each valid one is duplicated as
 * inheritable (ours stay as they are), once (a handle twice in the list
 * makes CreateProcess fail), into SI and LIST; returns how many, for the
 * caller to close after CreateProcess. */
int std_handles(STARTUPINFOA *si, HANDLE *list)
{
    HANDLE *slot[3] = { &si->hStdInput, &si->hStdOutput, &si->hStdError };
    HANDLE ours[3] = { GetStdHandle(STD_INPUT_HANDLE), GetStdHandle(STD_OUTPUT_HANDLE),
                       GetStdHandle(STD_ERROR_HANDLE) };
    HANDLE self = GetCurrentProcess();
    int n = 0;

    si->dwFlags |= STARTF_USESTDHANDLES;
    for (int i = 0; i < 3; i++) {
        *slot[i] = NULL;
        for (int j = 0; j < i; j++)
            if (ours[j] == ours[i])
                *slot[i] = *slot[j]; /* stdout and stderr are often one */
        if (*slot[i] == NULL && ours[i] != NULL && ours[i] != INVALID_HANDLE_VALUE
            && DuplicateHandle(self, ours[i], self, slot[i], 0, TRUE, DUPLICATE_SAME_ACCESS))
            list[n++] = *slot[i];
    }
    return n;
}
