#!/usr/bin/env python3
"""Mixed read/write load against a running Tuopin server (issue #9, item 9).

N concurrent clients, each a thread with its own keep-alive connection, signed in as one of the two
demo township clerks, for a fixed time: 70% list pages, 20% household pages, 10% income updates.
Each client owns a disjoint set of its clerk's households, so its writes never conflict; every write
the server acknowledged (200) is read back afterwards and must be there. Prints and writes a JSON
report: requests, errors, throughput, p50/p95/p99 latency per kind, writes acknowledged and verified.
Loopback only: the base URL must be 127.0.0.1 or localhost.

Why not wrk (the stack's load tool): the test must prove that every acknowledged write is present
afterwards, which needs each client to remember the version it last got and the value it wrote;
wrk's Lua callbacks cannot tie a response to its request or its connection, and locust is not
needed for a hundred threads. wrk stays the tool for pure throughput (`tuopin bench`, issue #10)."""
import argparse
import http.client
import json
import random
import statistics
import sys
import threading
import time
import urllib.parse


def connect(base):
    url = urllib.parse.urlsplit(base)
    assert url.hostname in ("127.0.0.1", "localhost"), "load tests run on loopback only"
    return http.client.HTTPConnection(url.hostname, url.port, timeout=60)


def call(conn, method, path, token, body=None):
    headers = {"Authorization": "Bearer " + token}
    data = None
    if body is not None:
        headers["Content-Type"] = "application/json"
        data = json.dumps(body)
    conn.request(method, path, body=data, headers=headers)
    response = conn.getresponse()
    raw = response.read()
    return response.status, raw


def token(base, username, password):
    conn = connect(base)
    conn.request("POST", "/api/v1/tokens", body=json.dumps({"username": username, "password": password}),
                 headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    assert response.status == 200, response.read()
    return json.loads(response.read())["token"]


def own_households(base, tok):
    """Every household id in the clerk's scope, through the API's pages."""
    conn, ids, cursor = connect(base), [], None
    while True:
        path = "/api/v1/households?limit=500" + (f"&next={cursor}" if cursor else "")
        status, raw = call(conn, "GET", path, tok)
        assert status == 200, raw
        page = json.loads(raw)
        ids += [item["id"] for item in page["items"]]
        cursor = page.get("next")
        if not cursor:
            return ids


class Client(threading.Thread):
    def __init__(self, index, base, tok, households, deadline, year, seed):
        super().__init__(daemon=True)
        self.index, self.base, self.tok, self.households = index, base, tok, households
        self.deadline, self.year = deadline, year
        self.random = random.Random(seed)
        self.latency = {"list": [], "household": [], "write": []}
        self.errors, self.acknowledged, self.versions = [], {}, {}
        self.acknowledged_count = 0

    def run(self):
        conn = connect(self.base)
        sequence = 0
        while time.time() < self.deadline:
            roll = self.random.random()
            household = self.random.choice(self.households)
            started = time.perf_counter()
            try:
                if roll < 0.7:
                    kind = "list"
                    status, raw = call(conn, "GET", f"/api/v1/households?limit=50&next={self.random.randrange(0, 2000)}", self.tok)
                elif roll < 0.9:
                    kind = "household"
                    status, raw = call(conn, "GET", f"/api/v1/households/{household}", self.tok)
                else:
                    kind = "write"
                    if household not in self.versions:
                        status, raw = call(conn, "GET", f"/api/v1/households/{household}", self.tok)
                        self.versions[household] = json.loads(raw)["version"]
                        started = time.perf_counter()
                    sequence += 1
                    wage = f"{self.index * 100000 + sequence}.{sequence % 100:02d}"
                    status, raw = call(conn, "PUT", f"/api/v1/households/{household}/incomes/{self.year}", self.tok,
                                       {"version": self.versions[household], "wage": wage, "business": "0",
                                        "property": "0", "transfer": "0", "costs": "0"})
                    if status == 200:
                        self.versions[household] = json.loads(raw)["version"]
                        self.acknowledged[household] = wage
                        self.acknowledged_count += 1
                elapsed = time.perf_counter() - started
                self.latency[kind].append(elapsed)
                if status != 200:
                    self.errors.append(f"{kind} {status} {raw[:200]!r}")
            except (OSError, http.client.HTTPException, ValueError) as error:
                self.errors.append(f"{type(error).__name__}: {error}")
                conn.close()
                conn = connect(self.base)


def percentile(values, p):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("base", help="e.g. http://127.0.0.1:8080")
    parser.add_argument("--password", required=True, help="the demo password of clerk1 and clerk2")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--year", type=int, default=2024, help="the income year the writes set")
    parser.add_argument("--report", help="write the JSON report here too")
    args = parser.parse_args()

    clerks = [(name, token(args.base, name, args.password)) for name in ("clerk1", "clerk2")]
    owned = {name: own_households(args.base, tok) for name, tok in clerks}
    for name, ids in owned.items():
        assert len(ids) >= args.clients // 2, f"{name} has only {len(ids)} households for {args.clients // 2} clients"
    deadline = time.time() + args.seconds
    clients = []
    for i in range(args.clients):
        name, tok = clerks[i % 2]
        slot, share = i // 2, (args.clients + 1 - i % 2) // 2
        mine = owned[name][slot::share]
        clients.append(Client(i, args.base, tok, mine, deadline, args.year, seed=i))
    started = time.time()
    for c in clients:
        c.start()
    for c in clients:
        c.join()
    elapsed = time.time() - started

    # Every acknowledged write must be there afterwards.
    missing = []
    conn = connect(args.base)
    for c in clients:
        for household, wage in c.acknowledged.items():
            status, raw = call(conn, "GET", f"/api/v1/households/{household}", c.tok)
            incomes = {i["year"]: i for i in json.loads(raw)["incomes"]} if status == 200 else {}
            got = incomes.get(args.year, {}).get("wage")
            if got is None or float(got) != float(wage):
                missing.append((household, wage, got))

    latencies = {kind: [x for c in clients for x in c.latency[kind]] for kind in ("list", "household", "write")}
    everything = [x for values in latencies.values() for x in values]
    errors = [e for c in clients for e in c.errors]
    report = {
        "clients": args.clients, "seconds": round(elapsed, 1), "requests": len(everything),
        "requests_per_second": round(len(everything) / elapsed, 1), "errors": len(errors),
        "writes_sent": len(latencies["write"]), "writes_acknowledged": sum(c.acknowledged_count for c in clients),
        "households_written": sum(len(c.acknowledged) for c in clients), "writes_missing": len(missing),
        "latency_ms": {kind: {"count": len(v), "p50": ms(percentile(v, 50)), "p95": ms(percentile(v, 95)),
                              "p99": ms(percentile(v, 99)), "mean": ms(statistics.fmean(v) if v else None)}
                       for kind, v in dict(latencies, all=everything).items()},
    }
    text = json.dumps(report, indent=1)
    print(text)
    if args.report:
        with open(args.report, "w") as f:
            f.write(text + "\n")
    for e in errors[:10]:
        print("error:", e, file=sys.stderr)
    for m in missing[:10]:
        print("lost write:", m, file=sys.stderr)
    return 0 if not errors and not missing and everything else 1


def ms(seconds):
    return None if seconds is None else round(seconds * 1000, 1)


if __name__ == "__main__":
    sys.exit(main())
