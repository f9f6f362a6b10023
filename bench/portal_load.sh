#!/usr/bin/env bash
# Portal load test (issue 2): the company directory, unfiltered and filtered, and the home page,
# at 20 concurrent clients against gunicorn on PostgreSQL with 100,000+ companies, beside a bare
# Django view (/healthz) on the same server as the ceiling.
#
#   bench/portal_load.sh                     # full run: create/migrate/seed the db, serve, measure
#   SKIP_SEED=1 bench/portal_load.sh         # reuse an already seeded database
#   DURATION=10s CONNECTIONS=20 SCALE=100000 BENCH_DATABASE_URL=postgres://... bench/portal_load.sh
#   WSGI_APP=module:application bench/portal_load.sh   # serve another WSGI entry point (experiments)
#
# Bounded: every wrk run lasts DURATION; the server listens on 127.0.0.1 only and is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

DB_URL=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/trustfair_bench}
SCALE=${SCALE:-100000}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-20}
THREADS=${THREADS:-2}
WORKERS=${WORKERS:-4}
PORT=${PORT:-8765}
WSGI_APP=${WSGI_APP:-marketplace.wsgi}
BASE="http://127.0.0.1:${PORT}"
PY=.venv/bin/python

command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
[[ "$DB_URL" == postgres://*@127.0.0.1:* ]] || { echo "BENCH_DATABASE_URL must point at 127.0.0.1" >&2; exit 1; }

export DATABASE_URL="$DB_URL"
# Production-like settings: no debug toolbar of queries, compressed manifest static files.
export DEBUG=false SECRET_KEY=bench ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false LOG_LEVEL=WARNING

if [[ -z "${SKIP_SEED:-}" ]]; then
  db_name=${DB_URL##*/}
  db_host_part=${DB_URL#postgres://}
  db_user=${db_host_part%%@*}
  if ! psql -h 127.0.0.1 -U "$db_user" -lqt | cut -d'|' -f1 | grep -qw "$db_name"; then
    createdb -h 127.0.0.1 -U "$db_user" "$db_name"
  fi
  echo "== migrate, seed_demo, seed_demo --scale $SCALE on $db_name"
  $PY manage.py migrate --noinput -v 0
  $PY manage.py seed_demo
  $PY manage.py seed_demo --scale "$SCALE"
fi
$PY manage.py collectstatic --noinput -v 0

companies=$($PY manage.py shell -v 0 -c "from marketplace.companies.models import Company; print(Company.objects.count())" 2>/dev/null | tail -1)

echo "== gunicorn $WSGI_APP -w $WORKERS on $BASE ($companies companies)"
.venv/bin/gunicorn "$WSGI_APP" -w "$WORKERS" -b "127.0.0.1:${PORT}" --log-level warning &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null && break
  sleep 0.5
done

declare -a NAMES=(
  "bare view (/healthz)"
  "home page (/)"
  "directory, unfiltered"
  "directory, filtered"
)
declare -a URLS=(
  "$BASE/healthz"
  "$BASE/"
  "$BASE/companies/"
  "$BASE/companies/?country=CN&industry=machinery&verified=true&q=precision&sort=name"
)

# Every page must answer 200 before it is measured: a fast error page is not a result.
for url in "${URLS[@]}"; do
  status=$(curl -s -o /tmp/portal_load_check.html -w '%{http_code}' "$url")
  if [[ "$status" != 200 ]]; then
    echo "$url answered $status; not measuring. First lines:" >&2
    head -c 600 /tmp/portal_load_check.html >&2
    exit 1
  fi
done

declare -a REPORTS=()
for i in "${!URLS[@]}"; do
  # A short warm-up fills each worker's caches (templates, translations, connections).
  wrk -t"$THREADS" -c"$CONNECTIONS" -d3s --timeout 10s "${URLS[$i]}" >/dev/null
  # --timeout 10s: wrk's default (2 s) drops slower responses from the latency figures altogether.
  line=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 10s --latency -s bench/wrk_report.lua \
    "${URLS[$i]}" | grep '^REPORT')
  REPORTS+=("$line")
  echo "${NAMES[$i]}: ${line#REPORT } (1-min load average after: $(cut -d' ' -f1 /proc/loadavg))"
done

field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$2"; }
bare_rps=$(field rps "${REPORTS[0]}")

echo
echo "$(nproc) CPUs, gunicorn $WSGI_APP -w $WORKERS (sync), wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $companies companies"
printf '| %-24s | %8s | %8s | %8s | %9s | %9s | %6s |\n' page "p50 ms" "p95 ms" "p99 ms" "req/s" "% of bare" errors
printf '|%s|%s|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..26})" "----------" "----------" "----------" "-----------" "-----------" "--------"
for i in "${!URLS[@]}"; do
  r=${REPORTS[$i]}
  rps=$(field rps "$r")
  errors=$(( $(field non2xx "$r") + $(field socket_errors "$r") ))
  printf '| %-24s | %8s | %8s | %8s | %9s | %8.0f%% | %6s |\n' "${NAMES[$i]}" "$(field p50_ms "$r")" \
    "$(field p95_ms "$r")" "$(field p99_ms "$r")" "$rps" "$(awk -v a="$rps" -v b="$bare_rps" 'BEGIN{print 100*a/b}')" "$errors"
done
