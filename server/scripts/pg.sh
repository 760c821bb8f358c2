#!/usr/bin/env bash
# The project's private PostgreSQL 15 cluster, for `make run` and `make test` when no
# FAIR_DATABASE_URL is given.
#
#   pg.sh start      initdb on first use, start (idempotent), create role and database `fair`
#   pg.sh stop       fast shutdown, if running
#   pg.sh crash      immediate shutdown (as a power cut: nothing in flight commits; the
#                    next start recovers from the WAL), for tests of lost connections
#   pg.sh status     exit 0 and say so when running, exit 3 when not (as pg_ctl status)
#   pg.sh url        libpq URL for the app:   postgresql:///fair?host=<sockdir>&user=fair
#   pg.sh admin-url  libpq URL for the superuser: postgresql:///postgres?host=<sockdir>&user=postgres
#                    (both print the URL, and exit 3 with a hint when the cluster is stopped)
#
# Environment:
#   FAIR_PG_DIR      cluster folder (data/, log/); default <repo>/var/pg
#   FAIR_PG_SOCKDIR  unix socket folder; default /tmp/fairpg-<8 hex of md5(repo path)>
#
# Unix socket only (listen_addresses = ''), so only this machine can connect, with trust
# authentication, in a folder (and a socket) only the user running it can open. Durability settings stay on: the server refuses orders without them.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin=/usr/lib/postgresql/15/bin
pgdir=$(realpath -m "${FAIR_PG_DIR:-$repo/var/pg}")
sockdir=${FAIR_PG_SOCKDIR:-/tmp/fairpg-$(printf '%s' "$repo" | md5sum | cut -c1-8)}
data=$pgdir/data
logdir=$pgdir/log
port=5432

die() { echo "pg: $*" >&2; exit 1; }

# PostgreSQL refuses to run as root: then the cluster belongs to the postgres system user.
if [ "$(id -u)" -eq 0 ]; then
  owner=postgres
  as_owner() { runuser -u postgres -- "$@"; }
else
  owner=$(id -un)
  as_owner() { "$@"; }
fi

# The socket path must fit in sun_path (107 bytes plus NUL).
sock=$sockdir/.s.PGSQL.$port
[ ${#sock} -le 107 ] || die "socket path too long (${#sock} > 107 bytes): $sock; set a shorter FAIR_PG_SOCKDIR"

# The pid of the postmaster that really runs this data directory, or nothing. A postmaster.pid
# left by a crash may name a pid that was reused since by an unrelated process, so the pid
# file alone is not trusted: the process must be a postgres whose working directory is $data.
running_pid() {
  local pid cwd comm
  [ -f "$data/postmaster.pid" ] || return 1
  pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null) || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [ -d "/proc/$pid" ] || return 1
  if cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null); then
    [ "$cwd" = "$(readlink -f "$data")" ] || return 1
  else
    # Not allowed to look (another user's process): fall back to its name.
    comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
    [ "$comm" = postgres ] || [ "$comm" = postmaster ] || return 1
  fi
  echo "$pid"
}

# The socket folder a running postmaster really listens in (line 5 of postmaster.pid), so
# `url` stays right even if FAIR_PG_SOCKDIR changed since it started.
running_sockdir() {
  sed -n 5p "$data/postmaster.pid" 2>/dev/null
}

url_for() { # user database
  local dir=$sockdir
  if running_pid >/dev/null; then dir=$(running_sockdir); fi
  echo "postgresql:///$2?host=$dir&user=$1"
}

psql_admin() {
  "$bin/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$sockdir" -p "$port" -U postgres -d postgres "$@"
}

# The owner must be able to reach the cluster folder: when the repo lives under a folder
# closed to others (/root), open each ancestor for traversal only (o+x, no listing).
make_reachable() {
  local dir ancestors=()
  [ "$owner" != "$(id -un)" ] || return 0
  dir=$1
  while [ "$dir" != / ]; do
    dir=$(dirname "$dir")
    ancestors=("$dir" "${ancestors[@]}")
  done
  # From / down, so that each test sees only the folder itself as the obstacle.
  for dir in "${ancestors[@]}"; do
    if ! runuser -u "$owner" -- test -x "$dir"; then
      chmod o+x "$dir"
      echo "pg: made $dir traversable (o+x) so that $owner can reach $1" >&2
    fi
  done
}

prepare_dirs() {
  mkdir -p "$pgdir"
  make_reachable "$pgdir"
  [ "$(stat -c %U "$pgdir")" = "$owner" ] || chown "$owner:" "$pgdir"
  chmod 755 "$pgdir"
  as_owner mkdir -p "$logdir"

  # The socket folder is in /tmp, where anyone could have made it first: use it only when
  # it is ours (a plain folder of the cluster's owner).
  if [ ! -e "$sockdir" ]; then
    mkdir -p "$sockdir"
    chown "$owner:" "$sockdir"
  fi
  if [ ! -d "$sockdir" ] || [ -L "$sockdir" ]; then die "$sockdir is not a folder"; fi
  [ "$(stat -c %U "$sockdir")" = "$owner" ] || die "$sockdir belongs to $(stat -c %U "$sockdir"), not $owner"
  # Authentication is trust, so the socket folder is the lock: only the cluster's owner,
  # who is the user running make (or, for root, postgres; root passes any permission),
  # can reach the socket. Another account on the machine cannot connect at all.
  chmod 700 "$sockdir"
}

