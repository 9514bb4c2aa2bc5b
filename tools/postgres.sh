#!/usr/bin/env bash
# Start a throw-away PostgreSQL server on loopback for the storage tests, and print its URL.
#
#   tools/postgres.sh start DIR  install PostgreSQL from Debian packages if missing (needs root),
#                               initdb into DIR, start on 127.0.0.1 at a free port, print the URL
#   tools/postgres.sh stop DIR   stop that server
#   tools/postgres.sh restart DIR  an immediate shutdown (what a crash does to its clients), then a
#                               start on the same port (the chaos run's PostgreSQL fault)
#
# The server runs as the `postgres` user when started by root (PostgreSQL refuses to run as root).
set -euo pipefail
# runuser, and Debian's PostgreSQL tools when installed, live in sbin folders a root PATH may lack.
export PATH="$PATH:/usr/sbin:/sbin"

cmd="${1:-}"
dir="${2:-}"
if [ -z "$cmd" ] || [ -z "$dir" ]; then
  echo "usage: $0 start|stop|restart DIR" >&2
  exit 2
fi

find_bin() {
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"
    return
  fi
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  [ -n "$d" ] && echo "$d"
}

as_server_user() {
  if [ "$(id -u)" = "0" ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

bin="$(find_bin || true)"
if [ "$cmd" = "stop" ]; then
  [ -n "$bin" ] && [ -d "$dir/data" ] && as_server_user "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
  exit 0
fi

if [ "$cmd" = "restart" ]; then
  port="$(cat "$dir/port")"
  as_server_user "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >&2
  as_server_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=on -c max_connections=100" start >&2
  exit 0
fi

if [ -z "$bin" ]; then
  if [ "$(id -u)" != "0" ]; then
    echo "PostgreSQL is not installed and installing it needs root" >&2
    exit 1
  fi
  echo "installing PostgreSQL from Debian packages ..." >&2
  apt-get update >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >&2
  bin="$(find_bin)"
fi

mkdir -p "$dir"
if [ "$(id -u)" = "0" ]; then chown postgres "$dir"; fi
as_server_user "$bin/initdb" -D "$dir/data" -A trust -U mimi -E UTF8 --no-locale >&2
# The free port is found, then given up before the server takes it; another process may take it
# meanwhile. So a failed start is tried again on a new port, and its log is shown.
for attempt in 1 2 3; do
  port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
  if as_server_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=on -c max_connections=100" start >&2; then
    echo "$port" >"$dir/port"
    echo "postgres://mimi@127.0.0.1:$port/postgres"
    exit 0
  fi
  echo "PostgreSQL did not start on port $port (attempt $attempt of 3); the end of its log:" >&2
  tail -n 20 "$dir/server.log" >&2 || true
  as_server_user "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
done
exit 1
