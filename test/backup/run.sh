#!/usr/bin/env bash
# run.sh: the data-protection tests that need clusters of their own: every
# test/backup/check_*.sh, in name order (point-in-time recovery over a
# scripted history, pg_basebackup with WAL archiving, export and import).
# Each check starts and stops its own clusters; the installed build is used.
# Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
for check in test/backup/check_*.sh; do
    [ -e "$check" ] || continue
    echo "--- $check"
    "$check"
done
