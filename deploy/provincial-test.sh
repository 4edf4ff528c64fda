#!/usr/bin/env bash
# The provincial set-up, run for real (docs/deploy.md, section 2): a PostgreSQL database,
# two `trainer serve` processes sharing it and Debian's nginx in front with
# deploy/nginx/tapso.conf. A learner's requests go through nginx and alternate between
# the servers; one server is killed mid-lesson; nginx must send the learner to the other
# with nothing lost. Exits 0 and prints PASS, or says what went wrong.
#
#   make provincial            (installs nginx-light; PostgreSQL must answer on PGURL)
#   PGURL=postgresql://postgres@127.0.0.1:5432 deploy/provincial-test.sh
#
# Everything runs as plain processes in a temporary folder on free ports: nothing of the
# machine's own nginx or services is touched. The database is $TAPSO_DB (dropped first).
set -euo pipefail
cd "$(dirname "$0")/.."
export PGOPTIONS="--client-min-messages=warning"
checkout=$PWD

PGURL=${PGURL:-postgresql://postgres@127.0.0.1:5432}
TAPSO_DB=${TAPSO_DB:-tapso_province}
PYTHON=${PYTHON:-python3}
TRAINER=${TRAINER:-trainer}
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}

say() { printf '== %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

command -v "$TRAINER" >/dev/null || fail "no trainer command (run through make provincial)"
test -x "$NGINX" || fail "no nginx (make nginx installs Debian's nginx-light)"
psql "$PGURL/postgres" -qAtc 'select 1' >/dev/null || fail "PostgreSQL does not answer at $PGURL"

work=$(mktemp -d /tmp/tapso-province.XXXXXX)
chmod 755 "$work"  # nginx's worker processes write their temporary files here
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "${KEEP:-0}" = 1 ]; then echo "logs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

free_port() { "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() {  # URL, what: until it answers 200 (30 s)
  for _ in $(seq 150); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.2
  done
  fail "$2 did not answer at $1 (logs: $work)"
}

say "PostgreSQL: a fresh database $TAPSO_DB, upgraded once (trainer db upgrade)"
psql "$PGURL/postgres" -qc "DROP DATABASE IF EXISTS $TAPSO_DB WITH (FORCE)" \
                       -c "CREATE DATABASE $TAPSO_DB" >/dev/null
export DATABASE_URL="$PGURL/$TAPSO_DB"
SECRET_KEY=$("$PYTHON" -c 'import secrets; print(secrets.token_hex(32))')
export SECRET_KEY TRAINER_PROXY_FIX=1 TRAINER_USE_CDN=0  # as /etc/tapso.env in docs/deploy.md
"$TRAINER" db upgrade

port1=$(free_port); port2=$(free_port); front=$(free_port)
say "two servers on 127.0.0.1:$port1 and 127.0.0.1:$port2"
"$TRAINER" serve --host 127.0.0.1 --port "$port1" >"$work/app1.log" 2>&1 & app1=$!
"$TRAINER" serve --host 127.0.0.1 --port "$port2" >"$work/app2.log" 2>&1 & app2=$!
pids+=("$app1" "$app2")
wait_for "http://127.0.0.1:$port1/healthz" "server 1"
wait_for "http://127.0.0.1:$port2/healthz" "server 2"

say "nginx on 127.0.0.1:$front with deploy/nginx/tapso.conf"
sed -e "s/127\.0\.0\.1:5001;/127.0.0.1:$port1;/" -e "s/127\.0\.0\.1:5002;/127.0.0.1:$port2;/" \
    -e "s/listen 80;/listen 127.0.0.1:$front;/" deploy/nginx/tapso.conf >"$work/tapso.conf"
grep -q "127.0.0.1:$port1;" "$work/tapso.conf" && grep -q "127.0.0.1:$port2;" "$work/tapso.conf" \
  && grep -q "listen 127.0.0.1:$front;" "$work/tapso.conf" \
  || fail "deploy/nginx/tapso.conf no longer has the upstream 127.0.0.1:5001/5002 and listen 80"
