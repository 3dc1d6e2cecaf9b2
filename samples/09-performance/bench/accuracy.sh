#!/bin/sh
# SPDX-License-Identifier: MIT
# accuracy.sh: does uds-bench measure what it says?  Runs it interleaved
# with two independent minimal programs (bench/mini-pingpong.c and
# bench/mini-stream.c, which share no code with it) on the same transports,
# with the same CPU placement, and prints the medians side by side and
# whether they agree within 15 %.  A benchmark, not a test: a busy machine
# may make them disagree, and that is reported, never failed.  It fails
# (status 1) only when a program did not work.
#
# usage: accuracy.sh UDS_BENCH [MINI_DIR]
#   UDS_BENCH  the uds-bench program to check (linux/uds-bench)
#   MINI_DIR   where mini-pingpong and mini-stream are built (default: the
#              directory of this script's build, ./bench)
# Environment: ACCURACY_ROUNDS (runs of each, interleaved; default 9),
#   ACCURACY_COUNT (round trips per run; default 20000), ACCURACY_MIB
#   (MiB streamed per run; default 256), ACCURACY_CPUS (placements; "1 2").
set -u
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: accuracy.sh UDS_BENCH [MINI_DIR]" >&2; exit 2; }
UDS_BENCH=$1
MINI=${2:-bench}
ROUNDS=${ACCURACY_ROUNDS:-9}
COUNT=${ACCURACY_COUNT:-20000}
MIB=${ACCURACY_MIB:-256}
CPUS_LIST=${ACCURACY_CPUS:-1 2}
TOLERANCE=15 # percent

# ============================================================================
# uds-bench's command line: THE ONE PLACE TO ADJUST when its options change.
#   ub_rtt TRANSPORT CPUS     prints the p50 of 64-byte round trips, in us
#   ub_stream TRANSPORT CPUS  prints the MB/s of a stream of 64 KiB writes
# CPUS is 1 (both ends on one CPU) or 2 (one CPU each), as for the minimal
# programs; uds-bench says --cpu one or --cpu two (both take the first one
# or two CPUs this process may use, so the same CPUs).
# Its CSV columns: transport,test,size,count,p50_us,p90_us,p99_us,p999_us,
# max_us,mb_per_s,msgs_per_s, after '#' lines; a round-trip row leaves
# mb_per_s empty, a stream row the percentiles.  Both count MB as 10^6
# bytes (uds-bench's '# ... MB = 10^6 bytes' line, mini-stream's header).
# The warm-ups match the minimal programs': 1000 round trips, 32 MiB.
ub_cpu() { if [ "$1" = 1 ]; then echo one; else echo two; fi; }
ub_rtt() {
    "$UDS_BENCH" --csv --transport "$1" --test rtt --size 64 --cpu "$(ub_cpu "$2")" \
        --count "$COUNT" --warmup 1000 |
        awk -F, -v t="$1" '!/^#/ && $1 == t && $2 == "rtt" && $3 == 64 && $5 + 0 > 0 { print $5; exit }'
}
ub_stream() {
    "$UDS_BENCH" --csv --transport "$1" --test stream --size 64k --cpu "$(ub_cpu "$2")" \
        --count "$((MIB * 16))" --warmup 512 |
        awk -F, -v t="$1" '!/^#/ && $1 == t && $2 == "stream" && $3 == 65536 && $10 + 0 > 0 { print $10; exit }'
}
# ============================================================================

mini_rtt() { "$MINI/mini-pingpong" "$1" "$2" "$COUNT" | sed -n 's/.* median_us=\([0-9.]*\)$/\1/p'; }
mini_stream() { "$MINI/mini-stream" "$1" "$2" "$MIB" | sed -n 's/.* mb_per_s=\([0-9.]*\)$/\1/p'; }

[ -x "$UDS_BENCH" ] || { echo "accuracy: $UDS_BENCH is not built" >&2; exit 1; }
for p in mini-pingpong mini-stream; do
    [ -x "$MINI/$p" ] || { echo "accuracy: $MINI/$p is not built" >&2; exit 1; }
done

T=$(mktemp -d "${TMPDIR:-/tmp}/accuracy.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM HUP

# one NAME COMMAND...: run a measurement, append its figure to $T/NAME.
failed=0
one() {
    _name=$1; shift
    _v=$("$@")
    case $_v in
        [0-9]*) echo "$_v" >>"$T/$_name" ;;
        *) echo "accuracy: no figure from: $*" >&2; failed=1 ;;
    esac
}
median() { # the nearest-rank p50 of the numbers in FILE
    [ -s "$1" ] || { echo "-"; return; }
    sort -g "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
spread() { # the lowest and highest of the numbers in FILE: how noisy the runs were
    [ -s "$1" ] || { echo "-"; return; }
    sort -g "$1" | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.4g-%.4g", lo, hi }'
}

echo "accuracy: uds-bench ($UDS_BENCH) against the minimal programs, medians of $ROUNDS interleaved runs"
for cpus in $CPUS_LIST; do
    r=1
    while [ $r -le "$ROUNDS" ]; do
        echo "accuracy: CPUs $cpus, run $r of $ROUNDS" >&2
        for t in unix tcp; do
            # The two measure the same thing one right after the other, so
            # a busy moment of the machine hits both alike.
            one "ub-rtt-$t-$cpus" ub_rtt "$t" "$cpus"
            one "mini-rtt-$t-$cpus" mini_rtt "$t" "$cpus"
            one "ub-stream-$t-$cpus" ub_stream "$t" "$cpus"
            one "mini-stream-$t-$cpus" mini_stream "$t" "$cpus"
        done
        r=$((r + 1))
    done
done

printf '%-5s %-28s %12s %12s %7s  %-11s %s\n' CPUs measure uds-bench minimal ratio "within $TOLERANCE %" \
    "lowest-highest of the runs (uds-bench; minimal)"
for cpus in $CPUS_LIST; do
    for m in rtt stream; do
        for t in unix tcp; do
            a=$(median "$T/ub-$m-$t-$cpus")
            b=$(median "$T/mini-$m-$t-$cpus")
            case $m in
                rtt) what="$t 64 B round trip, p50 us" ;;
                *) what="$t 64 KiB stream, MB/s" ;;
            esac
            sa=$(spread "$T/ub-$m-$t-$cpus")
            sb=$(spread "$T/mini-$m-$t-$cpus")
            awk -v c="$cpus" -v w="$what" -v a="$a" -v b="$b" -v tol="$TOLERANCE" \
                -v s="$sa; $sb" 'BEGIN {
                if (a == "-" || b == "-" || b + 0 <= 0) { printf "%-5s %-28s %12s %12s %7s  %s\n", c, w, a, b, "-", "no figure"; exit }
                r = a / b
                printf "%-5s %-28s %12.2f %12.2f %7.3f  %-11s %s\n", c, w, a, b, r,
                    (r >= 1 - tol / 100 && r <= 1 + tol / 100) ? "yes" : "NO", s
            }'
        done
    done
done
[ $failed -eq 0 ] || { echo "accuracy: some runs gave no figure (see above)" >&2; exit 1; }
exit 0
