# SPDX-License-Identifier: MIT
# actors: echo-server echo-client
# caption: Chapter 01: the echo server and client, as traced by strace (Linux)
# The scenario `make diagrams` traces for this chapter's sequence diagram
# (tools/trace-chapter; see docs/authoring.md): one client, one echo.
srv=$UDS_SAMPLES/linux/echo-server
cli=$UDS_SAMPLES/linux/echo-client
sock=$UDS_TRACE_DIR/echo.sock
"$srv" "$sock" 1 > "$UDS_TRACE_DIR/server.out" &
pid=$!
# Not a test: wait for the server to say it listens.
until grep -q '^listening' "$UDS_TRACE_DIR/server.out" 2>/dev/null; do sleep 0.05; done
"$cli" "$sock" 'hello, socket'
wait "$pid"
