# SPDX-License-Identifier: MIT
# actors: addr-server uds-where
# caption: Chapter 02: a pathname server and a client bound to an abstract name, as traced by strace (Linux)
# The scenario `make diagrams` traces for this chapter's sequence diagram
# (tools/trace-chapter; see docs/authoring.md).
srv=$UDS_SAMPLES/linux/addr-server
cli=$UDS_SAMPLES/linux/uds-where
sock=$UDS_TRACE_DIR/demo.sock
"$srv" path "$sock" 1 > "$UDS_TRACE_DIR/server.out" &
pid=$!
# Not a test: wait for the server to say it listens.
until grep -q '^listening' "$UDS_TRACE_DIR/server.out" 2>/dev/null; do sleep 0.05; done
"$cli" path "$sock" --bind abstract:afunix-kit-me
wait "$pid"
