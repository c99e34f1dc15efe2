#!/usr/bin/env bash
# run.sh: the distributed suite. Starts a Citus cluster of a coordinator and two workers (cluster.sh, which
# installs Citus first and fails when it cannot), runs the checks, stops the cluster; exits non-zero on failure.
#
#   test/citus/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
test/citus/cluster.sh stop
trap 'test/citus/cluster.sh stop' EXIT
test/citus/cluster.sh start
test/citus/check_basic.sh
test/citus/check_suites.sh         # the single-node wire and SQL tests on distributed tables
test/citus/check_rebalance.sh      # joins the spare worker: the crash check then runs on three workers
test/citus/check_worker_crash.sh
echo "citus: every check passed"
