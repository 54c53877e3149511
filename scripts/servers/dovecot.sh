#!/usr/bin/env bash
# The test mail server: a Dovecot instance of its own (IMAP, IMAPS, POP3,
# LMTP) on 127.0.0.1 only, with the accounts of
# libs/testing/fixtures/mail-server.json. Its configuration, mail and logs
# live under /var/lib/confer-test/dovecot; the system's /etc/dovecot is never
# read, and the system's own Dovecot is never started.
#
#   dovecot.sh ensure   install when missing, write the configuration, start
#                       when down (restart when the configuration changed)
#   dovecot.sh stop     stop this instance
#   dovecot.sh status   print whether it runs; exit 0 when it does
set -euo pipefail
SERVER=dovecot
source "$(dirname "$0")/common.sh"

DIR=$STATE_ROOT/dovecot
CONF=$DIR/dovecot.conf
PIDFILE=$DIR/run/master.pid
FIXTURE=mail-server.json
MAIL_USER=confer-mail

PORTS=($(fixture "$FIXTURE" 'Object.values(f.ports)'))
DOMAIN=$(fixture "$FIXTURE" 'f.domain')

describe() {
  fixture "$FIXTURE" \
    'Object.entries(f.ports).map(([k, v]) => k + " " + v).join(", ") + " on " + f.host'
}

is_running() { running_pid "$PIDFILE" dovecot >/dev/null; }

# passwd-file lines: user:password:uid:gid:gecos:home:shell:extra. Passwords
# are stored as {PLAIN}: these are published test accounts.
passwd_lines() {
  fixture "$FIXTURE" "f.accounts.filter((a) => $1).map((a) => {
    const fields = [a.login, $2, a.name];
    if (fields.some((v) => /[:\n]/.test(v))) throw new Error('no colon or newline in ' + a.login);
    return a.login + ':{PLAIN}' + $2 + ':::' + a.name + '::';
  })"
}

make_certificate() {
  [ -s "$DIR/tls/cert.pem" ] && [ -s "$DIR/tls/key.pem" ] && return 0
  install -d -m 700 "$DIR/tls"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=$DOMAIN" \
    -addext "subjectAltName=DNS:$DOMAIN,DNS:localhost,IP:127.0.0.1" \
    -keyout "$DIR/tls/key.pem" -out "$DIR/tls/cert.pem" 2>/dev/null
  chmod 600 "$DIR/tls/key.pem"
}

config() {
  local uid
  uid=$(id -u "$MAIL_USER")
  cat <<EOF
# Written by scripts/servers/dovecot.sh from libs/testing/fixtures/$FIXTURE;
# edits are overwritten. A test server: loopback only, published passwords.
instance_name = confer-test
base_dir = $DIR/run
state_dir = $DIR/state
log_path = $DIR/log/dovecot.log
protocols = imap pop3 lmtp
listen = 127.0.0.1

# Dovecot started as root drops to these for its internal and login processes.
default_internal_user = dovecot
default_login_user = dovenull

ssl = yes
ssl_cert = <$DIR/tls/cert.pem
ssl_key = <$DIR/tls/key.pem
ssl_min_protocol = TLSv1.2

auth_mechanisms = plain login
disable_plaintext_auth = no
# A bare "alice" signs in as alice@$DOMAIN.
auth_default_realm = $DOMAIN
# Tests try wrong passwords on purpose: no 2 s wait after a failure, and no
# penalty for the failing address (up to 15 s before each later attempt): the
# auth process cannot reach the penalty tracker.
auth_failure_delay = 0
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}

# The account's own password first, then its application passwords.
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $DIR/auth/users
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $DIR/auth/app-passwords
}
userdb {
  driver = passwd-file
  args = username_format=%u $DIR/auth/users
  default_fields = uid=$MAIL_USER gid=$MAIL_USER home=$DIR/mail/%d/%n
}

