/* SPDX-License-Identifier: MIT */
/*
 * settings.h: uds-bench's command line, the same on both platforms.
 */
#ifndef SETTINGS_H
#define SETTINGS_H

#include <stddef.h>

#define PROG "uds-bench"

#define USAGE "usage: " PROG " [--transport LIST] [--size LIST] [--test rtt|stream|both]" \
    " [--time SECONDS | --count N] [--warmup N] [--cpu any|one|two] [--short]" \
    " [--csv] [--note TEXT] [--list]"

#define MAX_ITEMS 16

struct settings {
    const char *transports[MAX_ITEMS], *placement, *note;
    size_t sizes[MAX_ITEMS];
    int ntransports, nsizes, csv;
    int tests;                  /* 1: round trip, 2: stream, 3: both */
    int explicit;               /* 1 if --transport chose the transports */
    long count, warmup;         /* count 0: run for `seconds` instead */
    double seconds;
};

/* Fill in s from the command line.  -1 to go on, or the exit status:
 * 0 after --help or --list, 2 after a usage error (printed). */
int settings_parse(int argc, char **argv, struct settings *s);

#endif
