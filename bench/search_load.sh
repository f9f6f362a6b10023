#!/usr/bin/env bash
# Search and list pages under load as buyers meet them (issue 12): gunicorn -w 4, wrk 20 connections,
# every request a different URL (bench/search_timer.py --write-urls makes the lists), signed in (a
# session cookie) and signed out, beside the bare view (/healthz) and the old repeated-URL figures
# (cache hits) in the same run. Records the machine's load and the CPU other processes use.
#
#   bench/search_seed.sh                     # once: 1,000,000 products, 100,000 companies
#   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/tf_p_bench bench/search_load.sh
#   DURATION=20s CONNECTIONS=20 bench/search_load.sh
# Bounded: every wrk run lasts DURATION; the server listens on 127.0.0.1 only and is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
DB_URL=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/tf_search_bench}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-20}
WORKERS=${WORKERS:-4}
PORT=${PORT:-8771}
PY=${PY:-.venv/bin/python}
GUNICORN=${GUNICORN:-$(dirname "$PY")/gunicorn}
BASE="http://127.0.0.1:${PORT}"
OUT=${OUT:-/tmp/search_load}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
[[ "$DB_URL" == postgres://*@127.0.0.1:* ]] || { echo "BENCH_DATABASE_URL must point at 127.0.0.1" >&2; exit 1; }
export DATABASE_URL="$DB_URL"
export DEBUG=false SECRET_KEY=bench ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false LOG_LEVEL=WARNING
$PY manage.py collectstatic --noinput -v 0
$PY bench/search_timer.py --pages search,directory,portal,showcase --n 2000 --write-urls "$OUT"

read -r BUYER_SESSION SUPPLIER_SESSION < <($PY manage.py shell -v 0 -c "
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from marketplace.companies.models import User
keys = []
for email in ('buyer@demo.trustfair.test', 'supplier@demo.trustfair.test'):
    user = User.objects.get(email=email)
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk); s[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'
    s[HASH_SESSION_KEY] = user.get_session_auth_hash(); s.create()
    keys.append(s.session_key)
print(*keys)
" | tail -1)

others() {  # CPU % of processes that are not this benchmark's (top, one sample)
  top -b -n1 -w 200 | awk 'NR>7 && $9+0 > 5 {print $9"% "$12}' | grep -v -E 'gunicorn|wrk|postgres' | head -8 | tr '\n' ' '
}
echo "== $(nproc) CPUs; uptime: $(uptime)"
echo "== other processes using CPU: $(others)"
$GUNICORN marketplace.wsgi -w "$WORKERS" -b "127.0.0.1:${PORT}" --log-level warning &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null && break; sleep 0.5; done

run() {  # name, urls file or single URL, cookie
  local name=$1 target=$2 cookie=${3:-}
  if [[ -f $target ]]; then
    line=$(URLS_FILE=$target COOKIE=$cookie wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --timeout 10s --latency \
      -s bench/search_wrk.lua "$BASE/" | grep '^REPORT')
  else
    line=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --timeout 10s --latency -s bench/wrk_report.lua \
      ${cookie:+-H "Cookie: $cookie"} "$BASE$target" | grep '^REPORT')
  fi
  printf '| %-44s | %s | load %s\n' "$name" "${line#REPORT }" "$(cut -d' ' -f1 /proc/loadavg)"
}
curl -fsS -o /dev/null -H "Cookie: sessionid=$BUYER_SESSION" "$BASE$(head -1 "${OUT}_search.txt")"
run "bare /healthz" /healthz
run "search, signed in, distinct" "${OUT}_search.txt" "sessionid=$BUYER_SESSION"
run "search, signed out, distinct" "${OUT}_search.txt"
run "directory, signed in, distinct" "${OUT}_directory.txt" "sessionid=$BUYER_SESSION"
run "portal list, signed in, distinct" "${OUT}_portal.txt" "sessionid=$SUPPLIER_SESSION"
run "showcase, signed in buyer" "${OUT}_showcase.txt" "sessionid=$BUYER_SESSION"
run "cache hits: one search URL repeated, signed out" "/products/?q=lathes&country=CN&verified=on&price_max=20000"
run "cache hits: one directory URL repeated, signed out" "/companies/?country=CN&industry=machinery&verified=true&q=precision&sort=name"
run "bare /healthz (again)" /healthz
echo "== uptime after: $(uptime)"
echo "== other processes using CPU: $(others)"
