/* SPDX-License-Identifier: MIT */
/*
 * machine.c (Windows): the machine and system the figures come from, for
 * the report's header (see machine.h).
 */
#include "machine.h"

#include <stdlib.h>
#include <windows.h>

void describe_machine(FILE *out)
{
    typedef const char *(__cdecl *wine_version_fn)(void);
    SYSTEM_INFO si;
    const char *cpu = getenv("PROCESSOR_IDENTIFIER");
    HMODULE ntdll = GetModuleHandleA("ntdll.dll");
    FARPROC wine = ntdll != NULL ? GetProcAddress(ntdll, "wine_get_version") : NULL;

    GetSystemInfo(&si);
    fprintf(out, "# machine: Windows, %lu CPUs, %s\n", (unsigned long)si.dwNumberOfProcessors,
            cpu != NULL ? cpu : "unknown CPU");
    /* Wine is not Windows: its figures say nothing about Windows' speed. */
    if (wine != NULL)
        fprintf(out, "# system: Wine %s on another system, NOT Windows: these are not "
                "Windows figures\n", ((wine_version_fn)(void (*)(void))wine)());
}
