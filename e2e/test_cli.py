"""The executable as an operator uses it: `serve` on an empty database builds the demo and prints
its logins (SQLite and PostgreSQL), and `audit verify` catches a row changed with the database's
own client. PostgreSQL cases run when TUOPIN_E2E_DATABASE_URL names a database whose owner may
create databases (.ci/run sets it)."""
import os
import re
import subprocess
import time
import urllib.parse
import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

from conftest import BIN, ROOT, api, call, demo_copy, free_port, postgres_demo, sqlite_env, tuopin
from test_registry import EMPTY

PASSWORD = "Cli-pass-2026!"

def tamper_and_verify(env, tamper):
    assert "audit chain intact" in tuopin(["audit", "verify"], env).stdout
    tamper()
    broken = tuopin(["audit", "verify"], env, check=False)
    assert broken.returncode != 0
    assert "entry 3" in broken.stderr, broken.stderr


def test_audit_verify_catches_a_row_changed_in_sqlite(tmp_path):
    env = sqlite_env(tmp_path)
    tuopin(["demo", "--households", "40", "--counties", "540102", "--password", PASSWORD], env)
    db = str(tmp_path / "tuopin.sqlite")
    tamper_and_verify(env, lambda: subprocess.run(
        ["sqlite3", db, "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET after = '{}' WHERE id = 3;"], check=True))


def test_audit_verify_catches_a_row_changed_in_postgres(tmp_path, pg_database):
    env = postgres_demo(tmp_path, pg_database, ["--households", "40", "--counties", "540102"], PASSWORD)
    tamper_and_verify(env, lambda: subprocess.run(
        ["psql", pg_database, "-qc",
         "DROP TRIGGER audit_log_no_update ON audit_log; UPDATE audit_log SET after = '{}' WHERE id = 3;"], check=True))


