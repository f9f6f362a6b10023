#!/usr/bin/env bash
# Seed the search benchmark database (issue 12): the demo world, 100,000 directory companies
# (seed_demo --scale), the demo catalog, then 1,000,000 products from 10,000 suppliers (COPY).
# Each step is timed; a second run adds nothing.
#   bench/search_seed.sh
#   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/tf_p_bench COMPANIES=100000 PRODUCTS=1000000 bench/search_seed.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DB_URL=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/tf_search_bench}
COMPANIES=${COMPANIES:-100000}
PRODUCTS=${PRODUCTS:-1000000}
SUPPLIERS=${SUPPLIERS:-10000}
PY=${PY:-.venv/bin/python}
[[ "$DB_URL" == postgres://*@127.0.0.1:* ]] || { echo "BENCH_DATABASE_URL must point at 127.0.0.1" >&2; exit 1; }
export DATABASE_URL="$DB_URL"
db_name=${DB_URL##*/}
psql -h 127.0.0.1 -U postgres -lqt | cut -d'|' -f1 | grep -qw "$db_name" || createdb -h 127.0.0.1 -U postgres "$db_name"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
t() { local label=$1; shift; /usr/bin/time -f "$label: %e s wall, %U s user, %M KB max RSS" "$@"; }
t migrate $PY manage.py migrate --noinput -v 0
t seed_demo $PY manage.py seed_demo
t "seed_demo --scale $COMPANIES" $PY manage.py seed_demo --scale "$COMPANIES"
t seed_catalog $PY manage.py shell -v 0 -c "
import sys
from marketplace.catalog.demo import seed_catalog
seed_catalog(stdout=sys.stdout)
print()"
t "seed_catalog_scale $PRODUCTS" $PY manage.py shell -v 0 -c "
from marketplace.catalog.demo import seed_catalog_scale
seed_catalog_scale(products=${PRODUCTS}, suppliers=${SUPPLIERS})"
psql -h 127.0.0.1 -U postgres -d "$db_name" -c "VACUUM ANALYZE" >/dev/null
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
