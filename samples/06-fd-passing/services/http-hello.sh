#!/bin/sh
# SPDX-License-Identifier: MIT
# http-hello.sh: a tiny HTTP/1.0 responder for fdpass-worker.  Its standard
# input and output are the client's connection.  It reads the request (the
# request line, then headers up to the empty line) and answers every
# request with the same small page.
#
# usage: fdpass-worker SOCKET sh http-hello.sh

cr=$(printf '\r')

# Read the whole request before answering: closing a socket with unread
# bytes in it makes the kernel send a reset, and the client may then lose
# the answer it had not read yet.
IFS= read -r request_line || exit 0
while IFS= read -r header; do
    case $header in
        "" | "$cr") break ;;
    esac
done

body='<!DOCTYPE html>
<html><head><title>fdpass</title></head>
<body><h1>Hello from fdpass-worker</h1>
<p>This page was served by a process that never accepted a connection.</p>
</body></html>
'
# ${#body} counts characters; the page is ASCII, so they are bytes.
printf 'HTTP/1.0 200 OK\r\nContent-Type: text/html; charset=us-ascii\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' \
    "${#body}" "$body"
