# SPDX-License-Identifier: MIT
# actors: chat-server chat-client
# caption: Chapter 07: ann joins, then bob joins and says hello; the server sends it on to ann (both clients share the chat-client column), as traced by strace (Linux)
# The scenario `make diagrams` traces for this chapter's sequence diagram
# (tools/trace-chapter; see docs/authoring.md): ann waits, bob says hello.
srv=$UDS_SAMPLES/linux/chat-server
cli=$UDS_SAMPLES/linux/chat-client
d=$UDS_TRACE_DIR
sock=$d/chat.sock
"$srv" "$sock" > "$d/server.out" &
pid=$!
# Not a test: wait for each step with a short polling loop.
until grep -q '^listening' "$d/server.out" 2>/dev/null; do sleep 0.05; done
mkfifo "$d/ann.in"
"$cli" "$sock" ann < "$d/ann.in" > "$d/ann.out" &
ann=$!
exec 3> "$d/ann.in"
until grep -q '^ann joined' "$d/server.out" 2>/dev/null; do sleep 0.05; done
echo hello | "$cli" "$sock" bob > "$d/bob.out"
until grep -q '^bob: hello' "$d/ann.out" 2>/dev/null; do sleep 0.05; done
exec 3>&-
wait "$ann"
kill "$pid"
wait "$pid" || true
