#!/usr/bin/env bash
# listen.sh: dynamo.http_listen_address = '*' serves IPv4 and, where the
# machine has IPv6 loopback, IPv6; run inside a cluster started with it
# (scripts/test.sh).
set -euo pipefail
PORT=${DYNAMO_WIRE_PORT:?the endpoint port}
# the health check answers "healthy" only where the endpoint's database has the extension
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE EXTENSION IF NOT EXISTS dynamo"
for i in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$PORT/" | grep -q healthy || { echo "listen: FAILED: no answer on IPv4"; exit 1; }
if /usr/bin/python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null; then
    curl -sf "http://[::1]:$PORT/" | grep -q healthy || { echo "listen: FAILED: no answer on IPv6"; exit 1; }
    echo "listen: IPv4 and IPv6 ok"
else
    echo "listen: IPv4 ok (no IPv6 loopback on this machine)"
fi
