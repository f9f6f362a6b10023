#!/usr/bin/env bash
# Seed the catalog benchmark database: demo world, demo catalog, then PRODUCTS products from SUPPLIERS
# suppliers (seed_catalog_scale, COPY on PostgreSQL). Idempotent: a second run adds nothing.
#   bench/catalog_seed.sh                       # 1,000,000 products, 10,000 suppliers
#   PRODUCTS=200000 SUPPLIERS=2000 bench/catalog_seed.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DB_URL=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/trustfair_bench_catalog}
PRODUCTS=${PRODUCTS:-1000000}
SUPPLIERS=${SUPPLIERS:-10000}
[[ "$DB_URL" == postgres://*@127.0.0.1:* ]] || { echo "BENCH_DATABASE_URL must point at 127.0.0.1" >&2; exit 1; }
export DATABASE_URL="$DB_URL"
db_name=${DB_URL##*/}
psql -h 127.0.0.1 -U postgres -lqt | cut -d'|' -f1 | grep -qw "$db_name" || createdb -h 127.0.0.1 -U postgres "$db_name"
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py seed_demo
/usr/bin/time -f "seed_catalog: %e s wall, %M KB max RSS" .venv/bin/python manage.py shell -v 0 -c "
import sys
from marketplace.catalog.demo import seed_catalog
seed_catalog(stdout=sys.stdout)
print()"
/usr/bin/time -f "seed_catalog_scale: %e s wall, %M KB max RSS" .venv/bin/python manage.py shell -v 0 -c "
from marketplace.catalog.demo import seed_catalog_scale
seed_catalog_scale(products=${PRODUCTS}, suppliers=${SUPPLIERS})"
