#!/usr/bin/env bash
# Catalog load test (issue 3): product search (text + three filters) and a buyer's showcase page, beside
# the bare Django view (/healthz), at 20 concurrent clients against gunicorn on PostgreSQL.
#
#   bench/catalog_seed.sh          # once: 1,000,000 products from 10,000 suppliers (see the README)
#   bench/catalog_bench.sh         # serve and measure
#   DURATION=10s CONNECTIONS=20 BENCH_DATABASE_URL=postgres://... bench/catalog_bench.sh
#
# Bounded: every wrk run lasts DURATION; the server listens on 127.0.0.1 only and is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

DB_URL=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/trustfair_bench_catalog}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-20}
THREADS=${THREADS:-2}
WORKERS=${WORKERS:-4}
PORT=${PORT:-8766}
BASE="http://127.0.0.1:${PORT}"
PY=.venv/bin/python
LUA=bench/wrk_report.lua
[[ -f $LUA ]] || LUA=bench/catalog_wrk.lua

command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
[[ "$DB_URL" == postgres://*@127.0.0.1:* ]] || { echo "BENCH_DATABASE_URL must point at 127.0.0.1" >&2; exit 1; }
export DATABASE_URL="$DB_URL"
export DEBUG=false SECRET_KEY=bench ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false LOG_LEVEL=WARNING
$PY manage.py collectstatic --noinput -v 0

# A signed-in demo buyer: a session made directly in the database, passed to wrk as a cookie.
read -r SESSION TOKEN PRODUCTS < <($PY manage.py shell -v 0 -c "
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from marketplace.catalog.models import Product
from marketplace.companies.models import User
from marketplace.showcases.models import Showcase
user = User.objects.get(email='buyer@demo.trustfair.test')
s = SessionStore()
s[SESSION_KEY] = str(user.pk); s[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'
s[HASH_SESSION_KEY] = user.get_session_auth_hash(); s.create()
showcase = Showcase.objects.filter(supplier__slug='ningbo-hengtai-precision-machinery').order_by('pk').first()
print(s.session_key, showcase.token, Product.objects.count())
" | tail -1)

echo "== gunicorn -w $WORKERS on $BASE ($PRODUCTS products); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
.venv/bin/gunicorn marketplace.wsgi -w "$WORKERS" -b "127.0.0.1:${PORT}" --log-level warning &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null && break; sleep 0.5; done

SEARCH="$BASE/products/?q=lathes&country=CN&verified=true&price_max=20000"
declare -a NAMES=("bare view (/healthz)" "product search: q + country + verified + price_max" \
                  "product search, sorted by price" "showcase page (signed-in buyer)")
declare -a URLS=("$BASE/healthz" "$SEARCH" "$SEARCH&sort=price" "$BASE/showcases/$TOKEN/")
declare -a HEADERS=("" "" "" "Cookie: sessionid=$SESSION")

for i in "${!URLS[@]}"; do
  status=$(curl -s -o /tmp/catalog_bench_check.html -w '%{http_code}' ${HEADERS[$i]:+-H "${HEADERS[$i]}"} "${URLS[$i]}")
  [[ "$status" == 200 ]] || { echo "${URLS[$i]} answered $status; not measuring" >&2; exit 1; }
done

for i in "${!URLS[@]}"; do
  echo "== ${NAMES[$i]}  (${URLS[$i]#"$BASE"})"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$LUA" ${HEADERS[$i]:+-H "${HEADERS[$i]}"} "${URLS[$i]}" \
    | grep -E "REPORT|Latency|Requests/sec"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