init_cluster() {
  if [ -f "$data/PG_VERSION" ]; then
    [ "$(cat "$data/PG_VERSION")" = 15 ] || die "$data holds a PostgreSQL $(cat "$data/PG_VERSION") cluster, not 15"
    return 0
  fi
  # A data folder without PG_VERSION is what an interrupted initdb leaves: start over.
  [ ! -e "$data" ] || rm -rf "$data"
  as_owner "$bin/initdb" -D "$data" -E UTF8 --locale=C.UTF-8 -A trust -U postgres \
    >"$logdir/initdb.log" 2>&1 || { cat "$logdir/initdb.log" >&2; die "initdb failed"; }
  echo "include_if_exists = 'fair.conf'" | as_owner tee -a "$data/postgresql.conf" >/dev/null
}

# Rewritten at every start, so a changed FAIR_PG_SOCKDIR or FAIR_PG_DIR takes effect.
write_config() {
  as_owner tee "$data/fair.conf" >/dev/null <<EOF
# Written by server/scripts/pg.sh at each start; edits here are lost.
listen_addresses = ''
port = $port
unix_socket_directories = '$sockdir'
unix_socket_permissions = 0700
max_connections = 300
timezone = 'UTC'
log_timezone = 'UTC'
logging_collector = on
log_directory = '$logdir'
log_filename = 'postgresql-%Y-%m-%d.log'
log_line_prefix = '%m [%p] %q%u@%d '
# The server checks these and refuses to take orders without them.
fsync = on
synchronous_commit = on
full_page_writes = on
EOF
}

# A crash leaves postmaster.pid and the socket lock file behind; postgres itself refuses to
# start when the pid they name has been reused, so remove them once we know nobody runs.
# The socket lock may also belong to another live cluster sharing the folder: that one stays,
# and postgres then says why it cannot start.
remove_stale_locks() {
  local f pid comm
  for f in "$data/postmaster.pid" "$sock.lock"; do
    [ -f "$f" ] || continue
    pid=$(head -n 1 "$f" 2>/dev/null || true)
    if [ "$f" = "$sock.lock" ] && [[ "$pid" =~ ^[0-9]+$ ]] && comm=$(cat "/proc/$pid/comm" 2>/dev/null) \
      && { [ "$comm" = postgres ] || [ "$comm" = postmaster ]; }; then
      continue
    fi
    echo "pg: removing stale $f (pid $pid is not running)" >&2
    rm -f "$f"
  done
}

ensure_app_database() {
  local tries=0
  # pg_ctl -w returns once connections are accepted, but be patient with a slow machine.
  until psql_admin -c 'select 1' >/dev/null 2>&1; do
    tries=$((tries + 1))
    [ $tries -lt 50 ] || die "cluster started but does not answer on $sockdir"
    sleep 0.2
  done
  if [ -z "$(psql_admin -c "select 1 from pg_roles where rolname = 'fair'")" ]; then
    psql_admin -c 'create role fair login createdb' >/dev/null
  fi
  if [ -z "$(psql_admin -c "select 1 from pg_database where datname = 'fair'")" ]; then
    psql_admin -c "create database fair owner fair encoding 'UTF8' template template0" >/dev/null
  fi
}

cmd_start() {
  [ -x "$bin/pg_ctl" ] || die "PostgreSQL 15 is not installed ($bin); run make deps"
  prepare_dirs
  # One start at a time per cluster (two make targets in parallel, say).
  exec 9>"$pgdir/.start.lock"
  flock 9
  local pid
  if pid=$(running_pid); then
    echo "pg: already running (pid $pid, socket $(running_sockdir))"
    if [ "$(running_sockdir)" != "$sockdir" ]; then
      echo "pg: note: it listens in $(running_sockdir), not $sockdir" >&2
      sockdir=$(running_sockdir)
    fi
    ensure_app_database
    return 0
  fi
  init_cluster
  write_config
  remove_stale_locks
  # 9>&- keeps the lock out of the postmaster, which would otherwise hold it for its life.
  if ! as_owner "$bin/pg_ctl" -D "$data" -l "$logdir/startup.log" -w -t 120 -s start 9>&-; then
    echo "----- $logdir/startup.log -----" >&2
    tail -n 30 "$logdir/startup.log" >&2 || true
    local last
    last=$(find "$logdir" -name 'postgresql-*.log' -printf '%T@ %p\n' | sort -n | tail -n 1 | cut -d' ' -f2-)
    if [ -n "$last" ]; then
      echo "----- $last -----" >&2
      tail -n 30 "$last" >&2 || true
    fi
    die "could not start the cluster in $data"
  fi
  ensure_app_database
  echo "pg: started (data $data, socket $sockdir)"
}

cmd_stop() {
  local mode=${1:-fast}
  if running_pid >/dev/null; then
    as_owner "$bin/pg_ctl" -D "$data" -m "$mode" -w -t 120 -s stop
    echo "pg: stopped ($mode)"
  else
    echo "pg: not running"
  fi
}

cmd_status() {
  local pid
  if pid=$(running_pid); then
    echo "pg: running (pid $pid, data $data, socket $(running_sockdir))"
  else
    echo "pg: not running (data $data)"
    exit 3
  fi
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop fast ;;
  crash) cmd_stop immediate ;;
  status) cmd_status ;;
  url | admin-url)
    if [ "$1" = url ]; then url_for fair fair; else url_for postgres postgres; fi
    # The URL is the same either way; say when nothing answers at it yet.
    if ! running_pid >/dev/null; then
      echo "pg: the private cluster is not running: start it with 'make db' (or $0 start)" >&2
      exit 3
    fi
    ;;
  *)
    echo "usage: $0 start|stop|crash|status|url|admin-url" >&2
    exit 2
    ;;
esac
