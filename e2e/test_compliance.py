"""The 责任落实 pages in a real browser (issue #5): the county office opens its county's page,
follows a township with open problems down to a village, and reaches the household a problem is about."""
from selenium.webdriver.common.by import By

from conftest import shot, submit
from test_shell import login


def test_county_follows_a_violation_down_to_a_village_and_its_household(server, browser):
    login(browser, server, "chengguan")
    browser.get(server + "/units/540102/compliance")
    assert int(browser.find_element(By.ID, "compliance-total").text) > 0
    shot(browser, "compliance-county")
    # Down the tree: at each level take the first unit with open problems, to the village.
    for _ in range(2):
        rows = browser.find_elements(By.CSS_SELECTOR, "#compliance-children tbody tr")
        row = next(r for r in rows if int(r.find_elements(By.TAG_NAME, "td")[-1].text) > 0)
        submit(browser, row.find_element(By.TAG_NAME, "a"))
    assert browser.current_url.endswith("/compliance") and len(browser.current_url.split("/units/")[1].split("/")[0]) == 12
    violations = browser.find_elements(By.CSS_SELECTOR, "#violations tbody tr")
    assert violations, browser.page_source[:2000]
    shot(browser, "compliance-village")
    link = next((v.find_element(By.TAG_NAME, "a") for v in violations if v.find_elements(By.TAG_NAME, "a")), None)
    if link is not None:
        submit(browser, link)
        assert "/households/" in browser.current_url
        assert browser.find_element(By.ID, "pairing-title")


def test_township_clerk_drafts_and_signs_a_letter_with_its_scan(server, browser, tmp_path):
    """The clerk drafts next year's letter on the township's 责任体系 page, signs it by uploading the
    scanned PDF in Chromium, and adds a party-member leader in a village of the township."""
    login(browser, server, "clerk1")
    browser.get(server + "/units/540102001/responsibility")
    assert browser.find_element(By.ID, "principals")
    form = browser.find_element(By.ID, "letter-form")
    year_input = form.find_element(By.NAME, "year")
    year = int(year_input.get_attribute("value")) + 1   # the server's year, in Beijing time
    year_input.clear(); year_input.send_keys(str(year))
    for name, value in [("target_households", "12"), ("target_people", "48"), ("signatory", "乡镇党委书记"), ("counterpart_signatory", "城关区委书记")]:
        field = form.find_element(By.NAME, name)
        field.clear(); field.send_keys(value)
    submit(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    row = browser.find_element(By.ID, f"letter-{year}")
    scan = tmp_path / "letter.pdf"
    scan.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    # Not a PDF first: refused with the reason, still a draft.
    wrong = tmp_path / "letter.txt"
    wrong.write_text("not a pdf")
    row.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(wrong))
    submit(browser, row.find_element(By.CSS_SELECTOR, ".sign-form button"))
    assert browser.find_element(By.ID, "form-error").text
    row = browser.find_element(By.ID, f"letter-{year}")
    row.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(scan))
    # Wait for the answer to the post, not the old page's row (a race on a busy machine).
    submit(browser, row.find_element(By.CSS_SELECTOR, ".sign-form button"))
    row = browser.find_element(By.ID, f"letter-{year}")
    assert row.find_element(By.LINK_TEXT, "PDF"), row.text
    shot(browser, "responsibility-township")
    browser.get(server + "/units/540102001201/responsibility")
    form = browser.find_element(By.ID, "leader-form")
    form.find_element(By.NAME, "name").send_keys("次仁多吉")
    submit(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert "次仁多吉" in browser.find_element(By.ID, "leaders").text
