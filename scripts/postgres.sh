#!/usr/bin/env bash
# A throwaway PostgreSQL for the storage contract tests and the multi-node tests.
#
# Installs PostgreSQL from Debian when no initdb is on the machine, creates a cluster under a temp folder, starts it
# on 127.0.0.1:${KEYCARD_PG_PORT:-5433} (never a public address), and creates the role keycard/keycard with CREATEDB
# (the tests make a fresh database per test class). Idempotent: a server already answering on the port is reused.
#
# Executed, it prints one line on stdout:   export KEYCARD_TEST_POSTGRES='Host=127.0.0.1;Port=5433;…'
#   so a caller can `eval "$(bash scripts/postgres.sh)"`. Progress goes to stderr.
# Sourced (`source scripts/postgres.sh`), it exports KEYCARD_TEST_POSTGRES into the calling shell.
# Either way the line is also written to "$KEYCARD_PG_DIR/env" for a later shell to source.
# Stop it with: scripts/postgres.sh stop

if (return 0 2>/dev/null); then
    # Sourced: run in a child shell so `set -e` and the helpers below never leak into the caller.
    __keycard_pg_line="$(bash "${BASH_SOURCE[0]}" "$@")" || { unset __keycard_pg_line; return 1; }
    eval "$__keycard_pg_line"
    unset __keycard_pg_line
    return 0
fi

set -euo pipefail

PORT="${KEYCARD_PG_PORT:-5433}"
DIR="${KEYCARD_PG_DIR:-${TMPDIR:-/tmp}/keycard-postgres-$PORT}"
DATA="$DIR/data"
SOCKETS=/tmp
CONNECTION="Host=127.0.0.1;Port=$PORT;Username=keycard;Password=keycard;Database=postgres"

log() { echo "postgres.sh: $*" >&2; }

# initdb and postgres refuse to run as root: then every cluster command runs as the postgres OS user.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

find_bin() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

BIN="$(find_bin)"
if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        log "PostgreSQL is not installed and this user cannot apt-get install it"
        exit 1
    fi
    log "installing PostgreSQL from the Debian archive"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    BIN="$(find_bin)"
fi

if [ "${1:-}" = "stop" ]; then
    if [ -f "$DATA/postmaster.pid" ]; then
        as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >&2
    fi
    exit 0
fi

mkdir -p "$DIR"
[ "$(id -u)" -eq 0 ] && chown postgres: "$DIR"

# Two test scripts starting at once must not both initdb the same folder. The server is started with fd 9 closed:
# it would otherwise inherit the lock and hold it for its whole life.
exec 9>"$DIR/.lock"
flock 9

ready() { "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; }

if ready; then
    log "reusing the server already answering on 127.0.0.1:$PORT"
else
    if [ ! -f "$DATA/PG_VERSION" ]; then
        log "creating a cluster in $DATA"
        as_owner mkdir -p "$DATA"
        # Local socket connections (the superuser's, from this script) trust the OS user; TCP needs a password.
        as_owner "$BIN/initdb" -D "$DATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --no-locale >/dev/null
        # A throwaway test cluster: durability is not worth the fsyncs; many test classes each hold a few connections.
        cat >>"$DATA/postgresql.conf" <<'EOF'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 300
EOF
    fi
    log "starting on 127.0.0.1:$PORT"
    as_owner "$BIN/pg_ctl" -D "$DATA" -o "-k $SOCKETS -h 127.0.0.1 -p $PORT" -l "$DIR/postgres.log" -w -t 60 start >&2 9>&-
fi

# A server someone else started on this port may not trust our socket; it is enough that keycard can log in.
if PGPASSWORD=keycard "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U keycard -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
    :
else
    as_owner "$BIN/psql" -h "$SOCKETS" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -q >&2 <<'EOF'
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'keycard') THEN
        CREATE ROLE keycard LOGIN PASSWORD 'keycard' CREATEDB;
    END IF;
END $$;
EOF
fi

line="export KEYCARD_TEST_POSTGRES='$CONNECTION'"
echo "$line" >"$DIR/env"
echo "$line"
