#!/usr/bin/env bash
# A private PostgreSQL server on 127.0.0.1 to hold Pulumi state (the DIY `postgres://` backend),
# for local use and CI. See docs/state-backends.md.
#
# usage: scripts/postgres.sh start|stop|url|status [--dir DIR] [--port N] [--purge] [--no-password]
#
#   start   initializes DIR on first use (a cluster, a database `pulumi` owned by a role `pulumi`
#           with a generated password), then starts the server; a no-op when it already runs
#   stop    stops the server and keeps its data; with --purge, also deletes what `start` created
#   url     prints the PULUMI_BACKEND_URL for the server (the only command that prints the password);
#           with --no-password, the URL without it: then set PGPASSFILE=DIR/pgpass for Pulumi
#   status  says whether the server runs (exit 0) or not (exit 3)
#
#   --dir DIR   where everything lives (default: .fleetwright/postgres in the current folder)
#   --port N    TCP port on 127.0.0.1 (default: the port used last time, else a free one)
#
# Layout of DIR (every file is the script's own; other files in DIR are left alone):
#   postgres.state       port, and the topmost folder start created for DIR (if any)
#   pulumi.password      password of the role `pulumi` (0600)
#   pgpass               the same as a PostgreSQL password file, for PGPASSFILE (0600)
#   superuser.password   password of the superuser `postgres`, for this script only (0600)
#   server/              the server's own folder (owned by the `postgres` user when run as root)
#     data/              the cluster (PGDATA)
#     postgres.log       the server log
#
# As root, the server runs as the `postgres` system user (initdb refuses root); as any other user,
# it runs as that user. Only TCP on 127.0.0.1 is opened, with password (SCRAM) authentication.
set -euo pipefail

DATABASE=pulumi
ROLE=pulumi
TABLE=pulumi_state
SUPERUSER=postgres
PROG=scripts/postgres.sh

die() {
  echo "$PROG: $*" >&2
  exit 1
}
usage() {
  sed -n '5,15s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
  exit 2
}

[ $# -ge 1 ] || usage
CMD=$1
shift
case "$CMD" in
  start | stop | url | status) ;;
  -h | --help | help) usage ;;
  *) echo "$PROG: unknown command '$CMD'" >&2 && usage ;;
esac

DIR=.fleetwright/postgres
PORT=
PURGE=0
NO_PASSWORD=0
while [ $# -gt 0 ]; do
  case "$1" in
    --dir)
      if [ $# -lt 2 ] || [ -z "$2" ]; then die "--dir needs a folder"; fi
      DIR=$2
      shift 2
      ;;
    --dir=*) DIR=${1#--dir=} && shift ;;
    --port)
      [ $# -ge 2 ] || die "--port needs a number"
      PORT=$2
      shift 2
      ;;
    --port=*) PORT=${1#--port=} && shift ;;
    --purge) PURGE=1 && shift ;;
    --no-password) NO_PASSWORD=1 && shift ;;
    -h | --help) usage ;;
    *) echo "$PROG: unknown option '$1'" >&2 && usage ;;
  esac
done
if [ -n "$PORT" ]; then
  if ! [[ "$PORT" =~ ^[0-9]+$ ]] || [ "$PORT" -lt 1 ] || [ "$PORT" -gt 65535 ]; then
    die "--port must be a number from 1 to 65535, not '$PORT'"
  fi
fi
[ "$PURGE" = 0 ] || [ "$CMD" = stop ] || die "--purge only goes with stop"
[ "$NO_PASSWORD" = 0 ] || [ "$CMD" = url ] || die "--no-password only goes with url"

# Absolute paths: the server runs in another folder, maybe as another user.
case "$DIR" in
  /*) ;;
  *) DIR="$PWD/$DIR" ;;
esac
DIR=${DIR%/}
STATE="$DIR/postgres.state"
PASSWORD_FILE="$DIR/pulumi.password"
PGPASS_FILE="$DIR/pgpass"
SUPER_PASSWORD_FILE="$DIR/superuser.password"
SERVER="$DIR/server"
DATA="$SERVER/data"
LOG="$SERVER/postgres.log"

# --- PostgreSQL binaries ------------------------------------------------------------------------

find_bin() {
  if [ -n "${PG_BIN:-}" ]; then
    [ -x "$PG_BIN/pg_ctl" ] || die "PG_BIN=$PG_BIN holds no pg_ctl"
    echo "$PG_BIN"
    return
  fi
  # Debian and Ubuntu keep the server binaries off PATH, one folder per major version: take the newest.
  local d best=
  for d in /usr/lib/postgresql/*/bin; do
    if [ ! -x "$d/pg_ctl" ] || [ ! -x "$d/initdb" ] || [ ! -x "$d/postgres" ]; then continue; fi
    if [ -z "$best" ] || [ "$(basename "$(dirname "$d")")" -gt "$(basename "$(dirname "$best")")" ] 2>/dev/null; then best=$d; fi
  done
  if [ -z "$best" ] && command -v pg_ctl >/dev/null && command -v initdb >/dev/null; then
    best=$(dirname "$(command -v pg_ctl)")
  fi
  [ -n "$best" ] || die "the PostgreSQL server binaries (initdb, pg_ctl, postgres) are not installed.
