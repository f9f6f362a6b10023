#!/usr/bin/env bash
# Deal page at 20 concurrent clients (issue 13, Figures): gunicorn -w 4 on the seeded deals database, wrk
# hitting DISTINCT 30-event deal pages signed in as each deal's buyer, beside the bare /healthz in the
# same run. Run only on a quiet machine (the script refuses when the 1-minute load average is >= 2;
# FORCE=1 overrides). Bounded: each wrk run lasts DURATION; the server listens on 127.0.0.1 and is
# stopped on exit.
#
#   DB_URL=postgres://postgres@127.0.0.1:5432/tf_dperf_bench bench/deals_load.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DB_URL=${DB_URL:-postgres://postgres@127.0.0.1:5432/tf_dperf_bench}
PORT=${PORT:-8766} WORKERS=${WORKERS:-4} THREADS=${THREADS:-2} CONNECTIONS=${CONNECTIONS:-20}
DURATION=${DURATION:-20s} PAGES=${PAGES:-5000}
PY=${PY:-.venv/bin/python} GUNICORN=${GUNICORN:-.venv/bin/gunicorn}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
one=$(cut -d' ' -f1 /proc/loadavg)
if [ "${FORCE:-0}" != 1 ] && awk "BEGIN{exit !($one >= 2)}"; then
  echo "load average $one >= 2: not measuring (FORCE=1 to run anyway)" >&2; exit 2
fi
export DATABASE_URL="$DB_URL" DEBUG=false SECRET_KEY=bench ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false \
  LOG_LEVEL=WARNING DEALS_PAGES=/tmp/deals_pages_$$.txt
"$PY" manage.py collectstatic --noinput -v 0
"$PY" bench/deals_bench.py sessions --deals "$PAGES" --out "$DEALS_PAGES"
BASE="http://127.0.0.1:${PORT}"
"$GUNICORN" marketplace.wsgi -w "$WORKERS" -b "127.0.0.1:${PORT}" --log-level warning &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -f "$DEALS_PAGES"' EXIT
for _ in $(seq 50); do curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null && break; sleep 0.2; done
read -r path cookie < "$DEALS_PAGES"
status=$(curl -s -o /tmp/deals_load_check.html -w '%{http_code}' -H "Cookie: $cookie" "$BASE$path")
[ "$status" = 200 ] && grep -q timeline-body /tmp/deals_load_check.html || { echo "deal page answered $status" >&2; exit 1; }
echo "before: $(cat /proc/loadavg)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d3s --timeout 10s -s bench/deals_page.lua "$BASE" >/dev/null  # warm-up
for name in bare page; do
  if [ $name = bare ]; then
    line=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 10s --latency -s bench/wrk_report.lua \
      "$BASE/healthz" | grep REPORT)
  else
    line=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 10s --latency -s bench/deals_page.lua \
      "$BASE" | grep REPORT)
  fi
  echo "$name: $line  (load $(cut -d' ' -f1-3 /proc/loadavg))"
done
echo "$(nproc) CPUs, gunicorn -w $WORKERS (sync), wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $PAGES distinct deal pages"
