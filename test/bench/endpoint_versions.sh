#!/usr/bin/env bash
# endpoint_versions.sh: GetItem and PutItem through the wire endpoint, the
# current tree against an earlier commit (BASELINE, a git ref), in one run:
# both builds serve the same cluster and the same data in turn, A B A B ...
# (ROUNDS rounds), with the same wrk client, so that the ratio current /
# baseline is measured under the same conditions.  Authentication is off
# for the benchmark only; fsync on, a CHECKPOINT before each run.
#
#   BASELINE=0696207 ITEMS=10000 DURATION=10 ROUNDS=2 test/bench/endpoint_versions.sh
#
# It installs each build in turn into the Postgres that pg_config names, so
# it takes /tmp/dynamo-install.lock for the whole run; it leaves the current
# tree's build installed.
set -euo pipefail
cd "$(dirname "$0")/../.."
export BASELINE=${BASELINE:?BASELINE: the git ref to compare with}
export ITEMS=${ITEMS:-10000} DURATION=${DURATION:-10} ROUNDS=${ROUNDS:-2}
export HTTP_PORT=${HTTP_PORT:-8200}
ROOT=$PWD
WORK=$(mktemp -d /tmp/dynamo-versions.XXXXXX)
trap 'git -C "$ROOT" worktree remove --force "$WORK/baseline" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT

git worktree add -q --detach "$WORK/baseline" "$BASELINE"
make -s -C "$WORK/baseline" >/dev/null
make -s >/dev/null
export BASELINE_DIR=$WORK/baseline CURRENT_DIR=$ROOT
exec 9>/tmp/dynamo-install.lock
flock 9
make -s -C "$CURRENT_DIR" install >/dev/null
pg_virtualenv -t -o "port=${DYNAMO_BENCH_PORT:-5498}" -o fsync=on -o max_wal_size=8GB \
    -o checkpoint_timeout=30min -o shared_preload_libraries=dynamo \
    -o dynamo.http_port="$HTTP_PORT" -o dynamo.http_auth=off -o dynamo.http_workers="${WORKERS:-2}" \
    -- test/bench/endpoint_versions_run.sh
make -s -C "$CURRENT_DIR" install >/dev/null
