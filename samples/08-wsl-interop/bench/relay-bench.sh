#!/bin/sh
# SPDX-License-Identifier: MIT
# Chapter 08's bench: uds-relay beside socat doing the same relay, in one run.
#
#   uds-relay  linux/uds-relay unix:IN unix:SINK   (splice(), a thread per direction)
#   uds-copy   the same with UDS_RELAY_COPY=1: read() and write(), no splice()
#   socat      socat UNIX-LISTEN:IN,fork UNIX-CONNECT:SINK
#
# Throughput: relay-peer push sends BENCH_BYTES (1 GiB) through the relay to
# relay-peer sink, which reads it to the end; the time runs until the
# sink's close comes back.  Connections per second: relay-peer conns opens
# BENCH_CONNS connections one after another through the relay to chapter
# 01's echo server, each sending one byte and reading it back.  The two
# contenders take turns round by round, so a busy moment of the machine hits
# both alike, and each figure is the best of BENCH_ROUNDS (other work can
# only slow a run down).  Reports numbers and never fails on speed; fails
# only when something did not work.
#
# usage: relay-bench.sh [--smoke] [BUILDDIR]
# UDS_TOP_SRCDIR must name the top of the source tree (make bench sets it).
. "$UDS_TOP_SRCDIR/tests/kit.sh"
# A run is limited only to end a hang: socat takes some 30 ms a connection here.
UDS_TIMEOUT=${UDS_TIMEOUT:-900}

smoke=0
if [ "${1:-}" = --smoke ]; then smoke=1; shift; fi
B=${1:-.}
if [ $smoke = 1 ]; then
    bytes=16777216 conns=50 rounds=1
else
    bytes=${BENCH_BYTES:-1073741824} conns=${BENCH_CONNS:-500} rounds=${BENCH_ROUNDS:-3}
fi
P=$B/relay-peer R=$B/linux/uds-relay
E=$B/../01-first-socket/linux/echo-server
say() { printf 'bench: %s\n' "$*"; }
fail() { say "$*" >&2; exit 1; }
[ -x "$P" ] && [ -x "$R" ] || fail "relay-peer and linux/uds-relay are not built in $B (make all)"
[ -x "$E" ] || (cd "$B/../01-first-socket" && make linux/echo-server >/dev/null) || fail "no echo-server"
command -v socat >/dev/null || { say "socat is not installed: uds-relay alone"; }

bg sink "$P" sink "$T/sink.sock"
bg echo "$E" "$T/echo.sock"
wait_for_line "$T/sink.out" 'listening on' 20 "$sink_pid" || fail "the sink did not start"
wait_for_line "$T/echo.out" 'listening on' 20 "$echo_pid" || fail "the echo server did not start"
bg rs "$R" unix:"$T/rs.sock" unix:"$T/sink.sock"
bg cs env UDS_RELAY_COPY=1 "$R" unix:"$T/cs.sock" unix:"$T/sink.sock"
bg ce env UDS_RELAY_COPY=1 "$R" unix:"$T/ce.sock" unix:"$T/echo.sock"
bg re "$R" unix:"$T/re.sock" unix:"$T/echo.sock"
wait_for_line "$T/rs.err" 'listening on' 20 "$rs_pid" || fail "uds-relay did not start"
wait_for_line "$T/re.err" 'listening on' 20 "$re_pid" || fail "uds-relay did not start"
wait_for_line "$T/cs.err" 'listening on' 20 "$cs_pid" || fail "uds-relay did not start"
wait_for_line "$T/ce.err" 'listening on' 20 "$ce_pid" || fail "uds-relay did not start"
contenders="uds-relay uds-copy"
if command -v socat >/dev/null; then
    bg ss socat UNIX-LISTEN:"$T/ss.sock",fork UNIX-CONNECT:"$T/sink.sock"
    bg se socat UNIX-LISTEN:"$T/se.sock",fork UNIX-CONNECT:"$T/echo.sock"
    # socat prints nothing when it is ready: wait for its socket file.
    i=0; while { [ ! -S "$T/ss.sock" ] || [ ! -S "$T/se.sock" ]; } && [ $i -lt 500 ]; do sleep 0.02; i=$((i + 1)); done
    [ -S "$T/ss.sock" ] && [ -S "$T/se.sock" ] || fail "socat did not start"
    contenders="$contenders socat"
fi

best() { # best NAME VALUE: keep the smaller of the seconds
    eval "_b=\${best_$1:-}"
    if [ -z "$_b" ] || awk "BEGIN { exit !($2 < $_b) }"; then eval "best_$1=$2"; fi
}
sock() { case $1 in uds-relay) echo "$T/r$2.sock" ;; uds-copy) echo "$T/c$2.sock" ;; socat) echo "$T/s$2.sock" ;; esac; }
key() { echo "$1" | tr -c 'a-z\n' _; }

say "$(nproc) CPUs; $(( bytes / 1048576 )) MiB per throughput run, $conns connections per rate run, best of $rounds rounds"
for r in $(seq 1 "$rounds"); do
    for c in $contenders; do
        run push "$P" push unix:"$(sock $c s)" "$bytes"
        [ "$rc" = 0 ] || { cat "$T/push.err" >&2; fail "$c: the throughput run failed"; }
        best "t_$(key $c)" "$(awk '{ print $4 }' "$T/push.out")"
        run conns "$P" conns unix:"$(sock $c e)" "$conns"
        [ "$rc" = 0 ] || { cat "$T/conns.err" >&2; fail "$c: the connection run failed"; }
        best "c_$(key $c)" "$(awk '{ print $4 }' "$T/conns.out")"
    done
done
for c in $contenders; do
    eval "t=\$best_t_$(key $c) cs=\$best_c_$(key $c)"
    mbs=$(awk "BEGIN { printf \"%.0f\", $bytes / 1048576 / $t }")
    cps=$(awk "BEGIN { printf \"%.0f\", $conns / $cs }")
    eval "mbs_$(key $c)=$mbs cps_$(key $c)=$cps"
    say "$(printf '%-10s %6s MiB/s  %6s connections/s' "$c" "$mbs" "$cps")"
done
say "splice(): $(awk "BEGIN { printf \"%.2f\", $mbs_uds_relay / $mbs_uds_copy }")x the throughput of the plain copy"
if [ -n "${mbs_socat:-}" ]; then
    say "uds-relay / socat: $(awk "BEGIN { printf \"%.2f\", $mbs_uds_relay / $mbs_socat }")x the throughput, $(awk "BEGIN { printf \"%.2f\", $cps_uds_relay / $cps_socat }")x the connections per second"
fi
