#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# grade.sh: grades every exercise of a submission with the instructor's
# copy of the kit, and writes the results in three forms:
#   OUT/results.json  Gradescope's autograder format (tests[], score)
#   OUT/junit.xml     JUnit XML, one test case per check
#   OUT/table.txt     the table printed at the end (exercise, checks, points)
#   OUT/logs/NN-name.log  the compiler's output and the test's TAP output
#
# usage: grade.sh --kit SRCDIR --build BUILDDIR [--submission DIR] [--out DIR]
#
#   --kit         the instructor's source tree: exercises/NN-name/exercise.test
#                 and starter.sha256 are read from here, never from the
#                 submission (a student's edited test does not count).
#   --build       a native build of that tree (configured and `make`d).
#   --submission  where the student's files are: a clone of the student's
#                 repository (exercises/NN-name/FILE.c) or a flat directory
#                 of files (FILE.c).  Default: the kit itself.
#   --out         where the results go (emptied first).  Default: ./grade-results
#
# An exercise is found by convention: a directory exercises/NN-name/ with
# exercise.test and starter.sha256.  The student's files are the ones
# starter.sha256 names; the program is built from them and named after the
# first one (echo-client.c gives ./echo-client); the test runs on it through
# UDS_EXERCISE_PROGRAM.  New chapters need no change here.
#
# Environment (set by `make grade`; all optional):
#   GRADE_CC, GRADE_CPPFLAGS, GRADE_CFLAGS, GRADE_LIBS  how to compile
#                 (the kit's flags without -Werror: a student's warnings are
#                 shown, never a compile failure)
#   GRADE_POINTS  points per exercise, default 10; or per exercise as
#                 "01-first-socket=20 02-addresses=10" (others get 10)
#   GRADE_WARNING_PENALTY  points taken off an exercise that compiles with
#                 warnings, default 0 (the warnings are shown either way)
#   GRADE_TIMEOUT seconds one exercise's whole test may take, default 300
#   GRADE_NPROC   most processes the student's code may have, default 64
#   GRADE_UID     when run as root, the uid the student's code runs as,
#                 default 65534 (nobody); RLIMIT_NPROC does not bind root.
#                 Where PID namespaces are not available, the clean-up after
#                 each exercise kills every process of this uid: then give
#                 one that nothing else uses.
#   GRADE_ONLY    grade only these exercises ("02-addresses 03-lifecycle")
#   GRADE_STRICT  when 1, exit with status 1 unless every exercise graded
#                 has full points (GitHub Classroom's command grader scores
#                 a step by its exit status)
# Exit status: 0 when the results were written (whatever the score), 1 when
# grading could not be done (or GRADE_STRICT=1 and points were lost), 2 usage.
set -u
export LC_ALL=C

usage() { echo "usage: grade.sh --kit SRCDIR --build BUILDDIR [--submission DIR] [--out DIR]" >&2; exit 2; }
kit= build= sub= out=grade-results
while [ $# -gt 0 ]; do
    case $1 in
        --kit) kit=${2:-}; shift 2 ;;
        --build) build=${2:-}; shift 2 ;;
        --submission) sub=${2:-}; shift 2 ;;
        --out) out=${2:-}; shift 2 ;;
        *) usage ;;
    esac
done
[ -n "$kit" ] && [ -n "$build" ] || usage
[ -n "$sub" ] || sub=$kit
abs() { (cd "$1" 2>/dev/null && pwd -P); }
kit=$(abs "$kit") || { echo "grade.sh: no kit at $kit" >&2; exit 1; }
build=$(abs "$build") || { echo "grade.sh: no build at $build" >&2; exit 1; }
sub=$(abs "$sub") || { echo "grade.sh: no submission at $sub" >&2; exit 1; }
[ -f "$build/lib/libuds.a" ] || { echo "grade.sh: $build is not a build of the kit (no lib/libuds.a): run make first" >&2; exit 1; }
grep -q "^UDS_PLATFORM = posix" "$build/Makefile" 2>/dev/null ||
    { echo "grade.sh: the exercises are for Linux: grade with a native Linux build, not $build" >&2; exit 1; }

