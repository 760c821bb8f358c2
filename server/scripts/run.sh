#!/usr/bin/env bash
# Runs a command (the server for `make run`, ctest for `make test`) with a database:
#
#   run.sh [--live] [--demo FAIRCTL] COMMAND [ARGS...]
#
# With --live (`make run`), the private nginx-rtmp of the live video (nginx.sh) is started
# beside the database, unless it is running already, and stopped again when the command ends
# if this invocation started it.
#
# With --demo, `FAIRCTL demo --if-empty` first loads the demo fair into the database when it
# is empty (`make run` does this; `make test` does not).
#
# With FAIR_DATABASE_URL set, that database is used as it is: FAIR_TEST_DATABASE_URL
# defaults to it, and nothing is started or stopped.
# Without it, the private cluster (pg.sh) is started when needed, and the command gets
#   FAIR_DATABASE_URL       the app's URL (role and database `fair`)
#   FAIR_TEST_DATABASE_URL  the superuser's URL (tests create a database each)
#   FAIR_PG_DIR, FAIR_PG_SOCKDIR  where the cluster lives
# When the command ends (normally, by Ctrl-C or by SIGTERM), the private cluster is stopped
# again if and only if this invocation started it: a cluster already running (`make db`, or
# another `make run`) is left alone.
#
# The command's exit code is run.sh's exit code.
set -euo pipefail

demo_ctl=
live=0
if [ "${1:-}" = --live ]; then
  live=1
  shift
fi
if [ "${1:-}" = --demo ]; then
  [ $# -ge 2 ] || { echo "usage: $0 [--live] [--demo FAIRCTL] COMMAND [ARGS...]" >&2; exit 2; }
  demo_ctl=$2
  shift 2
fi
[ $# -gt 0 ] || { echo "usage: $0 [--live] [--demo FAIRCTL] COMMAND [ARGS...]" >&2; exit 2; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
pg=$here/pg.sh

started_pg=0
started_nginx=0
child=

# shellcheck disable=SC2317  # called through the trap
cleanup() {
  local rc=$?
  if [ "$started_nginx" = 1 ]; then
    "$here/nginx.sh" stop >&2 || echo "run: could not stop the private nginx-rtmp" >&2
  fi
  if [ "$started_pg" = 1 ]; then
    "$pg" stop >&2 || echo "run: could not stop the private cluster" >&2
  fi
  exit "$rc"
}
trap cleanup EXIT

export FAIR_PG_DIR=${FAIR_PG_DIR:-$repo/var/pg}
export FAIR_PG_SOCKDIR=${FAIR_PG_SOCKDIR:-/tmp/fairpg-$(printf '%s' "$repo" | md5sum | cut -c1-8)}
# A FAIR_DATABASE_URL that names the private cluster (the README's fairctl examples export
# `pg.sh url`) is taken as unset: the cluster is started when it is stopped.
if [ -n "${FAIR_DATABASE_URL:-}" ] && [ "$FAIR_DATABASE_URL" = "$("$pg" url 2>/dev/null)" ]; then
  unset FAIR_DATABASE_URL
fi

if [ -n "${FAIR_DATABASE_URL:-}" ]; then
  export FAIR_TEST_DATABASE_URL=${FAIR_TEST_DATABASE_URL:-$FAIR_DATABASE_URL}
else
  if ! "$pg" status >/dev/null; then
    started_pg=1
  fi
  "$pg" start >&2
  FAIR_DATABASE_URL=$("$pg" url)
  FAIR_TEST_DATABASE_URL=$("$pg" admin-url)
  export FAIR_DATABASE_URL FAIR_TEST_DATABASE_URL
fi

if [ "$live" = 1 ]; then
  if ! "$here/nginx.sh" status >/dev/null; then
    started_nginx=1
  fi
  "$here/nginx.sh" start >&2
fi

if [ -n "$demo_ctl" ]; then
  "$demo_ctl" demo --if-empty
fi

# The command runs in the background so that a SIGTERM to this script can be passed on
# (a foreground child would keep bash from running the trap until it exits). Ctrl-C reaches
# the child from the terminal as well; passing it on as SIGTERM covers a child that ignores
# SIGINT, which bash arranges for background jobs of a script.
"$@" &
child=$!
trap 'kill -TERM "$child" 2>/dev/null || true' INT TERM HUP

# wait returns early (> 128) when a trapped signal arrives: wait again until the child is
# gone, then once more for its real status (bash keeps it for a reaped background child).
while kill -0 "$child" 2>/dev/null; do
  wait "$child" || true
done
if wait "$child"; then rc=0; else rc=$?; fi
exit "$rc"
