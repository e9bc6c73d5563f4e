"""Forms that forgive (issue #24 items 6 and 14), in real Chromium: a refused form comes back with
every typed value and the message beside the field; a form sent after the session ended leads to
the login form and back to the page with what was typed, and is then saved."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import PASSWORD, shot, submit
from test_funds import fill
from test_shell import login


def test_a_refused_form_keeps_every_typed_value_and_marks_the_field(server, browser):
    login(browser, server, "chengguan")
    browser.get(server + "/lang/zh-Hans?to=/units/540102/funds")
    form = browser.find_element(By.ID, "allocation-form")
    browser.execute_script("arguments[0].closest('details').open = true", form)
    Select(form.find_element(By.NAME, "source")).select_by_value("partnerAid")
    Select(form.find_element(By.NAME, "to_unit")).select_by_value("540102001")
    fill(form, {"amount": "12,3.4元", "note": "e2e 打错的金额"})
    submit(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert browser.find_element(By.ID, "form-error").text
    form = browser.find_element(By.ID, "allocation-form")
    assert form.find_element(By.NAME, "amount").get_attribute("value") == "12,3.4元"
    assert form.find_element(By.NAME, "note").get_attribute("value") == "e2e 打错的金额"
    assert Select(form.find_element(By.NAME, "source")).first_selected_option.get_attribute("value") == "partnerAid"
    assert Select(form.find_element(By.NAME, "to_unit")).first_selected_option.get_attribute("value") == "540102001"
    beside = browser.find_element(By.ID, "field-error")
    assert beside.text.startswith("金额") and "amount" not in beside.text
    assert form.find_element(By.NAME, "amount").get_attribute("aria-invalid") == "true"
    shot(browser, "form-error-kept-values")
    # Corrected, it is saved, and the next page load does not bring the old values back.
    field = form.find_element(By.NAME, "amount"); field.clear(); field.send_keys("2.00")
    submit(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert not browser.find_elements(By.ID, "form-error")
    assert "e2e 打错的金额" in browser.find_element(By.ID, "entries").text
    assert browser.find_element(By.ID, "allocation-form").find_element(By.NAME, "note").get_attribute("value") == ""


def end_session_elsewhere(browser, server, username):
    """Ends the browser's session the way a user does from another device (the sessions page), then
    puts the ended session's cookie back, as a tab left open overnight still holds it."""
    old = browser.get_cookies()
    assert any(c["name"] == "tuopin_session" for c in old), [c["name"] for c in old]
    browser.switch_to.new_window("tab")
    browser.get(server + "/gongshi")
    browser.delete_all_cookies()
    login(browser, server, username)
    browser.get(server + "/sessions")
    ends = browser.find_elements(By.CSS_SELECTOR, "#sessions form[action$='/end'] button")
    for _ in ends:
        submit(browser, browser.find_elements(By.CSS_SELECTOR, "#sessions form[action$='/end'] button")[0])
    browser.delete_all_cookies()
    for c in old:
        browser.add_cookie({k: c[k] for k in ("name", "value", "path", "httpOnly", "secure") if k in c})
    browser.close()
    browser.switch_to.window(browser.window_handles[0])


def test_an_ended_session_returns_to_the_page_with_what_was_typed(server, browser):
    login(browser, server, "clerk1")
    browser.get(server + "/lang/zh-Hans?to=/households")
    page = browser.find_element(By.CSS_SELECTOR, "#household-list tbody a").get_attribute("href")
    browser.get(page)
    browser.find_element(By.CSS_SELECTOR, "#member-add summary").click()
    form = browser.find_element(By.ID, "member-add-form")
    first17 = "54010219880303123"
    weights, codes = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], "10X98765432"
    number = first17 + codes[sum(int(c) * w for c, w in zip(first17, weights)) % 11]
    fill(form, {"name": "白玛曲珍", "resident_id": number})
    Select(form.find_element(By.NAME, "relation")).select_by_value("daughter")
    end_session_elsewhere(browser, server, "clerk1")

    submit(browser, browser.find_element(By.ID, "member-add-submit"))
    assert "/login" in browser.current_url and "resume=1" in browser.current_url
    assert browser.find_element(By.ID, "login-expired").text
    shot(browser, "session-ended-login")
    browser.find_element(By.ID, "username").send_keys("clerk1")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    submit(browser, browser.find_element(By.ID, "login-submit"))
    assert browser.current_url == page
    assert browser.find_element(By.ID, "draft-restored").is_displayed()
    form = browser.find_element(By.ID, "member-add-form")
    assert form.find_element(By.NAME, "name").get_attribute("value") == "白玛曲珍"
    assert Select(form.find_element(By.NAME, "relation")).first_selected_option.get_attribute("value") == "daughter"
    assert form.find_element(By.NAME, "resident_id").get_attribute("value") == number
    shot(browser, "session-ended-restored")
    submit(browser, form.find_element(By.ID, "member-add-submit"))
    assert "已新增家庭成员" in browser.find_element(By.ID, "saved").text
    assert not browser.find_element(By.ID, "draft-restored").is_displayed()
