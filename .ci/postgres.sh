#!/usr/bin/env bash
# Starts a throwaway PostgreSQL for the tests and prints its URL; source it
# with `. .ci/postgres.sh` so that pg_stop (a trap) stops it and removes
# its folder. Installs the distribution's PostgreSQL when it is missing.
# The server runs as an unprivileged user (initdb refuses root), in a
# temporary folder, on a free local port, trusting local connections.

pg_bin() {
	local d
	for d in /usr/lib/postgresql/*/bin; do
		[ -x "$d/initdb" ] && { echo "$d"; return; }
	done
	return 1
}

if ! PG_BIN="$(pg_bin)"; then
	echo "installing PostgreSQL (apt-get)" >&2
	apt-get update -qq >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
	# The package may start a default cluster; the tests use their own.
	service postgresql stop >/dev/null 2>&1 || true
	PG_BIN="$(pg_bin)"
fi

PG_USER=nobody
as_pg() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u "$PG_USER" -- "$@"
	else
		"$@"
	fi
}

PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/tenantscan-pg.XXXXXX")"
chmod 755 "$PG_DIR"
[ "$(id -u)" = 0 ] && chown "$PG_USER" "$PG_DIR"
PG_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo $((20000 + RANDOM % 20000)))"

pg_stop() {
	as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
	rm -rf "$PG_DIR"
}

as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust --no-sync -E UTF8 >"$PG_DIR/initdb.log" 2>&1 ||
	{ cat "$PG_DIR/initdb.log" >&2; pg_stop; return 1 2>/dev/null || exit 1; }
as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
	-o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=50" start >/dev/null ||
	{ cat "$PG_DIR/server.log" >&2; pg_stop; return 1 2>/dev/null || exit 1; }
export TENANTSCAN_TEST_POSTGRES="postgres://postgres@127.0.0.1:$PG_PORT/postgres?sslmode=disable"
echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on port $PG_PORT (TENANTSCAN_TEST_POSTGRES)" >&2
