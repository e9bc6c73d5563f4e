"""The registry as a township clerk uses it in real Chromium, and the import/export templates
as an operator uses them from the command line."""
import csv
import io
import os
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time

import openpyxl
import pytest
from selenium.webdriver.common.by import By

from conftest import BIN, PASSWORD, ROOT, demo_copy, once, postgres_demo, shot, sqlite_env, submit, tuopin, wait_for
from test_api_fuzz import DEMO as TWO_COUNTIES
from test_shell import login


def clerk_member_ids(server_data_env):
    """Resident IDs of clerk1's township, read the way an operator would: an export as clerk1."""
    out = os.path.join(tempfile.mkdtemp(), "m.csv")
    tuopin(["export", "members", "--reason", "e2e check", "--as", "clerk1", out], server_data_env)
    with open(out, encoding="utf-8-sig") as f:
        return list(csv.reader(f))[1:]


def test_clerk_lists_searches_by_id_opens_edits_and_meets_a_conflict(server, browser):
    rows = clerk_member_ids(server.env)
    number, resident_id = rows[-1][0], rows[-1][10]
    login(browser, server, "clerk1")
    browser.get(server + "/lang/zh-Hans?to=/households")
    listed = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#household-list tbody a")]
    assert listed and all(n.startswith("540102001") for n in listed)

    browser.find_element(By.ID, "search-id").send_keys(resident_id)
    submit(browser, browser.find_element(By.ID, "filter-submit"))
    found = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#household-list tbody a")]
    assert found == [number]
    submit(browser, browser.find_element(By.LINK_TEXT, number))
    assert number in browser.find_element(By.ID, "household-number").text
    shot(browser, "household")

    # Two tabs open the same edit form.
    submit(browser, browser.find_element(By.ID, "edit-household"))
    edit_url = browser.current_url
    first = browser.current_window_handle
    browser.switch_to.new_window("tab")
    browser.get(edit_url)
    second = browser.current_window_handle

    browser.switch_to.window(first)
    address = browser.find_element(By.ID, "address")
    address.clear(); address.send_keys("七组18号")
    submit(browser, browser.find_element(By.ID, "save-household"))
    assert browser.find_element(By.ID, "address").text == "七组18号"

    browser.switch_to.window(second)
    address = browser.find_element(By.ID, "address")
    address.clear(); address.send_keys("八组1号")
    submit(browser, browser.find_element(By.ID, "save-household"))
    assert browser.find_element(By.ID, "conflict-title").text
    table = browser.find_element(By.ID, "conflict").text
    assert "八组1号" in table and "七组18号" in table
    shot(browser, "conflict")
    browser.get(edit_url.replace("/edit", ""))
    assert browser.find_element(By.ID, "address").text == "七组18号"

    # A bad value gets a message at the field, and nothing is saved.
    browser.get(edit_url)
    phone = browser.find_element(By.ID, "phone")
    phone.clear(); phone.send_keys("abc")
    submit(browser, browser.find_element(By.ID, "save-household"))
    assert browser.find_element(By.ID, "phone-error").text


def test_registry_pages_exist_in_tibetan_and_english(server, browser):
    login(browser, server, "clerk1")
    browser.get(server + "/households")
    household = browser.find_element(By.CSS_SELECTOR, "#household-list tbody a").get_attribute("href")
    for lang, word in (("bo", "ཁྱིམ"), ("en", "Household")):
        browser.get(f"{server}/lang/{lang}?to=/households")
        for path in ("/households", household.replace(server, ""), household.replace(server, "") + "/edit", "/quality", "/imports"):
            browser.get(server + path)
            assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang
            text = browser.find_element(By.TAG_NAME, "main").text
            assert "f_" not in text and "v_" not in text and "quality_" not in text, (path, lang)
        assert word in browser.page_source
    shot(browser, "imports-en")


def test_xlsx_export_holds_exactly_the_csv_rows(tmp_path):
    env = demo_copy(tmp_path, TWO_COUNTIES)
    for kind in ("members", "incomes"):
        tuopin(["export", kind, "--reason", "e2e check", "--unit", "540102", str(tmp_path / f"{kind}.csv")], env)
        tuopin(["export", kind, "--reason", "e2e check", "--unit", "540102", str(tmp_path / f"{kind}.xlsx")], env)
        with open(tmp_path / f"{kind}.csv", encoding="utf-8-sig", newline="") as f:
            from_csv = list(csv.reader(f))
        sheet = openpyxl.load_workbook(tmp_path / f"{kind}.xlsx", read_only=True).active
        from_xlsx = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        width = len(from_csv[0])
        from_xlsx = [row + [""] * (width - len(row)) for row in from_xlsx]
        assert len(from_csv) > 1
        assert from_xlsx == from_csv, kind


def export_hundred_thousand(path):
    source = os.path.join(path, "source")
    tuopin(["demo", "--households", "23300", "--seed", "9", "--password", PASSWORD], sqlite_env(source))
    tuopin(["export", "members", "--reason", "e2e round trip", os.path.join(path, "members.csv")], sqlite_env(source))
    tuopin(["export", "incomes", "--reason", "e2e round trip", os.path.join(path, "incomes.csv")], sqlite_env(source))
    shutil.rmtree(source)


