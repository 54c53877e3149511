# Shared by dovecot.sh and slapd.sh: the test servers' state folder, the
# fixtures they read, Debian package installs and port checks. Sourced after
# the script sets SERVER (its name in messages).

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
FIXTURES=$REPO/libs/testing/fixtures
STATE_ROOT=/var/lib/confer-test

fail() {
  printf '%s: %s\n' "$SERVER" "$*" >&2
  exit 1
}

require_root() {
  [ "$(id -u)" -eq 0 ] ||
    fail "must run as root: it installs Debian packages and runs the server as its own system users"
}

# One value of a fixture file, with a JavaScript expression on `f` (node is
# on every machine that runs the tests; jq is not).
fixture() {
  node -e 'const f = require(process.argv[1]); const v = eval(process.argv[2]);
    process.stdout.write(Array.isArray(v) ? v.join("\n") : String(v));' "$FIXTURES/$1" "$2"
}

# Serialises ensure, stop and reset of one server: several test runs on one
# machine call ensure at the same time.
lock_server() {
  mkdir -p "$STATE_ROOT"
  exec 9>"$STATE_ROOT/$SERVER.lock"
  flock -w 300 9 || fail "another ensure, stop or reset has held $STATE_ROOT/$SERVER.lock for 5 minutes"
}

port_answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Fails when a port the server is about to listen on is held by another program.
require_free_ports() {
  local port owner
  for port in "$@"; do
    if port_answers "$port"; then
      owner=$(ss -Hltnp "sport = :$port" 2>/dev/null | grep -o 'users:.*' | head -n1)
      fail "port $port on 127.0.0.1 is taken by another program (${owner:-unknown}); stop it or free the port"
    fi
  done
}

wait_for_ports() {
  local port
  for port in "$@"; do
    for _ in $(seq 1 100); do
      port_answers "$port" && continue 2
      sleep 0.1
    done
    fail "started, but nothing listens on 127.0.0.1:$port after 10 s (see its log under $STATE_ROOT)"
  done
}

# Pid in a pid file when that process is alive and runs the named program.
running_pid() {
  local file=$1 program=$2 pid
  [ -s "$file" ] || return 1
  pid=$(head -n1 "$file")
  [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$program" ] || return 1
  # An exited daemon stays a zombie until init reaps it.
  [ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" != Z ] || return 1
  echo "$pid"
}

# Installs the Debian packages that are missing; sets INSTALLED to what it did.
# The packages' install scripts would start the system's own instance on the
# standard ports of every interface: a policy-rc.d that refuses every start
# keeps them down for the length of the install.
INSTALLED=
ensure_packages() {
  local missing=() package own_policy=
  for package in "$@"; do
    [[ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" == *' installed' ]] ||
      missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0

  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    own_policy=1
  fi
  # The package lists are refreshed only when they do not know a package or
  # name files the mirror no longer has.
  if ! apt_install "${missing[@]}"; then
    apt-get update -qq >/dev/null || true
    apt_install "${missing[@]}" || {
      [ -n "$own_policy" ] && rm -f /usr/sbin/policy-rc.d
      fail "apt-get install ${missing[*]} failed"
    }
  fi
  [ -n "$own_policy" ] && rm -f /usr/sbin/policy-rc.d
  INSTALLED="installed ${missing[*]}; "
}

apt_install() {
  local package
  for package in "$@"; do
    [[ "$(apt-cache policy "$package" 2>/dev/null)" == *'Candidate: '[^\(]* ]] || return 1
  done
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o DPkg::Lock::Timeout=120 "$@" >"$STATE_ROOT/$SERVER-apt.log" 2>&1
}

# Creates a system user without a login shell, unless it exists.
ensure_system_user() {
  local user=$1 home=$2
  getent passwd "$user" >/dev/null ||
    useradd --system --user-group --home-dir "$home" --no-create-home \
      --shell /usr/sbin/nologin "$user"
}

# Writes a file only when its content changes; sets CHANGED=1 when it did.
CHANGED=
write_file() {
  local target=$1 mode=$2 owner=$3 content=$4 tmp
  tmp=$(mktemp)
  printf '%s\n' "$content" >"$tmp"
  if [ -f "$target" ] && cmp -s "$tmp" "$target"; then
    rm -f "$tmp"

    return 0
  fi
  install -m "$mode" -o "${owner%:*}" -g "${owner#*:}" "$tmp" "$target"
  rm -f "$tmp"
  CHANGED=1
}
