#!/usr/bin/env bash
# The private nginx-rtmp of `make run` (issue 24: live video), beside the private PostgreSQL:
#
#   nginx.sh start|stop|status|conf
#
# Its configuration is made from config/nginx-rtmp.conf.in into var/live/nginx.conf: RTMP on
# 127.0.0.1:$FAIR_RTMP_PORT (1935), HLS written to var/live/hls (the server's default
# hls_root), recordings to var/live/rec (beside it: the server makes the replays there), the
# callbacks to the fair server on 127.0.0.1:$FAIR_PORT (8080). Everything it writes is under
# var/live/, owned by whoever runs it (its worker runs as that user too), so nothing of var/pg
# changes hands. `stop` ends only the nginx whose pid file is ours.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
live=${FAIR_LIVE_DIR:-$repo/var/live}
conf=$live/nginx.conf
pidfile=$live/nginx.pid
rtmp_port=${FAIR_RTMP_PORT:-1935}
fair_port=${FAIR_PORT:-8080}

running() {
  [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

make_conf() {
  local user_line=
  mkdir -p "$live/hls" "$live/rec"
  # nginx started by root would run its worker as nobody, who could not write var/live/hls
  [ "$(id -u)" -eq 0 ] && user_line='user root root;'
  sed -e "s|@RTMP_LISTEN@|127.0.0.1:$rtmp_port|" -e "s|@RTMP_PORT@|$rtmp_port|" \
      -e "s|@NOTIFY_URL@|http://127.0.0.1:$fair_port/api/rtmp|" \
      -e "s|@HLS_DIR@|$live/hls|" -e "s|@RECORD_DIR@|$live/rec|" \
      -e "s|@RUN_DIR@|$live|" \
      -e "s|@USER_LINE@|$user_line|" \
      "$repo/config/nginx-rtmp.conf.in" >"$conf"
}

case "${1:-}" in
  start)
    if running; then
      echo "nginx-rtmp: already running (pid $(cat "$pidfile"))"
      exit 0
    fi
    command -v nginx >/dev/null || { echo "nginx-rtmp: nginx is not installed (make deps)" >&2; exit 1; }
    make_conf
    # -e: the early error log, before the configuration is read (not /var/log/nginx)
    nginx -p "$live" -c "$conf" -e "$live/error.log"
    for _ in $(seq 50); do running && break; sleep 0.1; done
    running || { echo "nginx-rtmp: did not start, see $live/error.log" >&2; exit 1; }
    echo "nginx-rtmp: RTMP on rtmp://127.0.0.1:$rtmp_port/live, HLS in $live/hls"
    ;;
  stop)
    if running; then
      pid=$(cat "$pidfile")
      kill -QUIT "$pid"
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -TERM "$pid"
      echo "nginx-rtmp: stopped"
    fi
    ;;
  status)
    if running; then echo "nginx-rtmp: running (pid $(cat "$pidfile"))"; else echo "nginx-rtmp: stopped"; exit 3; fi
    ;;
  conf)
    make_conf
    echo "$conf"
    ;;
  *)
    echo "usage: $0 start|stop|status|conf" >&2
    exit 2
    ;;
esac