cc=${GRADE_CC:-cc}
cppflags=${GRADE_CPPFLAGS:--I$kit/lib -D_GNU_SOURCE}
cflags=${GRADE_CFLAGS:--std=c11 -Wall -Wextra -g -O2}
libs=${GRADE_LIBS:-$build/lib/libuds.a}
timeout_s=${GRADE_TIMEOUT:-300}
nproc=${GRADE_NPROC:-64}
penalty=${GRADE_WARNING_PENALTY:-0}
uid=${GRADE_UID:-65534}

mkdir -p "$out" && out=$(abs "$out") || { echo "grade.sh: cannot create $out" >&2; exit 1; }
# Results are from this run only: nothing of an earlier one survives.
rm -rf "$out/logs" "$out/results.json" "$out/junit.xml" "$out/table.txt"
mkdir -p "$out/logs"

# --- the sandbox ---------------------------------------------------------
# As root: the student's code (its compilation too) runs as $uid, so it can
# neither write the kit nor the results, with RLIMIT_NPROC set (which binds
# any uid but root); in new PID, mount and network namespaces when the
# system allows it, so that every process it left behind dies with it.
# Not root: only the process limit (counted over all the user's processes)
# and a process group; grade as root for a grade that counts.
is_root=no; [ "$(id -u)" -eq 0 ] && is_root=yes
use_ns=no
if [ $is_root = yes ]; then
    command -v setpriv >/dev/null || { echo "grade.sh: running as root needs setpriv (util-linux) to drop to uid $uid" >&2; exit 1; }
    unshare --pid --fork --mount-proc --net true 2>/dev/null && use_ns=yes
fi
# The student's code runs as $uid: it must read the kit and its build.
if [ $is_root = yes ]; then
    for f in "$kit/tests/kit.sh" "$build/lib/libuds.a"; do
        setpriv --reuid="$uid" --regid="$uid" --clear-groups test -r "$f" || {
            echo "grade.sh: uid $uid cannot read $f: the kit and its build must be readable by others (chmod -R a+rX), outside a private home directory" >&2
            exit 1
        }
    done
fi
mode="uid $uid, at most $nproc processes"
[ $is_root = yes ] || mode="as $(id -un) (not root: a process limit only)"
[ $use_ns = yes ] && mode="$mode, private PID and network namespaces"

# as_student DIR SECONDS COMMAND...: run COMMAND in DIR as the student's
# code runs, stopped after SECONDS (the time limit is outside the sandbox:
# nothing in it can kill it).
as_student() {
    local dir=$1 secs=$2; shift 2
    local lim=$nproc
    if [ $is_root = yes ]; then
        local pre=()
        [ $use_ns = yes ] && pre=(unshare --pid --fork --mount-proc --net)
        (cd "$dir" && exec timeout -k 5 "$secs" "${pre[@]}" prlimit --nproc="$lim" --fsize=$((256 * 1024 * 1024)) --core=0 \
            setpriv --reuid="$uid" --regid="$uid" --clear-groups --inh-caps=-all --bounding-set=-all \
            env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$dir" TMPDIR="$dir" LANG=C.UTF-8 \
            "${envs[@]}" "$@")
    else
        lim=$(( $(ps -L -u "$(id -u)" -o lwp= | wc -l) + nproc ))
        (cd "$dir" && exec timeout -k 5 "$secs" prlimit --nproc="$lim" --core=0 \
            env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$dir" TMPDIR="$dir" LANG=C.UTF-8 \
            "${envs[@]}" "$@")
    fi
}
# sweep: end every process the student's code left.  In a PID namespace
# they all died with it; without one (as root), every process of $uid is
# killed: so then $uid must be one that nothing else on the machine uses.
sweep() {
    [ $is_root = yes ] && [ $use_ns = no ] || return 0
    local i
    for i in 1 2 3 4 5 6 7 8 9 10; do
        setpriv --reuid="$uid" --regid="$uid" --clear-groups kill -KILL -1 2>/dev/null || break
    done
}

# --- output helpers --------------------------------------------------------
json_str() { # a JSON string, valid UTF-8, at most 8000 bytes
    printf '%s' "$1" | head -c 8000 | iconv -c -f UTF-8 -t UTF-8 | awk '
        BEGIN { ORS = ""; print "\"" }
        { gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); gsub(/\t/, "\\t"); gsub(/\r/, "");
          gsub(/[\001-\037\177]/, "?"); if (NR > 1) print "\\n"; print }
        END { print "\"" }'
}
xml_str() {
    printf '%s' "$1" | head -c 8000 | iconv -c -f UTF-8 -t UTF-8 |
        sed -e 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g; s/"/\&quot;/g' | tr -d '\000-\010\013\014\016-\037'
}
num() { awk -v x="$1" 'BEGIN { s = sprintf("%.2f", x); sub(/\.?0+$/, "", s); print s }'; }

json_tests=()           # one JSON object per check
junit=""                 # test suites
total_score=0 total_max=0
table=$(printf '%-24s %9s %14s  %s' exercise checks points notes)

# add_test EXERCISE NAME SCORE MAX OUTPUT STATUS(pass|fail|skip)
junit_cases="" junit_n=0 junit_fail=0
add_test() {
    json_tests+=("{\"name\": $(json_str "$1: $2"), \"score\": $(num "$3"), \"max_score\": $(num "$4"), \"output\": $(json_str "$5")}")
    junit_n=$((junit_n + 1))
    junit_cases="$junit_cases    <testcase classname=\"$(xml_str "$1")\" name=\"$(xml_str "$2")\">"
    case $6 in
        fail) junit_fail=$((junit_fail + 1))
              junit_cases="$junit_cases<failure message=\"$(xml_str "$(printf '%s' "$5" | head -n 1)")\">$(xml_str "$5")</failure>" ;;
        skip) junit_cases="$junit_cases<skipped message=\"$(xml_str "$5")\"/>" ;;
    esac
    junit_cases="$junit_cases</testcase>
