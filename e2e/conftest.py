"""Starts a real Tuopin server on a fresh SQLite data directory with demo data, and a headless
Chromium driven by Selenium. TUOPIN_BIN names the built executable (default .build/debug/tuopin).

Demo regions are built once per run and copied for each test that asks for one (`demo_copy`), as
the Swift tests copy their template databases: with pytest-xdist the workers share them (the first
worker to ask builds, the others wait on a lock). The browser waits explicitly for what it needs
(no implicit wait, so that checking that something is absent costs nothing)."""
import base64
import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import struct
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PASSWORD = "E2e-pass-2026!"
ARTIFACTS = os.path.join(ROOT, "e2e", "artifacts")


def totp(secret_b32, at=None, step=None):
    """RFC 6238 code (SHA-1, 30 s, 6 digits) for a base32 secret, as an authenticator app computes it."""
    key = base64.b32decode(secret_b32.replace(" ", "").upper() + "=" * (-len(secret_b32.replace(" ", "")) % 8))
    counter = step if step is not None else int((at or time.time()) // 30)
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server(str):
    """The base URL, carrying the environment of the server's data directory for CLI calls."""
    def __new__(cls, base, env):
        obj = super().__new__(cls, base)
        obj.env = env
        return obj


BIN = os.environ.get("TUOPIN_BIN", os.path.join(ROOT, ".build", "debug", "tuopin"))
PG_ADMIN_URL = os.environ.get("TUOPIN_E2E_DATABASE_URL")


def tuopin(args, env, check=True):
    result = subprocess.run([BIN] + args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    if check and result.returncode != 0:
        raise AssertionError(f"tuopin {' '.join(args)} failed: {result.stdout}\n{result.stderr}")
    return result


def sqlite_env(path):
    # Cost 10, the lowest Tuopin accepts: password hashes are real, and sign-ins cheaper in a debug build.
    env = dict(os.environ, TUOPIN_DATA_DIR=str(path), TUOPIN_BCRYPT_COST="10")
    env.pop("DATABASE_URL", None)
    return env


@pytest.fixture
def pg_database():
    """A fresh PostgreSQL database; yields its URL and drops it afterwards."""
    if not PG_ADMIN_URL:
        pytest.skip("TUOPIN_E2E_DATABASE_URL not set")
    name = f"tuopin_e2e_{os.getpid()}_{int(time.time() * 1000) % 100000}"
    subprocess.run(["psql", PG_ADMIN_URL, "-qc", f"CREATE DATABASE {name}"], check=True)
    url = urllib.parse.urlsplit(PG_ADMIN_URL)._replace(path="/" + name).geturl()
    yield url
    # FORCE cannot end a backend of another role (an autovacuum worker that has just started on
    # the new database): try again until it has finished, for up to a minute.
    for attempt in range(120):
        dropped = subprocess.run(["psql", PG_ADMIN_URL, "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"],
                                 capture_output=True, text=True)
        if dropped.returncode == 0:
            break
        assert "must be a member of the role" in dropped.stderr and attempt < 119, dropped.stderr
        time.sleep(0.5)


@contextlib.contextmanager
def running_server(env):
    """`tuopin serve` on a free loopback port with the given environment, until the block ends."""
    port = free_port()
    log_path = os.path.join(env["TUOPIN_DATA_DIR"], "serve.log")
    log = open(log_path, "w")
    proc = subprocess.Popen([BIN, "serve", "--hostname", "127.0.0.1", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            if time.time() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("server did not start: " + open(log_path).read())
            time.sleep(0.3)
    try:
        yield Server(base, env)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


# One directory per run for the demo templates, shared by the xdist workers of that run.
RUN = os.environ.get("PYTEST_XDIST_TESTRUNUID") or f"p{os.getpid()}"
TEMPLATES = os.path.join(tempfile.gettempdir(), "tuopin-e2e-templates", RUN)


def once(name, build):
    """A directory made by `build(path)` once per run, shared by the xdist workers (the first to
    ask builds it; the others wait on a lock)."""
    path = os.path.join(TEMPLATES, hashlib.sha256(repr(name).encode()).hexdigest()[:16])
    os.makedirs(TEMPLATES, exist_ok=True)
    with open(path + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.isdir(path):
            building = path + ".building"
            shutil.rmtree(building, ignore_errors=True)
            os.makedirs(building)
            build(building)
            os.rename(building, path)
    return path


def demo_template(args, password=PASSWORD):
    """The data directory of `tuopin demo <args>` on SQLite, built once per run."""
    return once(("demo", args, password), lambda path: tuopin(["demo"] + args + ["--password", password], sqlite_env(path)))


def demo_copy(target, args, password=PASSWORD):
    """A data directory at `target` holding a copy of the demo region `tuopin demo <args>` builds;
    returns its environment. Tests that change their copy change nothing else."""
    template = demo_template(args, password)
    os.makedirs(target, exist_ok=True)
    for name in os.listdir(template):
        source = os.path.join(template, name)
        if name == "serve.log":
            continue
        (shutil.copytree if os.path.isdir(source) else shutil.copy2)(source, os.path.join(target, name))
    return sqlite_env(target)


def postgres_demo(path, database_url, args, password=PASSWORD):
    """The environment of a data directory at `path` whose registry is the PostgreSQL database
    `database_url` (from the `pg_database` fixture), with `tuopin demo <args>` built in it."""
    env = dict(sqlite_env(path), DATABASE_URL=database_url)
    tuopin(["demo"] + args + ["--password", password], env)
    return env


def pytest_sessionfinish(session):
    # The worker that finishes last (or the only process) removes the run's templates.
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        shutil.rmtree(TEMPLATES, ignore_errors=True)


@pytest.fixture(scope="session")
def server():
    data = tempfile.mkdtemp(prefix="tuopin-e2e-")
    env = demo_copy(data, ["--households", "800", "--seed", "3"])
    with running_server(env) as base:
        yield base
    shutil.rmtree(data, ignore_errors=True)


@pytest.fixture
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    # No implicit wait: pages are complete when `submit` or `get` returns, and what a script adds
    # later is waited for explicitly (`wait_for`).
    driver.implicitly_wait(0)
    yield driver
    driver.quit()


def wait_for(driver, by, value, timeout=20):
    """The element once it is there (for what a page's script adds after loading)."""
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(driver, timeout).until(lambda d: d.find_elements(by, value))[0]


def api(base, path, token=None, body=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, headers=headers, method="POST" if body is not None else "GET")
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def call(server, method, path, token=None, body=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    req = urllib.request.Request(server + path, data=json.dumps(body).encode() if body is not None else None,
                                 headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            raw = r.read()
            return r.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def submit(driver, element):
    """Clicks a submit button or link and waits until the page it was on is gone and the next
    one has loaded. (During navigation Chromium may answer for the old node with a generic
    inspector error instead of "stale element": both mean it is gone.)"""
    from selenium.common.exceptions import NoAlertPresentException, WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait
    element.click()
    try:
        # A button with data-confirm asks first (a rejection, an assessment step …): answer yes.
        driver.switch_to.alert.accept()
    except NoAlertPresentException:
        pass

    def gone(_):
        try:
            element.is_enabled()
            return False
        except WebDriverException:
            return True

    def loaded(d):
        try:
            return d.execute_script("return document.readyState") == "complete"
        except WebDriverException:
            return False

    WebDriverWait(driver, 20).until(gone)
    WebDriverWait(driver, 20).until(loaded)


def shot(driver, name):
    os.makedirs(ARTIFACTS, exist_ok=True)
    driver.save_screenshot(os.path.join(ARTIFACTS, name + ".png"))


# Roughly how long the long tests take (seconds, debug build), so that they start first and the two
# workers finish together: longest first, then everything else in file order.
LONG = {
    "test_a_100000_person_import_survives_sigkill_and_round_trips_on_postgres": 360,
    "test_api_fuzzing_on_postgres": 175,
    "test_api_fuzzing_on_sqlite": 130,
    "test_a_100000_person_import_survives_sigkill_and_round_trips_on_sqlite": 100,
    "test_serve_builds_the_demo_on_an_empty_postgres_database": 55,
    "test_serve_builds_the_demo_on_an_empty_sqlite_directory": 25,
    "test_user_administration_on_the_command_line": 20,
}


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: -LONG.get(item.originalname, 0))
