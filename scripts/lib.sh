# Shared by start.sh, test.sh and .ci/run: installing dependencies and
# starting the local servers (PostgreSQL, Redis, NATS with JetStream) on
# loopback when they are down. Sourced, not run.

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# npm ci when node_modules is missing or older than package-lock.json (npm
# writes node_modules/.package-lock.json on every install).
ensure_dependencies() {
  if [ ! -d node_modules ] || [ ! -f node_modules/.package-lock.json ] \
    || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "Installing dependencies (npm ci)"
    npm ci --no-audit --no-fund
  fi
}

port_answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Starts each server that does not answer on its standard local port, when
# this machine has it installed. A server pointed elsewhere by its variable
# is left alone: the stack's check reports it if it does not answer.
ensure_servers() {
  if [ -z "${POSTGRES_URL:-}" ] && ! port_answers 5432; then
    if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
      say "Starting PostgreSQL"
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
    else
      say "PostgreSQL is not running on 127.0.0.1:5432 and is not installed here; set POSTGRES_URL"
    fi
  fi
  if [ -z "${REDIS_URL:-}" ] && ! port_answers 6379; then
    if command -v redis-server >/dev/null; then
      say "Starting Redis"
      redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no
    else
      say "Redis is not running on 127.0.0.1:6379 and is not installed here; set REDIS_URL"
    fi
  fi
  if [ -z "${NATS_URL:-}" ] && ! port_answers 4222; then
    if [ -x /usr/sbin/nats-server ]; then
      say "Starting NATS with JetStream"
      mkdir -p /var/lib/nats-server
      start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
        -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server
    else
      say "NATS is not running on 127.0.0.1:4222 and is not installed here; set NATS_URL"
    fi
  fi
  wait_for_port 5432 "${POSTGRES_URL:-}"
  wait_for_port 6379 "${REDIS_URL:-}"
  wait_for_port 4222 "${NATS_URL:-}"
  # The mail (Dovecot) and directory (OpenLDAP) servers of the sign-in and
  # directory-sync tests: installed when missing, started when down.
  scripts/servers/dovecot.sh ensure || say "The test mail server is not running: its tests will fail"
  scripts/servers/slapd.sh ensure || say "The test directory server is not running: its tests will fail"
}

# Servers start in the background; give each a few seconds to listen.
wait_for_port() {
  local port=$1 configured=$2
  [ -n "$configured" ] && return 0
  for _ in $(seq 1 50); do
    port_answers "$port" && return 0
    sleep 0.2
  done
  say "Nothing listens on 127.0.0.1:$port yet"
}
