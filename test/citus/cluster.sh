#!/usr/bin/env bash
# cluster.sh: a Citus cluster of three Postgres servers on this machine, for the distributed suite.
#
#   test/citus/cluster.sh start     install Citus if needed, start a coordinator and two workers, join them
#   test/citus/cluster.sh stop      stop the three servers and remove their directory
#   test/citus/cluster.sh env       print the PG* settings that reach the coordinator (eval "$(... env)")
#   test/citus/cluster.sh spare     start a third worker with Citus, not joined (check_rebalance.sh joins it)
#   test/citus/cluster.sh restart NODE   start one node again after it was killed (check_worker_crash.sh)
#
# Each server has shared_preload_libraries = 'citus,dynamo' (Citus must come first), wal_level = logical with
# the dynamo output plugin allowed (streams), max_prepared_transactions for Citus' two-phase commit, and the
# wire endpoint on a port of its own without authentication. The coordinator listens on CITUS_PORT (5481), the
# workers on the next two ports; the endpoints on CITUS_HTTP_PORT (5484) and the next two. Everything lives in
# CITUS_DIR ($TMPDIR or /tmp, dynamo-citus); the servers are those of CITUS_PG_BIN (/usr/lib/postgresql/15/bin:
# the shared install; a copy elsewhere, with its own lib and share beside it, runs a build of one's own). Runs the
# servers as user postgres when run as root. The spare
# worker (worker3) listens on CITUS_HTTP_PORT + 3 (5487), its endpoint on CITUS_HTTP_PORT + 4 (5488).
#
# Order of the extensions: citus first on every node, then dynamo on the coordinator once the workers are
# joined. Citus then creates dynamo on the workers itself (CREATE EXTENSION is propagated as a distributed
# object); dynamo created on a worker beforehand works too (FINDINGS.md).
set -euo pipefail
cd "$(dirname "$0")/../.."

PORT=${CITUS_PORT:-5481}
HTTP_PORT=${CITUS_HTTP_PORT:-5484}
DIR=${CITUS_DIR:-${TMPDIR:-/tmp}/dynamo-citus}
BIN=${CITUS_PG_BIN:-/usr/lib/postgresql/15/bin}
NODES="coordinator worker1 worker2"

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
port_of() {
    case $1 in coordinator) echo "$PORT" ;; worker1) echo $((PORT + 1)) ;; worker2) echo $((PORT + 2)) ;;
               worker3) echo $((HTTP_PORT + 3)) ;; esac
}
http_port_of() {
    case $1 in coordinator) echo "$HTTP_PORT" ;; worker1) echo $((HTTP_PORT + 1)) ;; worker2) echo $((HTTP_PORT + 2)) ;;
               worker3) echo $((HTTP_PORT + 4)) ;; esac
}
sql() {   # sql NODE SQL...: run on one node, stop at the first error
    local node=$1; shift
    local args=()
    for command in "$@"; do args+=(-c "$command"); done
    psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$DIR" -p "$(port_of "$node")" -U postgres -d postgres "${args[@]}"
}

start_node() {   # initdb (first time) and start one node
    local node=$1 data="$DIR/$1"
    if [ ! -d "$data" ]; then
        as_owner "$BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >/dev/null
        cat >> "$data/postgresql.conf" <<CONF
port = $(port_of "$node")
unix_socket_directories = '$DIR'
listen_addresses = 'localhost'
shared_preload_libraries = 'citus,dynamo'
wal_level = logical
output_plugin_libraries = 'pgoutput, test_decoding, dynamo'
max_prepared_transactions = 100
max_connections = 200
max_worker_processes = 32
shared_buffers = 64MB
dynamo.http_port = $(http_port_of "$node")
dynamo.http_auth = off
dynamo.http_workers = 2
citus.shard_count = 4
dynamo.ttl_transition_time = 0
log_line_prefix = '%m [%p] $node '
CONF
    fi
    # a SIGKILLed postmaster may linger as a zombie: its pid and lock files look live
    if [ -f "$data/postmaster.pid" ] && ! kill -0 "$(head -1 "$data/postmaster.pid")" 2>/dev/null; then
        rm -f "$data/postmaster.pid" "$DIR/.s.PGSQL.$(port_of "$node").lock"
    fi
    as_owner "$BIN/pg_ctl" -D "$data" -l "$DIR/$node.log" -w start >/dev/null
}

