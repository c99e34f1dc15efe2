"""route_endpoint.py: one endpoint address for the wire tests run against a Citus worker's endpoint.

A worker's endpoint serves the tables distributed from the coordinator, but a table created through it is a
table of that worker alone (Citus distributes tables from the coordinator only). The single-node wire tests
create their tables through the endpoint they test; to run them against a worker's endpoint, this relays each
HTTP request unchanged, byte for byte, to one of two endpoints by the action its X-Amz-Target names: the actions
that create, change or drop a table or its backups, exports and imports go to the coordinator's endpoint
(CONTROL below), every other request (items, queries, scans, batches, transactions, Describe and List actions,
the streams API, and anything else) to the worker's. The bytes are not changed, so a SigV4 signature made for
this address stays valid at either endpoint. Each client connection keeps one connection to each endpoint,
kept alive as long as the client's; the answers' Connection: close is honoured.

    /usr/bin/python3 test/citus/route_endpoint.py LISTEN_PORT COORDINATOR_PORT WORKER_PORT

Runs until killed (test/citus/check_suites.sh starts and stops it); prints "routing" once it listens.
"""
import socket
import sys
import threading

CONTROL = {
    "CreateTable", "DeleteTable", "UpdateTable", "UpdateTimeToLive", "UpdateContinuousBackups",
    "CreateBackup", "DeleteBackup", "RestoreTableFromBackup", "RestoreTableToPointInTime",
    "ExportTableToPointInTime", "ImportTable", "TagResource", "UntagResource",
}


def read_message(sock, buffer):
    """(head, body, rest) of the next HTTP message on sock after the bytes in buffer; None at a clean close."""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            if buffer:
                raise ConnectionError("connection closed inside a message head")
            return None
        buffer += chunk
    head, _, rest = buffer.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed inside a message body")
        rest += chunk
    return head, rest[:length], rest[length:]


def header(head, wanted):
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == wanted:
            return value.strip().decode("latin-1")
    return ""


def serve(client, upstream_ports):
    upstreams = {}
    buffer = b""
    try:
        while True:
            message = read_message(client, buffer)
            if message is None:
                return
            head, body, buffer = message
            action = header(head, b"x-amz-target").rpartition(".")[2]
            which = "coordinator" if action in CONTROL else "worker"
            request = head + b"\r\n\r\n" + body
            for attempt in (1, 2):     # an idle upstream connection may have been closed: open a new one once
                if which not in upstreams:
                    upstreams[which] = [socket.create_connection(("127.0.0.1", upstream_ports[which])), b""]
                upstream = upstreams[which]
                try:
                    upstream[0].sendall(request)
                    answer = read_message(upstream[0], upstream[1])
                except (ConnectionError, OSError):
                    answer = None
                if answer is not None:
                    break
                upstream[0].close()
                del upstreams[which]
                if attempt == 2:
                    return
            answer_head, answer_body, upstream[1] = answer
            client.sendall(answer_head + b"\r\n\r\n" + answer_body)
            if header(answer_head, b"connection").lower() == "close":
                upstream[0].close()
                del upstreams[which]
                return
            if header(head, b"connection").lower() == "close":
                return
    except (ConnectionError, OSError):
        return
    finally:
        client.close()
        for upstream in upstreams.values():
            upstream[0].close()


def main():
    listen_port, coordinator_port, worker_port = (int(a) for a in sys.argv[1:4])
    upstream_ports = {"coordinator": coordinator_port, "worker": worker_port}
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", listen_port))
    listener.listen(64)
    print("routing", flush=True)
    while True:
        client, _ = listener.accept()
        threading.Thread(target=serve, args=(client, upstream_ports), daemon=True).start()


if __name__ == "__main__":
    main()
