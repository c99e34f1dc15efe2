"""kill_in_prepare.py: SIGKILL a node's postmaster and its children at a moment it holds a prepared transaction
(a TransactWriteItems across shards between Citus' PREPARE TRANSACTION and COMMIT PREPARED), so that the restart
has a two-phase commit to recover. Polls pg_prepared_xacts on one connection; once it sees one, reads the
postmaster's children from /proc/PID/task/PID/children (tens of microseconds: the backend that prepared may
be a connection forked a moment ago) and kills them and the postmaster; then kills any process left whose
working directory is the data directory (a child forked in between). Gives up waiting
after TIMEOUT seconds and kills anyway. Prints the prepared transactions seen at the kill and the processes killed.

    kill_in_prepare.py DATADIR PORT [TIMEOUT]
"""
import os
import signal
import sys
import time

import psycopg2

data, port = os.path.realpath(sys.argv[1]), int(sys.argv[2])
timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 20
postmaster = int(open(os.path.join(data, "postmaster.pid")).readline())


def processes_in_data_directory():
    """the pids whose working directory is the data directory (the postmaster and every child)"""
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                if os.readlink(f"/proc/{name}/cwd") == data:
                    found.append(int(name))
            except OSError:
                pass
    return found


conn = psycopg2.connect(host=os.environ["PGHOST"], port=port, user="postgres", dbname="postgres")
conn.autocommit = True
seen, deadline = 0, time.time() + timeout
with conn.cursor() as cur:
    while time.time() < deadline:
        cur.execute("SELECT count(*) FROM pg_prepared_xacts")
        seen = cur.fetchone()[0]
        if seen:
            break
with open(f"/proc/{postmaster}/task/{postmaster}/children") as f:
    children = [int(pid) for pid in f.read().split()]
killed = set()
for pid in children + [postmaster]:
    try:
        os.kill(pid, signal.SIGKILL)
        killed.add(pid)
    except ProcessLookupError:
        pass
for pid in processes_in_data_directory():   # forked after the last listing
    try:
        os.kill(pid, signal.SIGKILL)
        killed.add(pid)
    except ProcessLookupError:
        pass
print(f"{seen} {len(killed)}")
