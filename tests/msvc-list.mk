# SPDX-License-Identifier: MIT
# Read by build-msvc.test together with a directory's generated Makefile
# (make -f Makefile -f msvc-list.mk): what Automake builds there for the
# Win32 host, one line per program, "NAME: SOURCES.c|-lLIBS", sorted.
uds_canon = $(subst .,_,$(subst -,_,$(subst /,_,$(1))))
uds_win32_programs = $(patsubst %$(EXEEXT),%,$(filter win32/%,$(noinst_PROGRAMS) $(check_PROGRAMS)))
uds-msvc-list:
	@:; $(foreach p,$(uds_win32_programs),echo '$(notdir $(p)): $(sort $(filter %.c,$($(call uds_canon,$(p))_SOURCES)))|$(sort $(filter -l%,$(or $($(call uds_canon,$(p))_LDADD),$(LDADD))))';)
uds-msvc-lib:
	@echo '$(sort $(filter %.c,$(libuds_a_SOURCES)))'
.PHONY: uds-msvc-list uds-msvc-lib
