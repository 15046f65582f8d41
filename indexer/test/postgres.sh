#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the indexer's tests and benchmark, built from Debian's binaries.
#   eval "$(indexer/test/postgres.sh start)"   # exports DATABASE_URL, NECTO_TEST_DATABASE_URL, NECTO_PG_DIR
#   indexer/test/postgres.sh stop [dir]        # stops the cluster and deletes its directory
# PostgreSQL refuses to run as root, so under root (CI) the cluster belongs to the `postgres` user.
# Needs `apt-get install -y postgresql` (any major version; the newest installed one is used).
set -euo pipefail

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [[ -z "$dir" ]]; then
    echo "postgres.sh: no PostgreSQL under /usr/lib/postgresql: apt-get install -y postgresql" >&2
    exit 1
  fi
  echo "$dir"
}

# Runs a command as the cluster's owner: ourselves, or `postgres` when we are root.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
  else
    "$@"
  fi
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

start() {
  local bin dir port
  bin=$(pg_bin)
  dir=$(mktemp -d /tmp/necto-pg.XXXXXX)
  if [[ $(id -u) -eq 0 ]]; then chown postgres: "$dir"; fi
  chmod 700 "$dir"
  port=$(free_port)
  as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --no-sync >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
  # Sockets in the cluster's own directory: /var/run/postgresql may not exist or be writable.
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >&2 || { cat "$dir/server.log" >&2; exit 1; }
  local url="postgresql://postgres@127.0.0.1:$port/postgres"
  echo "export DATABASE_URL=$url"
  echo "export NECTO_TEST_DATABASE_URL=$url"
  echo "export NECTO_PG_DIR=$dir"
}

stop() {
  local dir=${1:-${NECTO_PG_DIR:-}}
  if [[ -z "$dir" || ! -d "$dir" ]]; then
    echo "postgres.sh stop: give the cluster directory (or set NECTO_PG_DIR)" >&2
    exit 1
  fi
  as_owner "$(pg_bin)/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: $0 start | stop [dir]" >&2; exit 2 ;;
esac
