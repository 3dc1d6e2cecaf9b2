/* SPDX-License-Identifier: MIT */
/*
 * settings.c: uds-bench's command line.  Every option has a default, so
 * that `uds-bench` alone runs the whole matrix for about a second per
 * measurement; --short is the few messages a test needs to see every
 * transport work, and says nothing about speed.
 */
#include "settings.h"
#include "transport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(void)
{
    fprintf(stderr, "%s\n", USAGE);
    return 2;
}

/* "1,64,4k,1m": message sizes, 1 byte to 16 MiB. */
static int parse_sizes(char *list, struct settings *s)
{
    for (char *w = strtok(list, ","); w != NULL; w = strtok(NULL, ",")) {
        char *end;
        unsigned long v = strtoul(w, &end, 10);

        v <<= *end == 'k' ? 10 : *end == 'm' ? 20 : 0;
        end += *end == 'k' || *end == 'm';
        if (*end != '\0' || v < 1 || v > 16ul << 20 || s->nsizes == MAX_ITEMS)
            return -1;
        s->sizes[s->nsizes++] = v;
    }
    return s->nsizes > 0 ? 0 : -1;
}

static int parse_transports(char *list, struct settings *s)
{
    s->ntransports = 0, s->explicit = 1;
    for (char *w = strtok(list, ","); w != NULL; w = strtok(NULL, ",")) {
        if (!transport_known(w) || s->ntransports == MAX_ITEMS) {
            fprintf(stderr, PROG ": unknown transport %s (see --list)\n", w);
            return -1;
        }
        s->transports[s->ntransports++] = w;
    }
    return s->ntransports > 0 ? 0 : -1;
}

static int parse(int argc, char **argv, struct settings *s)
{
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        char *end = NULL;

        if (strcmp(opt, "--csv") == 0) { s->csv = 1; continue; }
        if (strcmp(opt, "--short") == 0) { s->count = 20, s->warmup = 3; continue; }
        if (strcmp(opt, "--list") == 0) {
            for (const char *const *t = transport_names; *t != NULL; t++)
                printf("%s\n", *t);
            return 0;
        }
        if (val == NULL || opt[0] != '-')
            return usage();
        i++;
        if (strcmp(opt, "--transport") == 0 && parse_transports(argv[i], s) == 0) continue;
        if (strcmp(opt, "--size") == 0 && parse_sizes(argv[i], s) == 0) continue;
        if (strcmp(opt, "--cpu") == 0 && (!strcmp(val, "any") || !strcmp(val, "one") ||
                                         !strcmp(val, "two"))) { s->placement = val; continue; }
        if (strcmp(opt, "--note") == 0) { s->note = val; continue; }
        if (strcmp(opt, "--test") == 0) {
            s->tests = !strcmp(val, "rtt") ? 1 : !strcmp(val, "stream") ? 2 :
                       !strcmp(val, "both") ? 3 : 0;
            if (s->tests != 0) continue;
        }
        if (strcmp(opt, "--time") == 0) {
            s->seconds = strtod(val, &end), s->count = 0;
            if (*end == '\0' && s->seconds >= 0.001 && s->seconds <= 3600) continue;
        }
        if (strcmp(opt, "--count") == 0 || strcmp(opt, "--warmup") == 0) {
            long v = strtol(val, &end, 10);
            if (*end == '\0' && v >= (opt[2] == 'c') && v <= 1000000) {
                *(opt[2] == 'c' ? &s->count : &s->warmup) = v;
                continue;
            }
        }
        return usage();
    }
    return -1;
}

int settings_parse(int argc, char **argv, struct settings *s)
{
    static const char *const known[] = { "--transport", "--size", "--test", "--time",
        "--count", "--warmup", "--cpu", "--short", "--csv", "--note", "--list", NULL };
    static char default_sizes[] = "1,64,1k,4k,64k,1m";
    int rc = uds_options(PROG, argc, argv, known, USAGE);

    if (rc >= 0)
        return rc;
    *s = (struct settings){ .placement = "any", .tests = 3, .seconds = 1, .warmup = 100 };
    for (int i = 0; transport_names[i] != NULL; i++)
        s->transports[s->ntransports++] = transport_names[i];
    rc = parse(argc, argv, s);
    if (rc < 0 && s->nsizes == 0)
        parse_sizes(default_sizes, s);
    return rc;
}