"
}

points_for() { # points_for NAME: this exercise's points
    local p=${GRADE_POINTS:-10} w
    case $p in *=*) ;; *) echo "$p"; return ;; esac
    for w in $p; do [ "${w%%=*}" = "$1" ] && { echo "${w#*=}"; return; }; done
    echo 10
}

# --- one exercise ------------------------------------------------------------
grade_one() {
    local ex=$1 dir=$kit/exercises/$1 pts files prog f src scratch log
    pts=$(points_for "$ex")
    log=$out/logs/$ex.log
    files=$(awk 'NF >= 2 { sub(/^\*/, "", $2); print $2 }' "$dir/starter.sha256")
    prog=$(printf '%s\n' "$files" | head -n 1); prog=${prog%.c}
    junit_cases="" junit_n=0 junit_fail=0
    local t0; t0=$(date +%s)

    scratch=$(mktemp -d "${TMPDIR:-/tmp}/grade.XXXXXX") || { echo "grade.sh: mktemp failed" >&2; exit 1; }
    chmod 755 "$scratch"
    mkdir "$scratch/src" "$scratch/run"
    # The student's files, copied: regular files only (a symbolic link could
    # make the grader read something that is not the student's).
    local missing=""
    for f in $files; do
        src=$sub/exercises/$ex/$f
        [ -e "$src" ] || [ -L "$src" ] || src=$sub/$f
        # ... and inside the submission (no directory link out of it either).
        case $(realpath -e -- "$src" 2>/dev/null) in "$sub"/*) ;; *) src= ;; esac
        if [ -n "$src" ] && [ -f "$src" ] && [ ! -L "$src" ]; then
            cp -- "$src" "$scratch/src/$f"
        else
            missing="$missing $f"
        fi
    done
    [ $is_root = yes ] && chown -R "$uid:$uid" "$scratch"

    # The test's helper programs (the chapter's servers, test peers), built
    # by the instructor's build as its Makefile says: the prerequisites of
    # exercise.log, without running the test.
    local prep_ok=yes
    make -s -C "$build/exercises/$ex" exercise.log TEST_LOG_DRIVER=: >"$scratch/prep.out" 2>&1 || prep_ok=no

    local envs=(UDS_TOP_SRCDIR="$kit" UDS_TOP_BUILDDIR="$build" UDS_SRCDIR="$dir" UDS_BUILDDIR="$scratch/run"
                UDS_EXERCISE_SRCDIR="$scratch/src"
                UDS_PLATFORM=posix UDS_EXEEXT= UDS_RUN= UDS_EXERCISE_PROGRAM="$scratch/$prog")
    # A slower machine may give each run of the test more time.
    [ -n "${UDS_TIMEOUT:-}" ] && envs+=(UDS_TIMEOUT="$UDS_TIMEOUT")

    # Compile, as the student's code.
    local ccrc=1 warnings=0
    : >"$scratch/cc.out"
    if [ -n "$missing" ]; then
        echo "missing in the submission:$missing (looked in exercises/$ex/ and at the top)" >"$scratch/cc.out"
    else
        # shellcheck disable=SC2086 # flag lists are words
        as_student "$scratch" 120 $cc $cppflags $cflags -o "$scratch/$prog" "$scratch"/src/*.c $libs \
            >"$scratch/cc.out" 2>&1 </dev/null
        ccrc=$?
        warnings=$(grep -c 'warning:' "$scratch/cc.out")
    fi
    { echo "== compiling $files"; cat "$scratch/cc.out"; } >"$log"

    local passed=0 total=0 notes="" score=0
    if [ $prep_ok = no ]; then
        notes="the kit's helper programs did not build (not the student's fault)"
        add_test "$ex" "the kit built the test's helper programs" 0 "$pts" "$(cat "$scratch/prep.out")" fail
        cat "$scratch/prep.out" >>"$log"
    elif [ $ccrc -ne 0 ] || [ ! -x "$scratch/$prog" ]; then
        notes="does not compile"
        add_test "$ex" "compiles" 0 "$pts" "$(head -c 4000 "$scratch/cc.out")" fail
    else
        # Run the instructor's test on the student's program.
        local trc
        as_student "$scratch/run" "$timeout_s" bash "$dir/exercise.test" \
            >"$scratch/ex.tap" 2>"$scratch/ex.err" </dev/null
        trc=$?
        sweep
        { echo "== running exercises/$ex/exercise.test (exit status $trc)"; cat "$scratch/ex.tap"
          [ -s "$scratch/ex.err" ] && { echo "== its standard error"; cat "$scratch/ex.err"; }; } >>"$log"
        # The checks: "ok N - desc" / "not ok N - desc", then "# ..." lines.
        local planned complete=yes line n=0 desc status outtxt
        planned=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' "$scratch/ex.tap" | tail -n 1)
        [ -n "$planned" ] || complete=no
        local checks=() states=() outputs=()
        while IFS= read -r line; do
            case $line in
                "ok "*|"not ok "*)
                    desc=$(printf '%s' "$line" | sed -E 's/^(not )?ok [0-9]+ *-? *//')
                    case $line in
                        *"# SKIP"*|*"# skip"*) status=skip; desc=${desc%%# [Ss][Kk][Ii][Pp]*} ;;
                        "not ok"*) status=fail ;;
                        *) status=pass ;;
                    esac
                    checks+=("$desc"); states+=("$status"); outputs+=("") ;;
                "#"*)
                    n=${#checks[@]}
                    [ "$n" -gt 0 ] && outputs[n-1]="${outputs[n-1]}${line#\# }
" ;;
                "Bail out!"*) complete=no; notes="the test stopped: ${line#Bail out! }" ;;
            esac
        done <"$scratch/ex.tap"
        local i
        for i in "${!checks[@]}"; do
            [ "${states[i]}" = skip ] && continue
            total=$((total + 1))
            [ "${states[i]}" = pass ] && passed=$((passed + 1))
        done
        local why=""
        if [ $complete = no ]; then
            if [ $trc -eq 124 ] || [ $trc -eq 137 ]; then
                why="time-out: the test was stopped after ${timeout_s} s (a program that never ends?)"
            elif [ -z "$notes" ]; then
                why="the test ended early (exit status $trc) without its plan"
            else
                why=$notes
            fi
            notes=$why
            total=$((total + 1)) # the check that it ran to the end, failed
        fi
        local each; each=$(awk -v p="$pts" -v t="$total" 'BEGIN { print (t ? p / t : 0) }')
        for i in "${!checks[@]}"; do
            case ${states[i]} in
                pass) add_test "$ex" "${checks[i]}" "$each" "$each" "${outputs[i]}" pass ;;
                fail) add_test "$ex" "${checks[i]}" 0 "$each" "${outputs[i]}" fail ;;
                skip) add_test "$ex" "${checks[i]}" 0 0 "skipped: ${outputs[i]}" skip ;;
            esac
        done
        if [ $complete = no ]; then
            add_test "$ex" "the test ran to the end" 0 "$each" "$why
