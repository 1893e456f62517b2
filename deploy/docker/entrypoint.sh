#!/bin/sh
# Entry point of the Parley image: what only a container needs before `parley serve`, then exec,
# so that Parley is the process tini signals (SIGTERM drains and stops it gracefully).
#
# Settings are Parley's own PARLEY_* variables. The server checks each value itself; this script
# only refuses combinations the server accepts but that cannot work for several containers, and
# waits for PostgreSQL and Redis (WAIT_FOR_SERVICES_SECONDS, default 60; 0 turns it off).
set -eu

here=$(dirname "$0")

fail() {
  printf 'parley entrypoint: %s\n' "$1" >&2
  exit 2
}

warn() {
  printf 'parley entrypoint: warning: %s\n' "$1" >&2
}

# Shared live state without a shared database would leave each node with its own SQLite file.
check_scale_out() {
  if [ -n "${PARLEY_REDIS_URL:-}" ]; then
    [ -n "${PARLEY_DATABASE_URL:-}" ] || fail 'PARLEY_REDIS_URL is set but PARLEY_DATABASE_URL is not: nodes that share Redis must share one PostgreSQL database (SQLite in the data volume belongs to this container alone)'
    [ -n "${PARLEY_SECRET_KEY:-}" ] || fail 'PARLEY_REDIS_URL is set but PARLEY_SECRET_KEY is not: every node of a cluster needs the same secret key (generate one with: openssl rand -hex 32)'
    # The server would name the node after the host name, which is a container's random id.
    [ -n "${PARLEY_NODE_ID:-}" ] || warn "PARLEY_NODE_ID is unset: this node is named after the container's host name ($(hostname)), which changes when the container is recreated; give each node a stable id"
  elif [ -n "${PARLEY_DATABASE_URL:-}" ]; then
    warn 'PARLEY_DATABASE_URL is set without PARLEY_REDIS_URL: this runs one node on PostgreSQL; to run several, give every node the same PARLEY_REDIS_URL'
  fi
}

# A volume mounted from the host keeps the host's owner, which is not this image's user.
check_data_dir() {
  dir=${PARLEY_DATA_DIR:-/var/lib/parley}
  mkdir -p "$dir" 2>/dev/null || true
  if [ ! -d "$dir" ] || [ ! -w "$dir" ]; then
    fail "the data folder $dir is not writable by user $(id -u): mount a volume there owned by uid $(id -u) (chown $(id -u) on the host folder)"
  fi
}

wait_for_services() {
  seconds=${WAIT_FOR_SERVICES_SECONDS:-60}
  [ "$seconds" != 0 ] || return 0
  # A function's own arguments: the command line outside stays as it is.
  set --
  [ -z "${PARLEY_DATABASE_URL:-}" ] || set -- "$@" "$PARLEY_DATABASE_URL"
  [ -z "${PARLEY_REDIS_URL:-}" ] || set -- "$@" "$PARLEY_REDIS_URL"
  [ $# -eq 0 ] || node "$here/wait-for-tcp.mjs" "$seconds" "$@" || exit 2
}

# No command, or only options (`--dev`): serve.
if [ $# -eq 0 ] || [ "${1#-}" != "$1" ]; then
  set -- serve "$@"
fi

if [ "$1" = serve ]; then
  # Loopback, the server's default, cannot be reached from outside a container.
  export PARLEY_HOST="${PARLEY_HOST:-0.0.0.0}"
  check_scale_out
  check_data_dir
  wait_for_services
fi
exec parley "$@"
