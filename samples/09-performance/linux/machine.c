/* SPDX-License-Identifier: MIT */
/*
 * machine.c (Linux): the machine and system the figures come from, for
 * the report's header (see machine.h).
 */
#include "machine.h"

#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

void describe_machine(FILE *out)
{
    char line[256], model[200] = "unknown";
    struct utsname u;
    FILE *info = fopen("/proc/cpuinfo", "r");

    while (info != NULL && fgets(line, sizeof line, info) != NULL)
        if (strncmp(line, "model name", 10) == 0 && strchr(line, ':') != NULL) {
            snprintf(model, sizeof model, "%s", strchr(line, ':') + 2);
            model[strcspn(model, "\n")] = '\0';
            break;
        }
    if (info != NULL)
        fclose(info);
    if (uname(&u) != 0)
        strcpy(u.sysname, "Linux"), strcpy(u.release, "?"), strcpy(u.machine, "?");
    fprintf(out, "# machine: %s %s %s, %ld CPUs online, %s\n", u.sysname, u.release,
            u.machine, sysconf(_SC_NPROCESSORS_ONLN), model);
}
