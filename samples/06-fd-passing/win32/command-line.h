/* SPDX-License-Identifier: MIT */
/*
 * Building a Windows command line from an argv, for the Win32 workers of
 * chapter 06 (pass-worker and fdpass-worker), which start COMMAND [ARGS...]
 * with CreateProcess(): Windows passes a child one string, not an array.
 */
#ifndef COMMAND_LINE_H
#define COMMAND_LINE_H

#include <stddef.h>

/* The longest command line CreateProcess takes, its NUL included. */
#define COMMAND_LINE_MAX 32768

/* Append ARG to LINE (LEN bytes used, CAP in all), quoted so that the
 * child's C runtime splits it back unchanged.  0, or -1 if it would not fit. */
int append_arg(char *line, size_t cap, size_t *len, const char *arg);

/* LINE := every argument of ARGV (NULL-terminated), each quoted as above.
 * 0, or -1 when the line would not fit in CAP bytes. */
int build_command_line(char *line, size_t cap, char **argv);

#endif
