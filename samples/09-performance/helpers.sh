# SPDX-License-Identifier: MIT
# Shared by chapter 09's linux.test and win32.test: what a sane uds-bench
# CSV looks like.  Sane, never fast: no check here compares a figure with a
# speed, so a slow or busy machine passes and a broken bench does not.

header='transport,test,size,count,p50_us,p90_us,p99_us,p999_us,max_us,mb_per_s,msgs_per_s'

# csv_sane FILE TRANSPORT SIZES TESTS COUNT: FILE holds the header, then
# exactly one row per TEST (rtt, stream) and SIZE (comma list) for
# TRANSPORT, in that order, each with 11 columns, COUNT timed messages (or
# any positive count for "any"), and the figures its test reports: positive
# round-trip percentiles in order (p50 <= p90 <= p99 <= p99.9 <= max) and a
# positive rate; or positive MB/s and messages/s.
csv_sane() {
    awk -F, -v t="$2" -v sizes="$3" -v tests="$4" -v count="$5" -v head="$header" '
        function bad(why) { print "line " NR ": " why ": " $0; failed = 1 }
        function pos(x) { return x ~ /^[0-9]+(\.[0-9]+)?$/ && x + 0 > 0 }
        BEGIN { ns = split(sizes, s, ","); nt = split(tests, ts, ",")
                for (i = 1; i <= nt; i++) for (j = 1; j <= ns; j++) want[++n] = ts[i] "," s[j] }
        /^#/ { next }
        !seen_head { if ($0 != head) bad("not the CSV header"); seen_head = 1; next }
        { row++
          if (NF != 11) bad("not 11 columns")
          if ($1 != t) bad("not transport " t)
          if ($2 "," $3 != want[row]) bad("expected " want[row])
          if (count == "any" ? !pos($4) : $4 != count) bad("count is not " count)
          if ($2 == "rtt") {
              for (i = 5; i <= 9; i++) if (!pos($i)) bad("column " i " is not a positive time")
              for (i = 5; i < 9; i++) if ($i + 0 > $(i + 1) + 0) bad("percentiles out of order")
              if ($10 != "" || !pos($11)) bad("a round trip has no MB/s and a positive rate")
          } else {
              for (i = 5; i <= 9; i++) if ($i != "") bad("a stream has no percentiles")
              if (!pos($10) || !pos($11)) bad("MB/s and messages/s must be positive")
          } }
        END { if (!seen_head) bad("no header")
              if (row != n) { print "expected " n " rows, got " row; failed = 1 }
              exit failed }' "$1" && return 0
    diag "$(basename "$1") holds:"; diag "$(cat "$1")"; _err_too "$1"; return 1
}
