# SPDX-License-Identifier: MIT
# actors: uds-bench uds-bench'
# caption: Chapter 09: two round trips of 16 bytes over AF_UNIX, after one warm-up round; uds-bench' is the process it forks to play the other side (strace, Linux)
# The scenario `make diagrams` traces for this chapter's sequence diagram
# (tools/trace-chapter; see docs/authoring.md): the smallest measurement,
# which still shows every step: the pair connected in one process, the
# fork, each batch announced by its count and answered, the echoes, and
# the count of 0 that ends it.
"$UDS_SAMPLES/linux/uds-bench" --transport unix --test rtt --size 16 --count 2 --warmup 1 \
    > "$UDS_TRACE_DIR/bench.out"