@pytest.fixture(scope="module")
def hundred_thousand_people():
    """Members and incomes CSV of a demo region of over 100,000 people (made once per run)."""
    path = once("members and incomes of 23,300 households", export_hundred_thousand)
    members, incomes = os.path.join(path, "members.csv"), os.path.join(path, "incomes.csv")
    people = sum(1 for _ in open(members, encoding="utf-8-sig")) - 1
    assert people >= 100_000, people
    return members, incomes


def count(env, table):
    if env.get("DATABASE_URL"):
        return int(subprocess.run(["psql", env["DATABASE_URL"], "-qtAc", f"SELECT COUNT(*) FROM {table}"],
                                  capture_output=True, text=True, check=True).stdout)
    with sqlite3.connect(os.path.join(env["TUOPIN_DATA_DIR"], "tuopin.sqlite")) as c:
        return c.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def import_is_under_way(env):
    """SQLite: the write-ahead log has grown past 8 MiB; PostgreSQL: the import is writing members (INSERT or COPY)."""
    if env.get("DATABASE_URL"):
        out = subprocess.run(["psql", env["DATABASE_URL"], "-qtAc",
                              "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
                              "AND state = 'active' AND (query ILIKE 'INSERT INTO%members%' OR query ILIKE 'COPY%members%')"],
                             capture_output=True, text=True).stdout.strip()
        return out not in ("", "0")
    wal = os.path.join(env["TUOPIN_DATA_DIR"], "tuopin.sqlite-wal")
    return os.path.exists(wal) and os.path.getsize(wal) > 8 << 20


# An empty registry: the tree and logins, no households.
EMPTY = ["--households", "0", "--seed", "9", "--bare"]


def crash_then_import(tmp_path, env, members, incomes):
    audit_before = tuopin(["audit", "verify"], env).stdout

    # Crash safety: the import is killed (SIGKILL) while its transaction writes; afterwards the
    # database is intact, none of the import is there, the audit chain is intact, and it runs again.
    killed = subprocess.Popen([BIN, "import", "members", str(members)], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while killed.poll() is None and time.time() < deadline and not import_is_under_way(env):
        time.sleep(0.05)
    assert killed.poll() is None, "the import finished before it could be killed"
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    if not env.get("DATABASE_URL"):
        with sqlite3.connect(os.path.join(env["TUOPIN_DATA_DIR"], "tuopin.sqlite")) as c:
            assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert count(env, "households") == 0 and count(env, "members") == 0
    assert tuopin(["audit", "verify"], env).stdout == audit_before

    assert "imported" in tuopin(["import", "members", str(members)], env).stdout
    assert "imported" in tuopin(["import", "incomes", str(incomes)], env).stdout
    again_m, again_i = tmp_path / "members2.csv", tmp_path / "incomes2.csv"
    tuopin(["export", "members", "--reason", "e2e round trip", str(again_m)], env)
    tuopin(["export", "incomes", "--reason", "e2e round trip", str(again_i)], env)
    for a, b in ((members, again_m), (incomes, again_i)):
        assert sorted(open(a, "rb").read().splitlines()) == sorted(open(b, "rb").read().splitlines())
    assert "audit chain intact" in tuopin(["audit", "verify"], env).stdout


def test_a_100000_person_import_survives_sigkill_and_round_trips_on_sqlite(tmp_path, hundred_thousand_people):
    crash_then_import(tmp_path, demo_copy(tmp_path / "target", EMPTY), *hundred_thousand_people)


def test_a_100000_person_import_survives_sigkill_and_round_trips_on_postgres(tmp_path, hundred_thousand_people, pg_database):
    target = tmp_path / "target"
    target.mkdir()
    env = postgres_demo(target, pg_database, EMPTY, PASSWORD)
    crash_then_import(tmp_path, env, *hundred_thousand_people)


def test_long_actions_show_their_progress_on_the_page(server, browser, tmp_path):
    """The export and the import show the server's own count of households done."""
    from selenium.webdriver.support.ui import WebDriverWait
    login(browser, server, "clerk1")
    browser.get(server + "/lang/zh-Hans?to=/households")
    submit(browser, browser.find_element(By.PARTIAL_LINK_TEXT, "CSV"))
    browser.find_element(By.ID, "export-reason").send_keys("核对进度显示")
    browser.find_element(By.ID, "export-submit").click()
    # The file downloads; the page stays and says the server has finished every household.
    status = browser.find_element(By.CSS_SELECTOR, "#export-reason-form .progress-status")
    WebDriverWait(browser, 30).until(lambda d: status.text == "处理完成")
    bar = browser.find_element(By.CSS_SELECTOR, "#export-reason-form progress")
    assert bar.get_attribute("value") == bar.get_attribute("max")
    shot(browser, "export-progress")

    # The import form uploads with its progress and then shows the server's answer.
    rows = clerk_member_ids(server.env)
    path = tmp_path / "members.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["户编号", "村代码"])  # a file the import refuses: its header is not the template's
        w.writerow([rows[0][0], rows[0][1]])
    browser.get(server + "/imports")
    browser.find_element(By.ID, "file").send_keys(str(path))
    browser.find_element(By.ID, "dry_run").click()
    browser.find_element(By.ID, "import-submit").click()
    summary = WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.ID, "import-summary"))
    assert summary[0].text