Install them with:  apt-get install postgresql   (Debian/Ubuntu; as non-root: sudo apt-get install postgresql)
or set PG_BIN to the folder that holds them."
  echo "$best"
}

IS_ROOT=0
[ "$(id -u)" = 0 ] && IS_ROOT=1
if [ "$IS_ROOT" = 1 ]; then
  SERVER_USER=postgres
else
  SERVER_USER=$(id -un)
fi

# Runs a command as the user that owns the server.
as_server() {
  if [ "$IS_ROOT" = 1 ]; then
    # From a neutral folder: the caller's may not be readable by the server user.
    (cd / && runuser -u "$SERVER_USER" -- "$@")
  else
    "$@"
  fi
}

# --- state --------------------------------------------------------------------------------------

state_get() { # key
  [ -f "$STATE" ] && sed -n "s/^$1=//p" "$STATE" | tail -n 1
  return 0
}
state_write() { # created (the topmost folder start made for DIR, or empty), port
  local tmp="$STATE.$$.tmp"
  printf '# written by %s; do not edit while the server runs\ncreated=%s\nport=%s\n' "$PROG" "$1" "$2" >"$tmp"
  mv "$tmp" "$STATE"
}
initialized() { [ -f "$STATE" ] && [ -f "$DATA/PG_VERSION" ]; }

# pg_ctl status: 0 running, 3 not running, 4 no data folder.
running() {
  [ -d "$DATA" ] || return 1
  as_server "$PG_BIN/pg_ctl" status -D "$DATA" >/dev/null 2>&1
}
# The port the running server listens on (from its postmaster.pid, line 4).
running_port() { as_server sed -n 4p "$DATA/postmaster.pid" 2>/dev/null || true; }
running_pid() { as_server sed -n 1p "$DATA/postmaster.pid" 2>/dev/null || true; }

