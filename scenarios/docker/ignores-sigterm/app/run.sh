#!/bin/sh
# PID 1 of the container: serves the app. (No trap: as PID 1 the shell
# ignores SIGTERM, so `docker stop` waits and then kills it.)
set -eu
httpd -f -p "${PORT:-8080}" -h /srv/www &
wait
