#!/usr/bin/env bash
# The test directory server: an OpenLDAP slapd instance of its own on
# ldap://127.0.0.1:10389/ only, holding the fictional company of
# libs/testing/fixtures/directory/example-cn-org.ldif under dc=example,dc=cn.
# Its configuration (slapd.conf) and database live under
# /var/lib/confer-test/slapd; the system's slapd database is never created.
#
#   slapd.sh ensure   install when missing, write the configuration, load the
#                     fixture when the database is empty or the fixture or
#                     configuration changed, start when down
#   slapd.sh reset    stop, wipe, load the fixture, start: a clean directory
#   slapd.sh stop     stop this instance
#   slapd.sh status   print whether it runs; exit 0 when it does
set -euo pipefail
SERVER=slapd
source "$(dirname "$0")/common.sh"

DIR=$STATE_ROOT/slapd
CONF=$DIR/slapd.conf
DATA=$DIR/data
PIDFILE=$DIR/run/slapd.pid
FIXTURE=directory-server.json
LDIF=$FIXTURES/$(fixture "$FIXTURE" 'f.ldif')
PORT=$(fixture "$FIXTURE" 'f.port')
URL=ldap://$(fixture "$FIXTURE" 'f.host'):$PORT/
# What the loaded database was made from: a change to either reloads it.
LOADED=$DATA/.loaded-from

is_running() { running_pid "$PIDFILE" slapd >/dev/null; }

config() {
  cat <<EOF
# Written by scripts/servers/slapd.sh from libs/testing/fixtures/$FIXTURE;
# edits are overwritten. A test server: loopback only, published password.
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/nis.schema
include /etc/ldap/schema/inetorgperson.schema

pidfile $PIDFILE
argsfile $DIR/run/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb

database mdb
# 1 GiB (a sparse file): room beside the fixture for the directory sync benchmark's
# 100,000 people, about 3.5 KB each with these indexes; 256 MiB held some 70,000.
maxsize 1073741824
suffix "$(fixture "$FIXTURE" 'f.baseDn')"
rootdn "$(fixture "$FIXTURE" 'f.bindDn')"
rootpw $(fixture "$FIXTURE" 'f.password')
directory $DATA
# entryUUID, entryCSN, createTimestamp and modifyTimestamp are kept by slapd
# itself (and by slapadd for loaded entries) while lastmod is on.
lastmod on
# Directory sync reads everyone in one search.
limits dn.exact="$(fixture "$FIXTURE" 'f.bindDn')" size=unlimited time=unlimited
# Lookups by login, mail and name, and incremental sync by entryUUID.
index objectClass,uid,mail,employeeNumber,entryUUID eq
index cn,sn,givenName,displayName eq,sub

access to attrs=userPassword by self write by anonymous auth by * none
access to * by * read
EOF
}

fingerprint() { cat "$CONF" "$LDIF" | sha256sum | cut -d' ' -f1; }

load_fixture() {
  rm -rf "$DATA"
  install -d -m 700 -o openldap -g openldap "$DATA"
  slapadd -q -f "$CONF" -l "$LDIF" >"$DIR/log/slapadd.log" 2>&1 ||
    fail "slapadd of $LDIF failed; see $DIR/log/slapadd.log"
  fingerprint >"$LOADED"
  chown -R openldap:openldap "$DATA"
}

start() {
  require_free_ports "$PORT"
  # The lock's descriptor stays with this script, not with the daemon.
  slapd -f "$CONF" -h "$URL" -u openldap -g openldap 9>&- ||
    fail "did not start; slapd -d 1 -f $CONF -h $URL shows why"
  wait_for_ports "$PORT"
}

stop() {
  local pid
  pid=$(running_pid "$PIDFILE" slapd) || return 0
  kill "$pid"
  for _ in $(seq 1 100); do
    is_running || return 0
    sleep 0.1
  done
  fail "still running 10 s after SIGTERM (pid $pid)"
}

ensure() {
  local did= conf
  # Preseeded so that the install neither asks nor creates the system's own
  # database: this instance has its own.
  echo 'slapd slapd/no_configuration boolean true' | debconf-set-selections
  ensure_packages slapd ldap-utils
  install -d -m 755 "$DIR" "$DIR/log"
  install -d -m 755 -o openldap -g openldap "$DIR/run"
  install -d -m 700 -o openldap -g openldap "$DATA"
  conf=$(config)
  write_file "$CONF" 640 root:openldap "$conf"
  slaptest -u -f "$CONF" >"$DIR/log/slaptest.log" 2>&1 ||
    fail "slaptest rejects $CONF; see $DIR/log/slaptest.log"

  if [ ! -s "$LOADED" ] || [ "$(cat "$LOADED")" != "$(fingerprint)" ]; then
    stop
    load_fixture
    did="loaded $(basename "$LDIF"); "
  fi
  if is_running; then
    echo "slapd: ${INSTALLED}${did}already running ($URL)"

    return 0
  fi
  start
  echo "slapd: ${INSTALLED}${did}started ($URL)"
}

case "${1:-}" in
  ensure)
    require_root
    lock_server
    ensure
    ;;
  reset)
    require_root
    lock_server
    [ -f "$CONF" ] || fail "no configuration yet: run $0 ensure first"
    stop
    load_fixture
    start
    echo "slapd: reloaded $(basename "$LDIF") and started ($URL)"
    ;;
  stop)
    require_root
    lock_server
    if is_running; then
      stop
      echo "slapd: stopped"
    else
      echo "slapd: not running"
    fi
    ;;
  status)
    if is_running; then
      echo "slapd: running ($URL), pid $(running_pid "$PIDFILE" slapd)"
    else
      echo "slapd: not running"
      exit 3
    fi
    ;;
  *)
    echo "usage: $0 ensure|reset|stop|status" >&2
    exit 2
    ;;
esac
