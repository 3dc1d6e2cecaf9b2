/* SPDX-License-Identifier: MIT */
/*
 * peer-token.c (Windows): chapter 04's token.c, compiled into chapter 06's
 * Win32 programs, so that the kit has one copy of the code that reads a
 * process's user (common.c's check of who connected to the worker).
 */
#include "../../04-security/win32/token.c"
