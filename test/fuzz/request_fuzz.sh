#!/usr/bin/env bash
# request_fuzz.sh: the request fuzzer's sweep (test/fuzz/request_fuzz.py) in a
# throwaway cluster: pg_virtualenv with dynamo preloaded and the endpoint on
# port DYNAMO_FUZZ_PORT (8421) without authentication.  Replays the
# regression corpus (test/fuzz/request_corpus/) first, then SEED's first
# COUNT generated requests through the endpoint and dynamo.execute; exits
# non-zero on any crash, hang, bad answer or data changed by a rejected
# request.  Extra arguments go to request_fuzz.py.
#
#   test/fuzz/request_fuzz.sh                    the CI sweep (seed 1, 25000 requests)
#   SEED=7 COUNT=1000000 test/fuzz/request_fuzz.sh --seconds 3600 --keep-going
set -euo pipefail
cd "$(dirname "$0")/../.."

PORT=${DYNAMO_FUZZ_PORT:-8421}
if [ -z "${REQUEST_FUZZ_CLUSTER:-}" ]; then
    # endpoint workers of another cluster on the port would share it (SO_REUSEPORT)
    if curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then
        echo "request fuzz: port $PORT is in use; set DYNAMO_FUZZ_PORT" >&2
        exit 1
    fi
    exec pg_virtualenv -t -o shared_preload_libraries=dynamo -o dynamo.http_port="$PORT" \
        -o wal_level=logical -o output_plugin_libraries=pgoutput,test_decoding,dynamo \
        -o dynamo.http_auth=off -- env REQUEST_FUZZ_CLUSTER=1 "$0" "$@"
fi

# inside the cluster: its log (pg_virtualenv's clusters are listed under the name regress)
log=$(pg_lsclusters -h | awk '$2 == "regress" { print $7 }')
for i in $(seq 1 50); do   # the endpoint workers start once the cluster is up
    curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break
    sleep 0.2
done
exec /usr/bin/python3 test/fuzz/request_fuzz.py --endpoint "http://127.0.0.1:$PORT" --server-log "$log" \
    --corpus test/fuzz/request_corpus --seed "${SEED:-1}" --count "${COUNT:-25000}" "$@"
