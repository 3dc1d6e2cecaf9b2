# SPDX-License-Identifier: MIT
# Sourced by solutions/*/starter.test: proves that an exercise's test can
# fail, by running it on the untouched starter code, which must fail it.
. "$UDS_TOP_SRCDIR/tests/kit.sh"

# starter_check CHAPTER PROGRAM [KNOWN]
# Every check must fail on the starter, except those whose description says
# "free point" (the exercise explains why).  KNOWN, when given, names a
# known exception being worked on: that check is then reported as a TAP
# TODO (seen, not failing the kit's make check) with KNOWN as its reason.
starter_check() {
    ex=$UDS_TOP_SRCDIR/exercises/$1
    prog=$2
    known=${3:-}
    # Under a checker (UDS_WRAP, valgrind) the starter's failing checks are
    # the plain build's: a starter that hangs costs the checker's slower
    # time-outs, and it proves nothing about the kit's own code.
    [ -z "${UDS_WRAP:-}" ] ||
        skip_all "under UDS_WRAP: that every check fails on the starter is proved in the plain build"
    # Once a student has edited the exercise, it is no longer the starter.
    if ! (cd "$ex" && sha256sum --check --status starter.sha256); then
        skip_all "exercises/$1/$prog.c differs from starter.sha256 (edited), so it is not the starter code any more"
    fi
    # shellcheck disable=SC2086 # the flags are lists of words
    $UDS_CC $UDS_CFLAGS -o "$T/$prog" "$ex/$prog.c" $UDS_LDFLAGS $UDS_LIBS >"$T/cc.out" 2>&1
    rc=$?
    check "the untouched starter compiles without a warning" eval 'status 0 && test ! -s "$T/cc.out"'
    [ $rc -eq 0 ] || { diag "$(cat "$T/cc.out")"; done_testing; }

    UDS_EXERCISE_PROGRAM=$T/$prog UDS_EXERCISE_SRCDIR=$ex UDS_EXERCISE_SOURCE=$ex/$prog.c \
        ${SHELL:-/bin/sh} "$ex/exercise.test" >"$T/ex.tap" 2>&1
    total=$(grep -cE '^(not )?ok ' "$T/ex.tap")
    fails=$(grep -c '^not ok ' "$T/ex.tap")
    check "the exercise test fails on the untouched starter ($fails of $total checks fail)" \
        test "$fails" -gt 0
    check "... and it ran to the end (no bail-out)" grep -Eq '^1\.\.[1-9]' "$T/ex.tap"
    free=$(grep '^ok ' "$T/ex.tap" | grep -v 'free point')
    if [ -z "$free" ]; then
        ok "every check fails on the starter, except those the exercise calls a free point"
    else
        tap_n=$((tap_n + 1))
        echo "not ok $tap_n - every check fails on the starter, except those the exercise calls a free point${known:+ # TODO $known}"
        diag "passing on the untouched starter, and not called a free point:" "$free"
    fi
    diag "failing on the starter, as they should:" "$(grep '^not ok ' "$T/ex.tap")"
    done_testing
}
