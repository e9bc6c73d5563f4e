"""Accessibility (issue #24): axe-core (4.x, from PyPI's axe-core-python), run through Selenium in
Chromium on the main pages of the public, a township clerk and a county office, in Chinese and
Tibetan, finds no serious or critical violation."""
import re

from axe_core_python.selenium import Axe
from selenium.webdriver.common.by import By

from test_shell import login


def violations(browser):
    result = Axe().run(browser, options={"resultTypes": ["violations"]})
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:3])
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]


def check(browser, server, paths, lang):
    found = {}
    for path in paths:
        browser.get(f"{server}/lang/{lang}?to={path}" if path.startswith("/") else path)
        problems = violations(browser)
        if problems:
            found[f"{lang} {path}"] = problems
    return found


def test_public_pages_have_no_serious_accessibility_problem(server, browser):
    browser.get(server + "/gongshi")
    notice = next(h for h in (a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "main a"))
                  if re.search(r"/gongshi/\d+$", h or ""))
    path = "/" + notice.split("/", 3)[3]
    found = {}
    for lang in ("zh-Hans", "bo"):
        found |= check(browser, server, ["/", "/gongshi", path, "/gongshi/track", "/login", "/help"], lang)
    assert not found, found


def test_a_clerks_and_a_countys_pages_have_no_serious_accessibility_problem(server, browser):
    login(browser, server, "clerk1")
    browser.get(server + "/households")
    household = "/" + browser.find_element(By.CSS_SELECTOR, "#household-list tbody a").get_attribute("href").split("/", 3)[3]
    browser.get(server + "/cases")
    case = "/" + browser.find_element(By.CSS_SELECTOR, "#recent-cases a").get_attribute("href").split("/", 3)[3]
    found = {}
    for lang in ("zh-Hans", "bo"):
        found |= check(browser, server, ["/", "/households", household, "/cases", case, "/imports", "/quality",
                                         "/households/new", "/standards"], lang)
    browser.delete_all_cookies()
    login(browser, server, "chengguan")
    found |= check(browser, server, ["/units/540102", "/units/540102/funds", "/projects", "/projects/new",
                                     "/units/540102/responsibility", "/assessments"], "zh-Hans")
    assert not found, "\n".join(f"{page}: {p}" for page, problems in found.items() for p in problems)