start() {
    # Citus is not a Debian package: build and install it from the vendored source (skips when installed)
    # (the script sits beside the repository: ../shared, or beside the main checkout of a git worktree)
    local build=${CITUS_BUILD:-../shared/vendor/citus/build.sh}
    [ -x "$build" ] || build="$(git rev-parse --path-format=absolute --git-common-dir 2>/dev/null)/../../shared/vendor/citus/build.sh"
    if ! "$build"; then
        echo "cluster: FAILED: Citus 13.2 could not be installed ($build)" >&2
        exit 1
    fi
    local fresh=no
    [ -d "$DIR" ] || fresh=yes
    mkdir -p "$DIR"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$DIR"
    for node in $NODES; do start_node "$node"; done
    if [ "$fresh" = yes ]; then
        for node in $NODES; do sql "$node" "CREATE EXTENSION citus"; done
        sql coordinator "SELECT citus_set_coordinator_host('localhost', $PORT)" \
            "SELECT citus_add_node('localhost', $(port_of worker1))" \
            "SELECT citus_add_node('localhost', $(port_of worker2))" >/dev/null
        sql coordinator "CREATE EXTENSION dynamo"
        for node in worker1 worker2; do
            [ "$(sql "$node" "SELECT count(*) FROM pg_extension WHERE extname = 'dynamo'")" = 1 ] ||
                { echo "cluster: FAILED: Citus did not create dynamo on $node" >&2; exit 1; }
        done
    fi
    for node in $NODES; do wait_endpoint "$node"; done
    echo "cluster: coordinator on port $PORT (endpoint $HTTP_PORT), workers on $((PORT + 1)), $((PORT + 2))" \
         "(endpoints $((HTTP_PORT + 1)), $((HTTP_PORT + 2))), in $DIR"
}

wait_endpoint() {   # the endpoint workers start once the server is up
    for i in $(seq 1 50); do
        curl -s -o /dev/null "http://127.0.0.1:$(http_port_of "$1")/" && break
        sleep 0.2
    done
}

spare() {   # a third worker, started with Citus but not joined (citus_add_node then creates dynamo on it)
    local fresh=no
    [ -d "$DIR/worker3" ] || fresh=yes
    start_node worker3
    [ "$fresh" = yes ] && sql worker3 "CREATE EXTENSION citus"
    wait_endpoint worker3
    echo "cluster: spare worker on port $(port_of worker3) (endpoint $(http_port_of worker3)), not joined"
}

restart() {   # start one node again (after a SIGKILL: start_node removes the zombie's files)
    case ${1:-} in coordinator|worker1|worker2|worker3) ;; *) echo "usage: $0 restart NODE" >&2; exit 2 ;; esac
    start_node "$1"
    wait_endpoint "$1"
}

stop() {
    for node in $NODES worker3; do
        [ -d "$DIR/$node" ] && as_owner "$BIN/pg_ctl" -D "$DIR/$node" -m fast stop >/dev/null 2>&1 || true
    done
    rm -rf "$DIR"
}

case ${1:-} in
    start) start ;;
    stop) stop ;;
    spare) spare ;;
    restart) restart "${2:-}" ;;
    env) echo "export PGHOST='$DIR' PGPORT=$PORT PGUSER=postgres PGDATABASE=postgres" ;;
    *) echo "usage: $0 start|stop|env|spare|restart NODE" >&2; exit 2 ;;
esac
