"""Issue #27 item 1: audited reads are group-committed, and no read is answered before its entry is durable.
Sixteen clients read households as fast as they can; the server is killed with SIGKILL at a random moment;
afterwards every answered read has its `household.read` entry in the chain, the chain verifies, and the
server's metrics showed transactions carrying several entries."""
import os
import random
import signal
import sqlite3
import subprocess
import threading
import time
import urllib.error
import urllib.request

from conftest import BIN, PASSWORD, ROOT, api, demo_copy, free_port, postgres_demo, sqlite_env, tuopin

# The fuzzing tests' demo (shared template on SQLite).
DEMO = ["--households", "300", "--seed", "3", "--counties", "540102,540103"]


def query(env, sql):
    if env.get("DATABASE_URL"):
        out = subprocess.run(["psql", env["DATABASE_URL"], "-qtAF", "|", "-c", sql],
                             capture_output=True, text=True, check=True).stdout
        return [tuple(line.split("|")) for line in out.splitlines() if line]
    with sqlite3.connect(os.path.join(env["TUOPIN_DATA_DIR"], "tuopin.sqlite")) as c:
        return [tuple(str(v) for v in row) for row in c.execute(sql)]


def reads_then_sigkill(env):
    start_id = int(query(env, "SELECT COALESCE(MAX(id), 0) FROM audit_log")[0][0])
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(os.path.join(env["TUOPIN_DATA_DIR"], "serve-kill.log"), "w")
    proc = subprocess.Popen([BIN, "serve", "--hostname", "127.0.0.1", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):
                break
        except OSError:
            assert time.time() < deadline and proc.poll() is None, "server did not start"
            time.sleep(0.2)
    token = api(base, "/api/v1/tokens", body={"username": "clerk1", "password": PASSWORD})["token"]
    ids = [h["id"] for h in api(base, "/api/v1/households?limit=100", token)["items"]]
    assert len(ids) >= 20
    answered, lock, stop = {}, threading.Lock(), threading.Event()

    def client(seed):
        rng = random.Random(seed)
        while not stop.is_set():
            hid = rng.choice(ids)
            req = urllib.request.Request(f"{base}/api/v1/households/{hid}",
                                         headers={"Authorization": "Bearer " + token})
            try:
                with urllib.request.urlopen(req, timeout=10) as r:
                    r.read()
                    if r.status == 200:
                        with lock:
                            answered[str(hid)] = answered.get(str(hid), 0) + 1
            except (OSError, urllib.error.URLError):
                if proc.poll() is not None:
                    return

    threads = [threading.Thread(target=client, args=(k,)) for k in range(16)]
    for t in threads:
        t.start()
    # Let reads pile up, read the batch sizes from the metrics (loopback), then kill at a random moment.
    deadline = time.time() + 60
    while sum(answered.values()) < 200:
        assert time.time() < deadline and proc.poll() is None, "the reads did not get going"
        time.sleep(0.05)
    with urllib.request.urlopen(base + "/metrics", timeout=10) as r:
        metrics = r.read().decode()
    time.sleep(random.uniform(0.1, 0.6))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    stop.set()
    for t in threads:
        t.join(timeout=20)
    log.close()

    largest = [float(line.split()[1]) for line in metrics.splitlines() if line.startswith("tuopin_audit_read_batch_max ")]
    assert largest and largest[0] > 1, "no transaction carried more than one entry"
    entries = dict(query(env, f"SELECT entity_id, COUNT(*) FROM audit_log WHERE id > {start_id} "
                              "AND action = 'household.read' GROUP BY entity_id"))
    missing = {hid: n for hid, n in answered.items() if int(entries.get(hid, 0)) < n}
    assert sum(answered.values()) >= 200 and not missing, missing
    assert "audit chain intact" in tuopin(["audit", "verify"], env).stdout


def test_answered_reads_survive_sigkill_on_sqlite(tmp_path):
    reads_then_sigkill(demo_copy(tmp_path, DEMO))


def test_answered_reads_survive_sigkill_on_postgres(tmp_path, pg_database):
    reads_then_sigkill(postgres_demo(tmp_path, pg_database, DEMO, PASSWORD))
