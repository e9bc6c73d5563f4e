"""The web shell in a real browser: log in as a township clerk, see the home page with demo
counts, switch to Tibetan, and be refused another township's household."""
from selenium.webdriver.common.by import By

from conftest import PASSWORD, api, shot, submit


def login(browser, base, username):
    browser.get(base + "/login")
    browser.find_element(By.ID, "username").send_keys(username)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    submit(browser, browser.find_element(By.ID, "login-submit"))


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
