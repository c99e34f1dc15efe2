#!/usr/bin/env bash
# run-value-model.sh: build, install and run test/bench/value_model.sql in a
# throwaway cluster; prints dynamo-vs-jsonb ratios measured in one run.
set -euo pipefail
cd "$(dirname "$0")/../.."
make -s && make -s install
pg_virtualenv -- sh -c 'psql -X -q -c "CREATE EXTENSION IF NOT EXISTS dynamo" && psql -X -f test/bench/value_model.sql'
