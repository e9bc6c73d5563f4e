"""The web shell in a real browser: log in as a township clerk, see the home page with demo
counts, switch to Tibetan, and be refused another township's household."""
import re
import time

import numpy as np
import zxingcpp
from selenium.webdriver.common.by import By

from conftest import PASSWORD, api, shot, submit, totp

# Two-factor secrets of the users enrolled in this run, and the last time step each one used.
SECRETS, LAST_STEP = {}, {}


def qr_text(svg):
    """Decodes the enrolment QR code with a real reader (zxing-cpp), as a phone's camera would."""
    side = int(re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).group(1))
    image = np.full((side, side), 255, dtype=np.uint8)
    for x, y, run in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", svg):
        image[int(y), int(x):int(x) + int(run)] = 0
    image = np.kron(image, np.ones((4, 4), dtype=np.uint8))
    return [r.text for r in zxingcpp.read_barcodes(image)]


def fresh_code(username):
    """A code of a step this user has not used yet (a code is good once). The server accepts one
    step of clock drift, so a second sign-in within the same 30 s uses the next step's code; only a
    third has to wait for the clock."""
    now = int(time.time() // 30)
    step = max(now, LAST_STEP.get(username, -1) + 1)
    if step > now + 1:
        time.sleep(30 - time.time() % 30 + 0.5)
        step = int(time.time() // 30)
    LAST_STEP[username] = step
    return totp(SECRETS[username], step=step)


def login(browser, base, username):
    """Signs in through the form; a user whose role needs two factors enrols at the first login
    (scanning the QR code with a real decoder) and gives a code at every later one."""
    browser.get(base + "/login")
    browser.find_element(By.ID, "username").send_keys(username)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    submit(browser, browser.find_element(By.ID, "login-submit"))
    if browser.current_url.endswith("/two-factor"):
        assert browser.find_element(By.ID, "two-factor-required").text
        submit(browser, browser.find_element(By.ID, "begin-two-factor"))
        secret = browser.find_element(By.ID, "totp-secret").text.replace(" ", "")
        svg = browser.find_element(By.CSS_SELECTOR, "#totp-qr svg").get_attribute("outerHTML")
        assert qr_text(svg) == [f"otpauth://totp/Tuopin:{username}?secret={secret}&issuer=Tuopin&algorithm=SHA1&digits=6&period=30"]
        shot(browser, "two-factor-enrol")
        SECRETS[username] = secret
        browser.find_element(By.ID, "code").send_keys(fresh_code(username))
        submit(browser, browser.find_element(By.ID, "confirm-two-factor"))
        codes = browser.find_elements(By.CSS_SELECTOR, "#recovery-codes li code")
        assert len(codes) == 10 and all(re.fullmatch(r"[A-Z2-7]{5}-[A-Z2-7]{5}", c.text) for c in codes)
        submit(browser, browser.find_element(By.ID, "two-factor-continue"))
    elif browser.current_url.endswith("/login/second-factor"):
        browser.find_element(By.ID, "code").send_keys(fresh_code(username))
        submit(browser, browser.find_element(By.ID, "second-factor-submit"))


def test_clerk_sees_home_switches_to_tibetan_and_is_refused_other_township(server, browser):
    login(browser, server, "clerk1")
    assert browser.current_url.endswith("/units/540102001")
    total = int(browser.find_element(By.ID, "total-households").text)
    assert total > 0
    assert "扶贫专干" in browser.page_source
    shot(browser, "clerk-home-zh")

    submit(browser, browser.find_element(By.CSS_SELECTOR, 'a[lang="bo"]'))
    assert browser.current_url.endswith("/units/540102001")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "bo"
    assert "ཁྱིམ་ཚང་གྲངས།" in browser.page_source   # "households" in Tibetan
    shot(browser, "clerk-home-bo")

    token = api(server, "/api/v1/tokens", body={"username": "clerk2", "password": PASSWORD})["token"]
    other = api(server, "/api/v1/households?limit=1", token=token)["items"][0]
    assert other["village"].startswith("540103001")
    browser.get(f"{server}/households/{other['id']}")
    assert browser.find_element(By.ID, "error-message").text
    assert other["number"] not in browser.page_source
    shot(browser, "clerk-refused")


def test_wrong_password_shows_a_clear_message(server, browser):
    browser.get(server + "/lang/en?to=/login")
    browser.find_element(By.ID, "username").send_keys("village1")
    browser.find_element(By.ID, "password").send_keys("not-the-password")
    submit(browser, browser.find_element(By.ID, "login-submit"))
    assert browser.find_element(By.ID, "login-error").text == "Wrong username or password."


def test_region_home_lists_all_seven_prefectures(server, browser):
    login(browser, server, "region")
    rows = browser.find_elements(By.CSS_SELECTOR, "#children tbody tr")
    assert len(rows) == 7
    for row in rows:
        assert int(row.find_elements(By.TAG_NAME, "td")[2].text) > 0
    shot(browser, "region-home")


def test_an_anonymous_upload_is_answered_before_its_body_is_read(server):
    """Issue #22: the upload routes (import, signed letter, evidence) refuse a caller who is not
    signed in before reading the body: announcing 50 MB and sending 1 KB gets its answer at once
    (before the fix the server waited to collect the 50 MB)."""
    import socket
    host, port = server.replace("http://", "").split(":")
    for path in ["/imports", "/letters/1/sign", "/findings/1/steps"]:
        for cookie in ["", "Cookie: tuopin_session=forged\r\n"]:
            with socket.create_connection((host, int(port)), timeout=10) as s:
                s.sendall((f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: multipart/form-data; boundary=B\r\n"
                           f"Content-Length: {50 << 20}\r\n{cookie}\r\n").encode() + b"x" * 1024)
                head = s.recv(4096).decode(errors="replace")
            assert head.startswith("HTTP/1.1 "), (path, head)
            assert int(head.split()[1]) in (303, 401), (path, head)