port_busy() { # port: whether something accepts connections on 127.0.0.1:port
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
free_port() {
  local p _
  for _ in $(seq 1 50); do
    p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    if ! port_busy "$p"; then
      echo "$p"
      return
    fi
  done
  die "found no free TCP port on 127.0.0.1"
}

new_password() { od -An -tx1 -N24 /dev/urandom | tr -d ' \n'; }

# psql as the superuser over TCP; SQL on stdin (so that passwords never show in a process list).
super_psql() { # port, psql args...
  local port=$1
  shift
  PGPASSWORD=$(cat "$SUPER_PASSWORD_FILE") PGCONNECT_TIMEOUT=10 \
    "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U "$SUPERUSER" -d postgres "$@"
}

show_log() {
  if [ -n "$(as_server cat "$LOG" 2>/dev/null)" ]; then
    echo "--- last lines of $LOG:" >&2
    as_server tail -n 20 "$LOG" >&2 || true
  fi
}

# --- commands -----------------------------------------------------------------------------------

init_cluster() {
  local created='' d=$DIR
  if [ ! -e "$DIR" ]; then
    # Remember the topmost folder made here, so that --purge removes exactly those (when empty).
    while [ ! -e "$(dirname "$d")" ]; do d=$(dirname "$d"); done
    mkdir -p "$DIR"
    created=$d
  fi
  [ -d "$DIR" ] || die "$DIR is not a folder"
  if [ -e "$SERVER" ] && [ ! -f "$STATE" ]; then
    die "$SERVER already exists and was not made by this script; choose another --dir"
  fi
  # What the first start created survives a failed start: keep the one recorded first.
  [ -f "$STATE" ] && created=$(state_get created)
  state_write "$created" "$(state_get port)"

  (
    umask 077
    [ -s "$PASSWORD_FILE" ] || new_password >"$PASSWORD_FILE"
    [ -s "$SUPER_PASSWORD_FILE" ] || new_password >"$SUPER_PASSWORD_FILE"
  )
  mkdir -p "$SERVER"
  chmod 700 "$SERVER"
  if [ "$IS_ROOT" = 1 ]; then
    id "$SERVER_USER" >/dev/null 2>&1 || die "there is no '$SERVER_USER' system user to run the server (the postgresql package creates it: apt-get install postgresql)"
    chown "$SERVER_USER:" "$SERVER"
    if ! as_server test -w "$SERVER"; then
      die "the '$SERVER_USER' user cannot write $SERVER: a folder above it is not searchable by others.
Choose a --dir under a folder others can enter (e.g. chmod o+x on the parents), or run as a non-root user."
    fi
  fi

  if [ ! -f "$DATA/PG_VERSION" ]; then
    # initdb reads the superuser password from a file: one the server user can read, removed at once.
    local pwfile="$SERVER/initdb.pw"
    cp "$SUPER_PASSWORD_FILE" "$pwfile"
    [ "$IS_ROOT" = 0 ] || chown "$SERVER_USER:" "$pwfile"
    if ! as_server "$PG_BIN/initdb" -D "$DATA" -U "$SUPERUSER" --pwfile="$pwfile" --auth=scram-sha-256 \
      -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1; then
      rm -f "$pwfile"
      cat "$DIR/initdb.log" >&2
      die "initdb failed (output above, also in $DIR/initdb.log)"
    fi
    rm -f "$pwfile" "$DIR/initdb.log"
    # Only TCP on 127.0.0.1 (no Unix socket: its path length is limited), passwords only, small.
    as_server tee -a "$DATA/postgresql.conf" >/dev/null <<'EOF'

# --- fleetwright (scripts/postgres.sh) ---
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
password_encryption = 'scram-sha-256'
shared_buffers = '32MB'
max_connections = 200
log_min_error_statement = 'panic'
EOF
    as_server tee "$DATA/pg_hba.conf" >/dev/null <<'EOF'
# fleetwright (scripts/postgres.sh): password logins over TCP on 127.0.0.1 only.
# TYPE  DATABASE  USER  ADDRESS       METHOD
host    all       all   127.0.0.1/32  scram-sha-256
EOF
  fi
}

# Creates (or repairs) the role and database; the password goes over stdin, never on a command line.
ensure_database() { # port
  local pw
  pw=$(cat "$PASSWORD_FILE")
  [[ "$pw" =~ ^[0-9a-f]+$ ]] || die "$PASSWORD_FILE must hold a hex password"
  super_psql "$1" <<EOF
SET log_statement = 'none';
SELECT format('CREATE ROLE %I LOGIN', '$ROLE') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE')\\gexec
ALTER ROLE "$ROLE" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '$pw';
SELECT format('CREATE DATABASE %I OWNER %I', '$DATABASE', '$ROLE') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DATABASE')\\gexec
REVOKE ALL ON DATABASE "$DATABASE" FROM PUBLIC;
GRANT ALL ON DATABASE "$DATABASE" TO "$ROLE";
\connect "$DATABASE"
-- Pulumi's own table (pkg/backend/diy/postgres/schema.sql), made here and owned by the role:
-- Pulumi creates it on first use with CREATE TABLE IF NOT EXISTS, and two first uses at once
-- race (duplicate key value violates unique constraint "pg_type_typname_nsp_index").
SET ROLE "$ROLE";
CREATE TABLE IF NOT EXISTS $TABLE (
    key TEXT PRIMARY KEY,
    data JSON NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS ${TABLE}_key_prefix_idx ON $TABLE (key text_pattern_ops);
EOF
}

cmd_start() {
  if initialized && running; then
    local rport
    rport=$(running_port)
    if [ -n "$PORT" ] && [ "$PORT" != "$rport" ]; then
      die "PostgreSQL already runs on 127.0.0.1:$rport (not on --port $PORT); stop it first to change the port"
    fi
    echo "PostgreSQL is already running on 127.0.0.1:$rport (pid $(running_pid), data in $DATA); nothing to do"
    return
  fi
  if [ -n "$PORT" ] && port_busy "$PORT"; then
    die "port $PORT on 127.0.0.1 is already in use; choose another --port (or leave it out for a free one)"
  fi
  init_cluster

  local port=$PORT last attempt
  last=$(state_get port)
  if [ -z "$port" ] && [ -n "$last" ]; then
    if port_busy "$last"; then
      port=$(free_port)
      echo "port $last (used last time) is taken; using $port: the backend URL changes" >&2
    else
      port=$last
    fi
  fi
  for attempt in 1 2 3 4 5; do
    [ -n "$port" ] || port=$(free_port)
    if as_server "$PG_BIN/pg_ctl" start -D "$DATA" -l "$LOG" -w -t 60 -s -o "-p $port" >/dev/null 2>&1; then
      break
    fi
    # Another process may have taken a free port between the check and the start: try another.
    if [ -z "$PORT" ] && [ "$attempt" -lt 5 ] && as_server tail -n 5 "$LOG" 2>/dev/null | grep -q 'could not bind'; then
      port=
      continue
    fi
    show_log
    die "PostgreSQL did not start on 127.0.0.1:$port (log: $LOG)"
  done
  state_write "$(state_get created)" "$port"
  if ! ensure_database "$port" >"$DIR/setup.log" 2>&1; then
    cat "$DIR/setup.log" >&2
    die "could not create the database '$DATABASE' and role '$ROLE' (the server is running; '$PROG stop' stops it)"
  fi
  rm -f "$DIR/setup.log"
  # For a URL without the password (`url --no-password`): lib/pq, Pulumi's driver, reads PGPASSFILE.
  (
    umask 077
    printf '127.0.0.1:%s:%s:%s:%s\n' "$port" "$DATABASE" "$ROLE" "$(cat "$PASSWORD_FILE")" >"$PGPASS_FILE.$$.tmp"
    mv "$PGPASS_FILE.$$.tmp" "$PGPASS_FILE"
  )
  echo "PostgreSQL started on 127.0.0.1:$port (pid $(running_pid), data in $DATA)"
  echo "  PULUMI_BACKEND_URL: $PROG url --dir $DIR"
}

cmd_stop() {
  if [ -d "$DATA" ] && [ ! -f "$STATE" ]; then
    die "$DATA was not made by this script; not touching it"
  fi
  if initialized && running; then
    if ! as_server "$PG_BIN/pg_ctl" stop -D "$DATA" -m fast -w -t 60 -s >/dev/null 2>&1; then
      show_log
      die "PostgreSQL did not stop (data in $DATA)"
    fi
    if [ "$PURGE" = 1 ]; then echo "PostgreSQL stopped"; else echo "PostgreSQL stopped (data kept in $DATA)"; fi
  elif [ -f "$STATE" ]; then
    echo "PostgreSQL is not running"
  else
    echo "no PostgreSQL of $PROG in $DIR; nothing to stop"
  fi
  if [ "$PURGE" = 1 ] && [ -f "$STATE" ]; then
    local created d removed=
    created=$(state_get created)
    rm -rf "$SERVER"
    rm -f "$PASSWORD_FILE" "$PGPASS_FILE" "$SUPER_PASSWORD_FILE" "$DIR/initdb.log" "$DIR/setup.log" "$STATE"
    # Folders go only if this script made them (DIR up to the topmost one start made), and only
    # when nothing else is left in them.
    if [ -n "$created" ]; then
      d=$DIR
      while rmdir "$d" 2>/dev/null; do
        removed=$d
        if [ "$d" = "$created" ] || [ "$d" = / ]; then break; fi
        d=$(dirname "$d")
      done
    fi
    if [ "$removed" = "$DIR" ]; then
      echo "purged: removed $DIR"
    elif [ -n "$removed" ]; then
      echo "purged: removed $DIR and the folders above it up to $removed, which it had created"
    else
      echo "purged: removed the server and its data from $DIR"
    fi
  fi
}

cmd_url() {
  if ! initialized || [ ! -s "$PASSWORD_FILE" ]; then die "no PostgreSQL in $DIR yet; run: $PROG start --dir $DIR"; fi
  local port
  port=$(state_get port)
  if running; then
    port=$(running_port)
  else
    echo "$PROG: warning: PostgreSQL is not running; start it with: $PROG start --dir $DIR" >&2
  fi
  [ -n "$port" ] || die "no port recorded in $STATE; run: $PROG start --dir $DIR"
  # lib/pq (Pulumi's driver) asks for TLS unless told otherwise; this server speaks plain TCP on 127.0.0.1.
  local credentials=$ROLE
  [ "$NO_PASSWORD" = 1 ] || credentials="$ROLE:$(cat "$PASSWORD_FILE")"
  echo "postgres://$credentials@127.0.0.1:$port/$DATABASE?sslmode=disable&table=$TABLE"
}

cmd_status() {
  if ! initialized; then
    echo "no PostgreSQL of $PROG in $DIR (start one with: $PROG start --dir $DIR)"
    exit 3
  fi
  if running; then
    echo "PostgreSQL is running on 127.0.0.1:$(running_port) (pid $(running_pid), data in $DATA, database '$DATABASE', role '$ROLE')"
  else
    echo "PostgreSQL is not running (data in $DATA; last port $(state_get port))"
    exit 3
  fi
}

# start always needs the binaries; stop, url and status only when there is a cluster to look at.
if [ "$CMD" = start ] || [ -d "$DATA" ]; then
  PG_BIN=$(find_bin)
else
  PG_BIN=
fi
case "$CMD" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  url) cmd_url ;;
  status) cmd_status ;;
esac