mkdir -p "$work/nginx-temp"
cat >"$work/nginx.conf" <<EOF
# What /etc/nginx/nginx.conf gives the site on a Debian server, in a temporary folder.
daemon off;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 256; }
http {
    log_format upstream '\$request_method \$uri \$status upstream=\$upstream_addr';
    access_log $work/access.log upstream;
    client_body_temp_path $work/nginx-temp/body;
    proxy_temp_path $work/nginx-temp/proxy;
    fastcgi_temp_path $work/nginx-temp/fastcgi;
    uwsgi_temp_path $work/nginx-temp/uwsgi;
    scgi_temp_path $work/nginx-temp/scgi;
    include $work/tapso.conf;
}
EOF
"$NGINX" -t -q -c "$work/nginx.conf" -p "$work" 2>&1 | grep -v "^$" || true
"$NGINX" -c "$work/nginx.conf" -p "$work" 2>>"$work/nginx-error.log" & nginx=$!
pids+=("$nginx")
wait_for "http://127.0.0.1:$front/healthz" "nginx"

say "a learner through nginx; server 1 (pid $app1) is killed after the second answer"
PYTHONPATH="$checkout" FRONT="http://127.0.0.1:$front" KILL_PID="$app1" \
  ACCESS_LOG="$work/access.log" PORT1="$port1" PORT2="$port2" "$PYTHON" - <<'EOF'
import os
import signal
import socket
import time

from tests.http_learner import HttpLearner

front, log = os.environ["FRONT"], os.environ["ACCESS_LOG"]
one, two = f"127.0.0.1:{os.environ['PORT1']}", f"127.0.0.1:{os.environ['PORT2']}"
answers = [("1", {"target": "app-messages"}), ("2", {"target": "son1"}),
           ("3", {"done": "1"}), ("4", {"option": "1"})]


def upstreams() -> list[str]:
    time.sleep(0.3)  # nginx writes the line once the response is sent
    return [line.split("upstream=", 1)[1].strip() for line in open(log, encoding="utf-8")
            if "/lessons/" in line]


def answer(number: str, form: dict) -> None:
    status, body = learner.post(f"/lessons/sms-basics/{number}", **form)
    if status != 200 or "feedback good" not in body:
        raise SystemExit(f"FAIL: step {number} answered {status} through nginx")
    print(f"   step {number}: answer kept")


learner = HttpLearner(front)
status, _url, page = learner.get("/lessons/sms-basics/1")
assert status == 200 and "Mở và trả lời tin nhắn" in page, status
for number, form in answers[:2]:
    answer(number, form)
before = upstreams()
print("   served by:", ", ".join(before))
if not ({one, two} <= set(before)):
    raise SystemExit(f"FAIL: requests did not alternate between both servers: {before}")

os.kill(int(os.environ["KILL_PID"]), signal.SIGKILL)  # mid-lesson, between two answers
for _ in range(50):  # the kernel closes its port a moment later
    try:
        socket.create_connection(("127.0.0.1", int(os.environ["PORT1"])), 0.2).close()
        time.sleep(0.1)
    except OSError:
        break
print(f"   killed server 1 ({one})")
for number, form in answers[2:]:
    answer(number, form)
home = learner.get("/")[2]
if "Đã học 4/6 bước" not in home:
    raise SystemExit("FAIL: progress lost: the home page does not say 4 of 6 steps done")
after = upstreams()[len(before):]
print("   served by:", ", ".join(after))
if any(entry.split(", ")[-1] != two for entry in after):
    raise SystemExit(f"FAIL: a request after the kill was not answered by server 2: {after}")
print("   4 of 6 steps kept, every answer after the kill answered by server 2")
EOF

{ wait "$app1"; } 2>/dev/null || true  # reaped quietly: its death was the point

say "PostgreSQL holds the learner's four answers"
attempts=$(psql "$DATABASE_URL" -qAtc "select count(distinct step_key) from step_event where kind = 'answer' and correct")
[ "$attempts" = 4 ] || fail "expected 4 steps answered right in the database, found '$attempts'"
curl -fsS -o /dev/null "http://127.0.0.1:$front/healthz" || fail "nginx stopped answering"
psql "$PGURL/postgres" -qc "DROP DATABASE IF EXISTS $TAPSO_DB WITH (FORCE)" >/dev/null
echo "PASS: provincial set-up (PostgreSQL, 2 servers, nginx), a server killed mid-lesson"