mail_location = maildir:~/Maildir
mail_uid = $MAIL_USER
mail_gid = $MAIL_USER
first_valid_uid = $uid
last_valid_uid = $uid
postmaster_address = postmaster@$DOMAIN

namespace inbox {
  inbox = yes
  separator = /
  mailbox Drafts {
    special_use = \Drafts
    auto = subscribe
  }
  mailbox Sent {
    special_use = \Sent
    auto = subscribe
  }
  mailbox Trash {
    special_use = \Trash
    auto = subscribe
  }
  mailbox Junk {
    special_use = \Junk
    auto = subscribe
  }
}

service imap-login {
  inet_listener imap {
    port = $(fixture "$FIXTURE" 'f.ports.imap')
  }
  inet_listener imaps {
    port = $(fixture "$FIXTURE" 'f.ports.imaps')
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    port = $(fixture "$FIXTURE" 'f.ports.pop3')
  }
  inet_listener pop3s {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    port = $(fixture "$FIXTURE" 'f.ports.lmtp')
  }
}
EOF
}

ensure() {
  local did users app_passwords conf
  ensure_packages dovecot-imapd dovecot-pop3d dovecot-lmtpd
  ensure_system_user "$MAIL_USER" "$DIR/mail"
  install -d -m 755 "$DIR" "$DIR/run" "$DIR/state" "$DIR/log"
  install -d -m 750 -o root -g dovecot "$DIR/auth"
  install -d -m 700 -o "$MAIL_USER" -g "$MAIL_USER" "$DIR/mail"
  make_certificate
  # Dovecot re-reads passwd-files when they change: no restart for accounts.
  users=$(passwd_lines true a.password)
  app_passwords=$(passwd_lines a.appPassword a.appPassword)
  conf=$(config)
  write_file "$DIR/auth/users" 640 root:dovecot "$users"
  write_file "$DIR/auth/app-passwords" 640 root:dovecot "$app_passwords"
  CHANGED=
  write_file "$CONF" 644 root:root "$conf"

  if is_running && [ -z "$CHANGED" ]; then
    echo "dovecot: ${INSTALLED}already running ($(describe))"

    return 0
  fi
  did=started
  if is_running; then
    dovecot -c "$CONF" stop
    wait_stopped
    did="restarted with its new configuration"
  fi
  require_free_ports "${PORTS[@]}"
  # A pid file left by a killed instance stops Dovecot from starting when
  # its pid now belongs to another process.
  rm -f "$PIDFILE"
  # The lock's descriptor stays with this script, not with the daemon.
  dovecot -c "$CONF" 9>&- || fail "did not start; see $DIR/log/dovecot.log"
  wait_for_ports "${PORTS[@]}"
  # Also waits out the auth process's start: it retries the penalty tracker
  # it cannot reach for about 5 s before it answers the first sign-in.
  doveadm -c "$CONF" auth test "$(fixture "$FIXTURE" 'f.accounts[0].login')" \
    "$(fixture "$FIXTURE" 'f.accounts[0].password')" >/dev/null ||
    fail "started, but the first test account cannot sign in; see $DIR/log/dovecot.log"
  echo "dovecot: ${INSTALLED}${did} ($(describe))"
}

wait_stopped() {
  for _ in $(seq 1 100); do
    is_running || return 0
    sleep 0.1
  done
  fail "still running 10 s after stop"
}

case "${1:-}" in
  ensure)
    require_root
    lock_server
    ensure
    ;;
  stop)
    require_root
    lock_server
    if is_running; then
      dovecot -c "$CONF" stop
      wait_stopped
      echo "dovecot: stopped"
    else
      echo "dovecot: not running"
    fi
    ;;
  status)
    if is_running; then
      echo "dovecot: running ($(describe)), pid $(running_pid "$PIDFILE" dovecot)"
    else
      echo "dovecot: not running"
      exit 3
    fi
    ;;
  *)
    echo "usage: $0 ensure|stop|status" >&2
    exit 2
    ;;
esac
