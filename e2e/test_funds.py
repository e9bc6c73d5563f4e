"""Projects and money in real Chromium (issue #6): a village proposes a project, the township
reviews and posts it, the county appraises and approves it into the library, gives it partner-aid
money and publishes the allocation; it is implemented, completed, accepted and its completion
announced — and the public sees the project and the money on the portal without logging in."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import shot, submit
from test_workflows import VILLAGE, age_notices, as_user, db, plus, step, today

NAME = "e2e 嘎巴村青稞加工合作社"


def board(browser):
    return {"place": "乡政府公示栏"}, {"starts_on": today(browser), "ends_on": plus(browser, 9)}


def fill(form, values):
    for name, value in values.items():
        box = form.find_element(By.NAME, name)
        if box.tag_name == "select":
            Select(box).select_by_value(value)
        else:
            box.clear()
            box.send_keys(value)


def test_a_project_from_village_proposal_to_completion_notice(server, browser):
    as_user(browser, server, "village1")
    browser.get(f"{server}/projects/new?site={VILLAGE}")
    form = browser.find_element(By.ID, "project-form")
    fill(form, {"name": NAME, "category": "industry", "nature": "new", "responsible_unit": "城关区农业农村局", "responsible_person": "扎西",
                "tasks": "建设青稞加工车间一座", "budget": "650000", "funding_sources": "援藏资金", "performance_targets": "带动 30 户贫困户户均增收 2500 元",
                "linking_mechanism": "入股分红、务工就业", "households": "45", "people": "180", "poor_households": "30", "poor_people": "110"})
    submit(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert "/projects/" in browser.current_url, browser.page_source[:1500]
    project = int(browser.current_url.rstrip("/").split("/")[-1])
    assert browser.find_element(By.ID, "project-status").text == "村级申报"
    with db(server) as c:
        case = c.execute("SELECT case_id FROM projects WHERE id = ?", (project,)).fetchone()[0]

    as_user(browser, server, "clerk1")
    assert step(browser, server, case) is None
    place, dates = board(browser)
    assert step(browser, server, case, place, dates) is None
    age_notices(server)

    as_user(browser, server, "chengguan")
    assert step(browser, server, case) is None
    assert step(browser, server, case, {"place": "城关区政府网站"}, board(browser)[1]) is None
    browser.get(f"{server}/projects/{project}")
    assert browser.find_element(By.ID, "project-status").text == "已入库"

    # Money: the county records partner aid, gives part of it to the project and publishes the allocation.
    browser.get(f"{server}/units/540102/funds")
    form = browser.find_element(By.ID, "receipt-form")
    fill(form, {"source": "partnerAid", "amount": "500000", "counterpart": "北京市", "note": "e2e 援藏资金"})
    submit(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert not browser.find_elements(By.ID, "form-error"), browser.find_element(By.ID, "form-error").text
    form = browser.find_element(By.ID, "allocation-form")
    fill(form, {"source": "partnerAid", "amount": "999999999", "project_id": str(project)})
    submit(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    error = browser.find_element(By.ID, "form-error").text
    assert "可用余额" in error, error
    form = browser.find_element(By.ID, "allocation-form")
    fill(form, {"source": "partnerAid", "amount": "300000", "project_id": str(project), "note": "e2e 加工车间"})
    submit(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert not browser.find_elements(By.ID, "form-error")
    form = browser.find_element(By.ID, "disclosure-form")
    fill(form, {"place": "城关区政府公示栏"})
    for name, value in board(browser)[1].items():
        browser.execute_script("arguments[0].value = arguments[1]", form.find_element(By.NAME, name), value)
    submit(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert not browser.find_elements(By.ID, "form-error"), browser.find_element(By.ID, "form-error").text
    shot(browser, "funds-county")
    with db(server) as c:
        notice = c.execute("SELECT notice_id FROM fund_entries WHERE project_id = ? AND move = 'allocation'", (project,)).fetchone()[0]
    assert notice

    age_notices(server)
    as_user(browser, server, "village1")
    assert step(browser, server, case) is None
    as_user(browser, server, "clerk1")
    assert step(browser, server, case) is None
    as_user(browser, server, "chengguan")
    assert step(browser, server, case) is None
    assert step(browser, server, case, {"place": "城关区政府网站"}, board(browser)[1]) is None
    browser.get(f"{server}/projects/{project}")
    assert browser.find_element(By.ID, "project-status").text == "竣工已公告"
    shot(browser, "project-announced")

    # The public: the allocation and the project's notices, without login.
    browser.delete_all_cookies()
    browser.get(f"{server}/gongshi/{notice}")
    html = browser.page_source
    assert NAME in html and "300000.00" in html
    with db(server) as c:
        notices = dict(c.execute("SELECT n.action, n.id FROM notices n JOIN notice_cases nc ON nc.notice_id = n.id WHERE nc.case_id = ?",
                                 (case,)).fetchall())
    assert set(notices) == {"publishTownshipNotice", "approveCounty", "announceCompletion"}
    browser.get(f"{server}/gongshi?unit={VILLAGE}")
    listed = {a.get_attribute("href").rstrip("/").split("/")[-1] for a in browser.find_elements(By.CSS_SELECTOR, "a[href*='/gongshi/']")}
    assert {str(i) for i in notices.values()} <= listed, browser.page_source[:2000]
    browser.get(f"{server}/gongshi/{notices['announceCompletion']}")
    html = browser.page_source
    assert NAME in html and "650000.00" in html and "45户180人" in html
    shot(browser, "portal-project")
