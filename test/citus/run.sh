#!/usr/bin/env bash
# run.sh: the distributed suite. Starts a Citus cluster of a coordinator and two workers (cluster.sh, which
# installs Citus first and fails when it cannot), runs the checks, stops the cluster; exits non-zero on failure.
# When a check fails, the servers' logs and the checks' own (check_basic.log, suites/, the load logs of the
# operations checks) are kept beside the cluster's directory, in CITUS_DIR.logs.
#
#   test/citus/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
eval "$(test/citus/cluster.sh env)"
DIR=$PGHOST
finish() {
    local status=$?
    if [ "$status" -ne 0 ] && [ -d "$DIR" ]; then
        rm -rf "$DIR.logs"
        mkdir -p "$DIR.logs"
        (cd "$DIR" && cp -r ./*.log suites rebalance-load crash-load "$DIR.logs/" 2>/dev/null) || true
        echo "citus: FAILED; the logs are in $DIR.logs"
    fi
    test/citus/cluster.sh stop
}
test/citus/cluster.sh stop
trap finish EXIT
test/citus/cluster.sh start
test/citus/check_basic.sh
test/citus/check_suites.sh         # the single-node wire and SQL tests on distributed tables
test/citus/check_rebalance.sh      # joins the spare worker: the crash check then runs on three workers
test/citus/check_worker_crash.sh
echo "citus: every check passed"
