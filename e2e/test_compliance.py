"""The 责任落实 pages in a real browser (issue #5): the county office opens its county's page,
follows a township with open problems down to a village, and reaches the household a problem is about."""
from selenium.webdriver.common.by import By

from conftest import shot
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
        row.find_element(By.TAG_NAME, "a").click()
    assert browser.current_url.endswith("/compliance") and len(browser.current_url.split("/units/")[1].split("/")[0]) == 12
    violations = browser.find_elements(By.CSS_SELECTOR, "#violations tbody tr")
    assert violations, browser.page_source[:2000]
    shot(browser, "compliance-village")
    link = next((v.find_element(By.TAG_NAME, "a") for v in violations if v.find_elements(By.TAG_NAME, "a")), None)
    if link is not None:
        link.click()
        assert "/households/" in browser.current_url
        assert browser.find_element(By.ID, "pairing-title")