$(tail -n 20 "$scratch/ex.err")" fail
        elif [ "$total" -eq 0 ]; then
            notes="the test has no checks"
        fi
        score=$(awk -v p="$pts" -v a="$passed" -v t="$total" 'BEGIN { print (t ? p * a / t : 0) }')
        if [ "$warnings" -gt 0 ]; then
            notes="${notes:+$notes; }$warnings compiler warning(s)"
            if [ "$(num "$penalty")" != 0 ]; then
                score=$(awk -v s="$score" -v p="$penalty" 'BEGIN { s -= p; print (s < 0 ? 0 : s) }')
            fi
            add_test "$ex" "compiles without warnings" 0 0 "$(grep -A3 'warning:' "$scratch/cc.out" | head -c 4000)" fail
        fi
    fi
    # Every process the student's code started ends here, and its scratch copy goes.
    sweep
    rm -rf "$scratch"

    total_score=$(awk -v a="$total_score" -v b="$score" 'BEGIN { print a + b }')
    total_max=$(awk -v a="$total_max" -v b="$pts" 'BEGIN { print a + b }')
    table="$table
$(printf '%-24s %9s %14s  %s' "$ex" "$passed/$total" "$(num "$score")/$(num "$pts")" "$notes")"
    junit="$junit  <testsuite name=\"$(xml_str "$ex")\" tests=\"$junit_n\" failures=\"$junit_fail\" time=\"$(( $(date +%s) - t0 ))\">
