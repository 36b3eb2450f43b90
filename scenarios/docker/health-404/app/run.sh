#!/bin/sh
# PID 1 of the container: serves the app and, on SIGTERM (docker stop, an ECS
# deployment), stops the server and exits 0 at once instead of waiting to be
# killed.
set -eu
httpd -f -p "${PORT:-8080}" -h /srv/www &
server=$!
trap 'kill -TERM "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; exit 0' TERM INT
wait "$server"
