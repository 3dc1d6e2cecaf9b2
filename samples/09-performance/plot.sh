#!/bin/sh
# SPDX-License-Identifier: MIT
# plot.sh: draw uds-bench's CSV (--csv) as two SVG charts with gnuplot
# (Debian: apt-get install gnuplot-nox):
#   PREFIX-latency.svg     round-trip latency by message size, one line per
#                          transport: the median, a band from the median to
#                          p90, and p99 dotted (log scales: bytes and
#                          microseconds);
#   PREFIX-throughput.svg  stream throughput by message size, MB/s.
#
# usage: plot.sh CSV PREFIX [TITLE]
set -eu
[ $# -ge 2 ] && [ $# -le 3 ] || { echo "usage: plot.sh CSV PREFIX [TITLE]" >&2; exit 2; }
csv=$1 prefix=$2 title=${3:-}
command -v gnuplot >/dev/null || { echo "plot.sh: gnuplot is not installed (apt-get install gnuplot-nox)" >&2; exit 1; }
[ -r "$csv" ] || { echo "plot.sh: cannot read $csv" >&2; exit 1; }
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT

# One data file per transport and test, in the CSV's order of transports.
transports=$(awk -F, '!/^#/ && NR > 1 && $2 != "" && !seen[$1]++ && $1 != "transport" { print $1 }' "$csv")
[ -n "$transports" ] || { echo "plot.sh: no measurements in $csv" >&2; exit 1; }
for t in $transports; do
    awk -F, -v t="$t" '$1 == t && $2 == "rtt" { print $3, $5, $6, $7, $8, $9 }' "$csv" >"$tmp/$t.rtt"
    awk -F, -v t="$t" '$1 == t && $2 == "stream" { print $3, $10, $11 }' "$csv" >"$tmp/$t.stream"
done
machine=$(sed -n 's/^# machine: //p' "$csv" | head -n 1 | sed 's/"/'"'"'/g')
cpus=$(sed -n 's/^# run: .*CPUs: \([a-z]*\).*/\1/p' "$csv" | head -n 1)
case $cpus in
    one) place="both ends on one CPU" ;; two) place="the ends on two CPUs" ;; *) place="CPUs chosen by the scheduler" ;;
esac

common='set terminal svg size 860,520 dynamic font "sans,12" background "white"
set logscale x 2
set xtics ("1 B" 1, "64 B" 64, "1 KiB" 1024, "4 KiB" 4096, "64 KiB" 65536, "1 MiB" 1048576)
set xlabel "message size"
set grid xtics ytics mytics lc rgb "#dddddd"
set key outside right top
set style fill transparent solid 0.15 noborder'

lat=$tmp/latency.gp thr=$tmp/throughput.gp
{
    echo "$common"
    echo "set output \"$prefix-latency.svg\""
    printf 'set title "%s\\n%s" noenhanced\n' "${title:+$title: }round trip: median (line), median to p90 (band), p99 (dots); $place" "$machine"
    echo 'set logscale y 10'
    echo 'set ylabel "microseconds (log scale)"'
    printf 'plot '
    i=0
    for t in $transports; do
        i=$((i + 1))
        [ -s "$tmp/$t.rtt" ] || continue
        printf '"%s" using 1:2:3 with filledcurves lc %d notitle, ' "$tmp/$t.rtt" "$i"
        printf '"%s" using 1:4 with lines lc %d lw 1 dt 3 notitle, ' "$tmp/$t.rtt" "$i"
        printf '"%s" using 1:2 with linespoints lc %d lw 2 pt 7 ps 0.6 title "%s", ' "$tmp/$t.rtt" "$i" "$t"
    done | sed 's/, $//'
    echo
} >"$lat"
{
    echo "$common"
    echo "set output \"$prefix-throughput.svg\""
    printf 'set title "%s\\n%s" noenhanced\n' "${title:+$title: }stream throughput; $place" "$machine"
    echo 'set logscale y 10'
    echo 'set ylabel "MB/s, 10^6 bytes per second (log scale)" noenhanced'
    printf 'plot '
    i=0
    for t in $transports; do
        i=$((i + 1))
        [ -s "$tmp/$t.stream" ] || continue
        printf '"%s" using 1:2 with linespoints lc %d lw 2 pt 7 ps 0.6 title "%s", ' "$tmp/$t.stream" "$i" "$t"
    done | sed 's/, $//'
    echo
} >"$thr"
gnuplot "$lat" && gnuplot "$thr"
echo "plot.sh: wrote $prefix-latency.svg and $prefix-throughput.svg"
