#!/usr/bin/env bash
# check_basic.sh: item operations on distributed tables (without indexes, with an LSI, with a GSI), through dynamo.execute and the
# coordinator's wire endpoint (boto3), compared answer by answer with the same requests on a local table:
# PutItem, GetItem, UpdateItem, DeleteItem (with conditions and ReturnValues), Query, Scan (with segments),
# BatchGetItem, BatchWriteItem, TransactWriteItems and TransactGetItems across shards; and the items must be on
# the workers' shards, none left in the coordinator's shell; a distributed GSI holds exactly its items' entries,
# also after plain SQL writes and after UpdateTable added it to a table with items under a writer. Needs the
# cluster of cluster.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
eval "$(test/citus/cluster.sh env)"
LOG="$PGHOST/check_basic.log"   # in the cluster's directory: concurrent runs on other clusters have their own
if ! /usr/bin/python3 test/citus/map.py --check > "$LOG" 2>&1; then
    grep -v ': works$' "$LOG"
    echo "citus check_basic: FAILED (log: $LOG)"; exit 1
fi
grep '^check:' "$LOG" | sed 's/^/citus check_basic: /'
echo "citus check_basic: $(grep -c ': works$' "$LOG") item operations on a distributed table answer as on a local one"
