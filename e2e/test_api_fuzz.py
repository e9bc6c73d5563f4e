"""API fuzzing (issue #9): schemathesis against /api/v1/openapi.json as a township clerk, on SQLite
and on PostgreSQL. Every operation, positive and negative data, 50 examples each, all checks: no
5xx, every response conforming to the document, schema-valid data accepted, invalid data refused.
The few rules JSON Schema cannot state are listed, operation by operation, in schemathesis.toml.
TUOPIN_FUZZ_SEED changes the seed (CI uses a fixed one so that a run can be repeated)."""
import os
import subprocess

from conftest import PASSWORD, ROOT, api, demo_copy, postgres_demo, running_server, sqlite_env, tuopin

# Two counties are enough: the clerk sees one township; everything else is another unit (404) either way.
DEMO = ["--households", "300", "--seed", "3", "--counties", "540102,540103"]

SEED = os.environ.get("TUOPIN_FUZZ_SEED", "1")


def fuzz(env):
    with running_server(env) as base:
        token = api(base, "/api/v1/tokens", body={"username": "clerk1", "password": PASSWORD})["token"]
        result = subprocess.run(
            ["schemathesis", "--config-file", os.path.join(ROOT, "e2e", "schemathesis.toml"), "run",
             base + "/api/v1/openapi.json", "--header", f"Authorization: Bearer {token}",
             "--checks", "all", "--max-examples", "50", "--seed", SEED, "--workers", "2",
             "--request-timeout", "30"],
            cwd=env["TUOPIN_DATA_DIR"], capture_output=True, text=True, timeout=1200)
        summary = result.stdout[result.stdout.find("SUMMARY"):] if "SUMMARY" in result.stdout else result.stdout[-3000:]
        print(summary)
        assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-2000:]


def test_api_fuzzing_on_sqlite(tmp_path):
    fuzz(demo_copy(tmp_path, DEMO))


def test_api_fuzzing_on_postgres(tmp_path, pg_database):
    fuzz(postgres_demo(tmp_path, pg_database, DEMO, PASSWORD))