def serve_and_check(env):
    """`serve` on an empty database: demo logins printed once, and they work."""
    port = free_port()
    env = dict(env, TUOPIN_DEMO_HOUSEHOLDS="400")
    proc = subprocess.Popen([BIN, "serve", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        output, logins = "", {}
        deadline = time.time() + 300
        while "Server started on" not in output:
            line = proc.stdout.readline()
            assert line or proc.poll() is None, output
            output += line
            match = re.match(r"^\s+(\w+)\s+(\S+)\s+\w+ @ \d+$", line)
            if match:
                logins[match.group(1)] = match.group(2)
            assert time.time() < deadline, output
        assert {"admin", "region", "lasa", "chengguan", "clerk1", "clerk2", "village1", "supervisor1",
                "auditor", "discipline"} <= set(logins)
        base = f"http://127.0.0.1:{port}"
        # Region HQ must enrol in two-step sign-in on the web before the API gives it a token.
        status, body = call(base, "POST", "/api/v1/tokens", body={"username": "region", "password": logins["region"]})
        assert status == 403 and body["error"]["code"] == "two_factor_enrolment_required", body
        token = api(base, "/api/v1/tokens", body={"username": "auditor", "password": logins["auditor"]})["token"]
        page = api(base, "/api/v1/households?limit=500", token=token)
        assert len(page["items"]) == 400
        prefectures = {item["village"][:4] for item in page["items"]}
        assert prefectures == {"5401", "5402", "5403", "5404", "5405", "5406", "5425"}
        req = urllib.request.Request(base + "/login")
        with urllib.request.urlopen(req, timeout=10) as r:
            assert r.status == 200 and "登录" in r.read().decode()
        check_metrics(base)
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def check_metrics(base):
    """`/metrics` (loopback) parses with Prometheus' own text-format parser and carries Vapor's
    request metrics, the write transactions, their audit entries and the database pool."""
    with urllib.request.urlopen(base + "/metrics", timeout=10) as r:
        assert r.headers["Content-Type"].startswith("text/plain") and "version=0.0.4" in r.headers["Content-Type"]
        text = r.read().decode()
    families = {f.name: f for f in text_string_to_metric_families(text)}
    logins = [s for s in families["http_requests"].samples
              if s.name == "http_requests_total" and s.labels == {"method": "GET", "path": "/login", "status": "200"}]
    assert logins and logins[0].value >= 1, text
    assert any(s.name == "http_request_duration_seconds_bucket" for s in families["http_request_duration_seconds"].samples)
    # The demo's logins and reads above were written in transactions, each with its audit entries.
    assert families["tuopin_write_commits"].samples[0].value >= 1
    assert families["tuopin_audit_entries_committed"].samples[0].value >= 1
    assert families["tuopin_database_pool_connections"].samples[0].value >= 1


def test_serve_builds_the_demo_on_an_empty_sqlite_directory(tmp_path):
    serve_and_check(sqlite_env(tmp_path))


def test_serve_builds_the_demo_on_an_empty_postgres_database(tmp_path, pg_database):
    serve_and_check(dict(sqlite_env(tmp_path), DATABASE_URL=pg_database))


def test_a_malformed_setting_stops_with_one_line_naming_it(tmp_path):
    env = dict(sqlite_env(tmp_path), TUOPIN_DATA_KEY="not-a-key")
    result = tuopin(["serve"], env, check=False)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "tuopin: TUOPIN_DATA_KEY: must be 32 bytes in base64 (openssl rand -base64 32)"]


def test_user_administration_on_the_command_line(tmp_path):
    env = demo_copy(tmp_path, EMPTY)
    out = tuopin(["user", "add", "--name", "新专干", "--role", "clerk", "--unit", "540102002", "clerk9"], env).stdout
    first = re.search(r"first password \(change at first login\): (\S+)", out).group(1)
    assert len(first) == 16
    # The three administrators are separated.
    refused = tuopin(["user", "grant", "--role", "auditAdmin", "--unit", "54", "admin"], env, check=False)
    assert refused.returncode != 0 and "administrator" in (refused.stdout + refused.stderr).lower()
    assert "granted" in tuopin(["user", "grant", "--role", "clerk", "--unit", "540102003", "clerk9"], env).stdout
    assert "revoked" in tuopin(["user", "revoke", "--role", "clerk", "--unit", "540102003", "clerk9"], env).stdout
    assert tuopin(["user", "reset-2fa", "region"], env, check=False).returncode != 0   # a reason is required
    assert "reset" in tuopin(["user", "reset-2fa", "--reason", "lost phone, ticket 12", "region"], env).stdout
    assert "audit chain intact" in tuopin(["audit", "verify"], env).stdout


def hostile_workbook(path, sheet_xml, filler=0):
    """A workbook whose sheet is `sheet_xml` with `filler` MiB of zeros at `{}`, written in
    pieces so that this process never holds the inflated sheet (the child's ru_maxrss would
    count the parent's pages it started with)."""
    import zipfile
    before, _, after = sheet_xml.partition("{}")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=False) as sheet:
            sheet.write(before.encode())
            piece = b"0" * (1 << 20)
            for _ in range(filler):
                sheet.write(piece)
            sheet.write(after.encode())


def test_hostile_workbooks_are_refused_within_a_memory_ceiling(tmp_path):
    """Issue #22 H1/H2 through the command line: the probe's 564-byte row-0 workbook, an 858-byte
    `<row r="50000000">` and a 256 MiB decompression bomb each end in an E-FILE problem and exit
    status 1 (not a trap), and the process never holds more than 250 MB (ru_maxrss)."""
    env = demo_copy(str(tmp_path / "data"), EMPTY)
    head = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    cases = {
        "row0.xlsx": (head + '<row r="0"><c r="A0"><v>1</v></c></row></sheetData></worksheet>', 0),
        "rows.xlsx": (head + '<row r="50000000"><c><v>1</v></c></row></sheetData></worksheet>', 0),
        "bomb.xlsx": (head + '<row r="1"><c t="inlineStr"><is><t>{}</t></is></c></row></sheetData></worksheet>', 256),
    }
    for name, (xml, filler) in cases.items():
        path = str(tmp_path / name)
        hostile_workbook(path, xml, filler)
        assert os.path.getsize(path) < 1 << 20
        proc = subprocess.Popen([BIN, "import", "--dry-run", "members", path], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        out = proc.stdout.read() + proc.stderr.read()
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 1, (name, status, out)
        assert "E-FILE" in out, (name, out)
        assert usage.ru_maxrss < 250 * 1024, (name, usage.ru_maxrss)
