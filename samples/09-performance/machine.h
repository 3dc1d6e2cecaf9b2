/* SPDX-License-Identifier: MIT */
/*
 * machine.h: the description of the machine that uds-bench's figures come
 * from.  One file per platform: linux/machine.c, win32/machine.c.
 */
#ifndef MACHINE_H
#define MACHINE_H

#include <stdio.h>

/* `# ` lines that say which machine and system the figures come from. */
void describe_machine(FILE *out);

#endif
