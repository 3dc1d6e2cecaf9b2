# Sourced by solutions/*/starter.test: proves that an exercise's test can
# fail, by running it on the untouched starter code, which must fail it.
. "$UDS_TOP_SRCDIR/tests/kit.sh"

# starter_check CHAPTER PROGRAM
starter_check() {
    ex=$UDS_TOP_SRCDIR/exercises/$1
    prog=$2
    # Once a student has edited the exercise, it is no longer the starter.
    if ! (cd "$ex" && sha256sum --check --status starter.sha256); then
        skip_all "exercises/$1/$prog.c differs from starter.sha256 (edited), so it is not the starter code any more"
    fi
    # shellcheck disable=SC2086 # the flags are lists of words
    $UDS_CC $UDS_CFLAGS -o "$T/$prog" "$ex/$prog.c" $UDS_LDFLAGS $UDS_LIBS >"$T/cc.out" 2>&1
    rc=$?
    check "the untouched starter compiles without a warning" eval 'status 0 && test ! -s "$T/cc.out"'
    [ $rc -eq 0 ] || { diag "$(cat "$T/cc.out")"; done_testing; }

    UDS_EXERCISE_PROGRAM=$T/$prog ${SHELL:-/bin/sh} "$ex/exercise.test" >"$T/ex.tap" 2>&1
    total=$(grep -cE '^(not )?ok ' "$T/ex.tap")
    fails=$(grep -c '^not ok ' "$T/ex.tap")
    check "the exercise test fails on the untouched starter ($fails of $total checks fail)" \
        test "$fails" -gt 0
    check "... and it ran to the end (no bail-out)" grep -Eq '^1\.\.[1-9]' "$T/ex.tap"
    # A chapter may ask for more: that every single check fails on the starter.
    if [ "${UDS_STARTER_ALL_FAIL:-}" = 1 ]; then
        check "... every one of its checks fails on the starter" test "$fails" -eq "$total"
    fi
    diag "failing on the starter, as they should:" "$(grep '^not ok ' "$T/ex.tap")"
    done_testing
}
