#!/usr/bin/env python3
"""endpoint_writer.py: PutItem through the wire endpoint until it goes away.

    endpoint_writer.py URL CONNECTIONS FIRST_ID [PAUSE_MS]

Each of CONNECTIONS threads keeps one HTTP/1.1 connection and writes items
{"id": N, "payload": md5(N) x 16} one request at a time, ids FIRST_ID + thread
* 1,000,000 + 1, 2, ...; after every write the endpoint acknowledged (HTTP 200)
it prints "ack N", then pauses PAUSE_MS (default 0).  A write in flight when
the server dies is not printed.  Paused writers leave each commit alone in
its WAL page, where only a flush, not the next commits, would write it out:
an acknowledgment sent before the flush is then lost in the crash.
The crash test checks that every printed id survives crash recovery.
"""
import hashlib
import http.client
import json
import sys
import threading
import time
import urllib.parse

url = urllib.parse.urlparse(sys.argv[1])
connections = int(sys.argv[2])
first_id = int(sys.argv[3])
pause = (float(sys.argv[4]) if len(sys.argv) > 4 else 0.0) / 1000.0
print_lock = threading.Lock()
headers = {
    "Content-Type": "application/x-amz-json-1.0",
    "X-Amz-Target": "DynamoDB_20120810.PutItem",
}


def writer(thread):
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    item_id = first_id + thread * 1000000
    try:
        while True:
            item_id += 1
            payload = hashlib.md5(str(item_id).encode()).hexdigest() * 16
            body = json.dumps({"TableName": "Crash",
                               "Item": {"id": {"N": str(item_id)}, "payload": {"S": payload}}})
            conn.request("POST", "/", body, headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                return
            with print_lock:
                sys.stdout.write("ack %d\n" % item_id)
                sys.stdout.flush()
            if pause:
                time.sleep(pause)
    except (OSError, http.client.HTTPException):
        return


threads = [threading.Thread(target=writer, args=(t,)) for t in range(connections)]
for t in threads:
    t.start()
for t in threads:
    t.join()
