#!/usr/bin/env bash
# The ClamAV daemon that make run and make test scan uploads with (smartbank/engines/antivirus.py),
# started without systemd. No signatures can be downloaded here, so it loads only the databases
# shipped in .ci/clamav/ (custom.ndb: the EICAR test file's marker string, anywhere in a file).
# Production points CLAMAV_ADDRESS at a clamd fed by freshclam instead (README, "Virus scanning").
#
#   bash .ci/clamd.sh start   start clamd on var/clamav/clamd.sock unless one answers there
#   bash .ci/clamd.sh stop    stop the clamd whose pid is in var/clamav/clamd.pid
#   bash .ci/clamd.sh ping    exit 0 when clamd answers PING with PONG
#
# CLAMD_DIR overrides var/clamav (a test starts a second clamd in a folder of its own);
# CLAMD_EXTRA_CONFIG adds clamd.conf lines ("TCPSocket 3399" to listen on TCP too). As root,
# clamd drops to the `clamav` user that Debian's clamav-daemon package creates (`User clamav`):
# the scanner parses hostile files, so it does not keep root. The folder is then owned by
# clamav, which must bind the socket and write its log there; root still connects to the
# socket (mode 660). Where a parent folder is closed to clamav (a checkout under a mode-700
# folder) it runs as root instead, and says so. Started by any other user, it runs as that user.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIR="${CLAMD_DIR:-$ROOT/var/clamav}"
SOCKET="$DIR/clamd.sock"
PIDFILE="$DIR/clamd.pid"

ping_clamd() {
  python3 - "$SOCKET" <<'PY'
import socket, sys
try:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(2)
        s.connect(sys.argv[1])
        s.sendall(b"zPING\0")
        sys.exit(0 if s.recv(16) == b"PONG\0" else 1)
except OSError:
    sys.exit(1)
PY
}

start() {
  if ping_clamd; then echo "clamd is up on $SOCKET"; return 0; fi
  command -v clamd >/dev/null || { echo "clamd is not installed (apt-get install clamav-daemon)" >&2; exit 1; }
  mkdir -p "$DIR/db" "$DIR/tmp"
  rm -f "$DIR"/db/* "$SOCKET"
  cp "$ROOT"/.ci/clamav/*.ndb "$DIR/db/"
  local user_line=""
  if [ "$(id -u)" = 0 ] && id clamav >/dev/null 2>&1; then
    chown -R clamav:clamav "$DIR"
    if runuser -u clamav -- test -w "$DIR" -a -r "$DIR/db/custom.ndb" 2>/dev/null; then
      user_line="User clamav"
    else
      # A parent folder is closed to other users (a checkout under a mode-700 folder).
      echo "note: the clamav user cannot reach $DIR, so clamd runs as root" >&2
    fi
  fi
  # Uploads are at most 10 MB (KYC_MAX_UPLOAD_BYTES, WAIVER_MAX_UPLOAD_BYTES): clamd must take
  # the whole stream, or it answers "INSTREAM size limit exceeded" and nothing is scanned.
  cat >"$DIR/clamd.conf" <<CONF
# Written by .ci/clamd.sh on every start; edit that script instead. Of an option given twice
# clamd takes the first, so CLAMD_EXTRA_CONFIG comes first.
${CLAMD_EXTRA_CONFIG:-}
LocalSocket $SOCKET
LocalSocketMode 660
FixStaleSocket yes
DatabaseDirectory $DIR/db
TemporaryDirectory $DIR/tmp
PidFile $PIDFILE
LogFile $DIR/clamd.log
LogTime yes
Foreground no
$user_line
StreamMaxLength 30M
MaxFileSize 30M
MaxScanSize 100M
MaxThreads 4
SelfCheck 3600
CONF
  clamd -c "$DIR/clamd.conf"
  for _ in $(seq 1 50); do ping_clamd && break; sleep 0.1; done
  ping_clamd || { echo "clamd did not start ($DIR/clamd.log)" >&2; exit 1; }
  echo "clamd started on $SOCKET"
}

stop() {
  local pid
  pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$PIDFILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  ping) ping_clamd ;;
  *) echo "usage: $0 start|stop|ping" >&2; exit 2 ;;
esac
