#!/usr/bin/env bash
# pg-standby.sh — PostgreSQL for the central EHC service: a primary and a synchronous hot standby
# on this machine, in a few commands.
#
#   scripts/pg-standby.sh PRIMARY_DIR PRIMARY_PORT STANDBY_DIR STANDBY_PORT
#       initdb PRIMARY_DIR unless it already holds a cluster; configure it once (wal_level=replica,
#       replication from 127.0.0.1, synchronous_standby_names=standby1, synchronous_commit); start
#       it; make STANDBY_DIR with `pg_basebackup -R` (replication slot standby1) unless it exists;
#       start it (hot_standby=on); wait until the primary reports it streaming with sync_state=sync;
#       create database $PGSTANDBY_DB; print the connection strings. Safe to run again: it starts
#       whatever is not running.
#   scripts/pg-standby.sh --promote STANDBY_DIR
#       after losing the primary: promote the standby (pg_ctl promote -w) and print its URL. It
#       then runs alone (no standby, commits do not wait); to get a standby again, rebuild the old
#       primary from it (pg_rewind, or empty its directory and run this script with roles swapped).
#   scripts/pg-standby.sh --stop DIR...
#       stop the servers in DIR... (fast shutdown).
#
# Environment: PG_BIN  directory holding initdb/pg_ctl (default: on PATH, else the newest
#                      /usr/lib/postgresql/*/bin);
#              PGSTANDBY_DB           database to create (default ehc);
#              PGSTANDBY_SYNC_COMMIT  on (default: an acknowledged commit is flushed on the standby,
#                                     so it survives failover) or remote_apply (also visible to
#                                     reads there before the primary acknowledges it).
# As root the tools run as `postgres` (runuser), otherwise as you. Servers listen on 127.0.0.1 with
# trust authentication: a single-host setup. Set passwords and edit pg_hba.conf before opening it up.
# node-postgres (`pg` 8.x) cannot parse the multi-host URL printed last (libpq/psql can): give it
# both hosts and let it pick the one where `SELECT pg_is_in_recovery()` is false.
set -euo pipefail

NAME=standby1
MARK='# --- scripts/pg-standby.sh ---'

die() { echo "pg-standby: $*" >&2; exit 2; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

if [[ -z "${PG_BIN:-}" ]]; then
  if command -v pg_ctl >/dev/null; then PG_BIN=$(dirname "$(readlink -f "$(command -v pg_ctl)")")
  else PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true); fi
fi
[[ -x "${PG_BIN:-}/pg_ctl" ]] || die "PostgreSQL (initdb, pg_ctl) not found; install it with: apt-get install -y postgresql (or set PG_BIN)"

if [[ $(id -u) -eq 0 ]]; then
  SUPERUSER=postgres
  as_owner() { (cd / && runuser -u postgres -- "$@"); }
  mkdata() { install -d -o postgres -g postgres -m 700 "$1"; }
else
  SUPERUSER=$(id -un)
  as_owner() { (cd / && "$@"); }
  mkdata() { mkdir -p "$1" && chmod 700 "$1"; }
fi

pg() { as_owner "$PG_BIN/$1" "${@:2}"; }
abs() { mkdir -p "$(dirname "$1")" && echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
running() { pg pg_ctl status -D "$1" >/dev/null 2>&1; }
start() { running "$1" || pg pg_ctl start -D "$1" -w -t 60 -s -l "$1/server.log"; }
sql() { pg psql -X -q -t -A -h 127.0.0.1 -p "$1" -U "$SUPERUSER" -d postgres -c "$2"; }
url() { echo "postgres://$SUPERUSER@127.0.0.1:$1/$DB"; }
port_of() { sed -n 4p "$1/postmaster.pid"; }  # the 4th line of postmaster.pid is the port

DB=${PGSTANDBY_DB:-ehc}
[[ "$DB" =~ ^[a-z_][a-z0-9_]*$ ]] || die "PGSTANDBY_DB must be a plain lower-case name"

case "${1:-}" in
  --promote)
    [[ $# -eq 2 ]] || usage
    pg pg_ctl promote -D "$2" -w -t 60 -s
    echo "promoted: $(url "$(port_of "$2")")"
    exit 0 ;;
  --stop)
    [[ $# -ge 2 ]] || usage
    for d in "${@:2}"; do if running "$d"; then pg pg_ctl stop -D "$d" -m fast -w -t 60 -s; fi; done
    exit 0 ;;
  -h|--help|'') usage ;;
esac

[[ $# -eq 4 ]] || usage
PDIR=$(abs "$1") PPORT=$2 SDIR=$(abs "$3") SPORT=$4
[[ "$PPORT" =~ ^[0-9]+$ && "$SPORT" =~ ^[0-9]+$ && "$PPORT" != "$SPORT" ]] || die "ports must be two different numbers"
SYNC=${PGSTANDBY_SYNC_COMMIT:-on}
[[ "$SYNC" == on || "$SYNC" == remote_apply ]] || die "PGSTANDBY_SYNC_COMMIT must be on or remote_apply"

# Primary. The settings go at the end of postgresql.conf, where later lines win.
if [[ ! -f "$PDIR/PG_VERSION" ]]; then
  mkdata "$PDIR"
  pg initdb -D "$PDIR" -U "$SUPERUSER" -A trust -E UTF8 --locale=C >/dev/null
fi
if ! grep -qxF "$MARK" "$PDIR/postgresql.conf"; then
  as_owner tee -a "$PDIR/postgresql.conf" >/dev/null <<EOF
$MARK
listen_addresses = '127.0.0.1'
port = $PPORT
unix_socket_directories = ''  # TCP only; the URLs below name 127.0.0.1
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
synchronous_standby_names = '$NAME'
synchronous_commit = $SYNC
EOF
  as_owner tee -a "$PDIR/pg_hba.conf" >/dev/null <<<"host replication all 127.0.0.1/32 trust"
fi
start "$PDIR"

# Standby: a base backup of the primary; -R writes primary_conninfo + primary_slot_name and
# standby.signal. It must not inherit synchronous_standby_names, or its commits would wait forever
# after promotion; it retries a lost primary every second so a promotion is not held up for long.
if [[ ! -f "$SDIR/PG_VERSION" ]]; then
  mkdata "$SDIR"
  pg pg_basebackup -D "$SDIR" -R -X stream -C -S "$NAME" --checkpoint=fast \
    -d "host=127.0.0.1 port=$PPORT user=$SUPERUSER application_name=$NAME"
  rm -f "$SDIR/server.log"
  as_owner tee -a "$SDIR/postgresql.conf" >/dev/null <<EOF
$MARK (standby)
port = $SPORT
hot_standby = on
synchronous_standby_names = ''
wal_retrieve_retry_interval = 1s
EOF
fi
start "$SDIR"

for _ in $(seq 300); do
  state=$(sql "$PPORT" "SELECT state || '/' || sync_state FROM pg_stat_replication WHERE application_name = '$NAME'" || true)
  [[ "$state" == streaming/sync ]] && break
  sleep 0.1
done
[[ "$state" == streaming/sync ]] || die "standby not streaming synchronously after 30 s (state: '${state:-none}'); see $SDIR/server.log"

if [[ -z "$(sql "$PPORT" "SELECT 1 FROM pg_database WHERE datname = '$DB'")" ]]; then
  sql "$PPORT" "CREATE DATABASE $DB"
fi

echo "primary: $(url "$PPORT")"
echo "standby: $(url "$SPORT")"
echo "libpq multi-host: postgres://$SUPERUSER@127.0.0.1:$PPORT,127.0.0.1:$SPORT/$DB?target_session_attrs=read-write"