$junit_cases  </testsuite>
"
    printf '%-24s %9s %14s  %s\n' "$ex" "$passed/$total" "$(num "$score")/$(num "$pts")" "$notes" >&2
}

# --- every exercise, by convention --------------------------------------------
echo "grading $sub with the tests of $kit ($mode)" >&2
found=0
for d in "$kit"/exercises/*/; do
    ex=$(basename "$d")
    [ -f "$d/exercise.test" ] && [ -f "$d/starter.sha256" ] || continue
    if [ -n "${GRADE_ONLY:-}" ]; then
        case " $GRADE_ONLY " in *" $ex "*) ;; *) continue ;; esac
    fi
    found=$((found + 1))
    grade_one "$ex"
done
[ $found -gt 0 ] || { echo "grade.sh: no exercise found in $kit/exercises" >&2; exit 1; }

table="$table
$(printf '%-24s %9s %14s' total "" "$(num "$total_score")/$(num "$total_max")")"
printf '%s\n' "$table" >"$out/table.txt"

{
    echo "{"
    echo "  \"score\": $(num "$total_score"),"
    echo "  \"output\": $(json_str "Graded by afunix-kit's grading/grade.sh with the instructor's tests ($mode).
$table"),"
    echo "  \"visibility\": \"visible\","
    echo "  \"tests\": ["
    n=${#json_tests[@]}
    for i in "${!json_tests[@]}"; do
        sep=,; [ $((i + 1)) -eq "$n" ] && sep=
        echo "    ${json_tests[i]}$sep"
    done
    echo "  ]"
    echo "}"
} >"$out/results.json"
{
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo "<testsuites name=\"afunix-kit exercises\">"
    printf '%s' "$junit"
    echo "</testsuites>"
} >"$out/junit.xml"

echo
cat "$out/table.txt"
echo
echo "results: $out/results.json (Gradescope), $out/junit.xml (JUnit), logs in $out/logs/"
if [ "${GRADE_STRICT:-0}" = 1 ] && [ "$(num "$total_score")" != "$(num "$total_max")" ]; then
    exit 1
fi
exit 0
