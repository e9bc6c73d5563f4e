"""Inspections and the audit-log search in a real browser (issue #7): the county office records an
inspection of a township and a finding against it, the township's clerk rectifies with a scanned
file, the county reopens, the clerk rectifies again and the county accepts; the 通报 shows the
result. An auditor then finds the clerk's rectifications in the audit log."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import shot, submit
from test_shell import login


def sign_in(browser, server, user):
    """Signs in and chooses Chinese (an earlier test may have left the user in another language)."""
    browser.delete_all_cookies()
    login(browser, server, user)
    browser.get(server + "/lang/zh-Hans?to=/")


def finding_section(browser):
    return browser.find_element(By.CSS_SELECTOR, "section.finding")


def rectify(browser, note, path=None):
    form = browser.find_element(By.CSS_SELECTOR, ".rectify-form")
    form.find_element(By.NAME, "note").send_keys(note)
    if path:
        form.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(path))
    submit(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))


def test_an_inspection_from_creation_to_verified_rectification(server, browser, tmp_path):
    sign_in(browser, server, "chengguan")
    browser.get(server + "/units/540102/inspections")
    form = browser.find_element(By.ID, "inspection-form")
    form.find_element(By.NAME, "title").send_keys("城关区脱贫攻坚专项督查（浏览器测试）")
    names = form.find_elements(By.NAME, "team_name[]")
    departments = form.find_elements(By.NAME, "team_department[]")
    names[0].send_keys("扎西"); Select(departments[0]).select_by_value("discipline")
    names[1].send_keys("王芳"); Select(departments[1]).select_by_value("finance")
    form.find_element(By.CSS_SELECTOR, "input[name='targets[]'][value='540102001']").click()
    submit(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert "/inspections/" in browser.current_url, browser.page_source[:1500]
    inspection_url = browser.current_url
    assert "扎西" in browser.find_element(By.ID, "inspection-facts").text

    form = browser.find_element(By.ID, "finding-form")
    Select(form.find_element(By.NAME, "unit_code")).select_by_value("540102001")
    Select(form.find_element(By.NAME, "category")).select_by_value("funds")
    form.find_element(By.NAME, "responsible_person").send_keys("乡长 次仁")
    form.find_element(By.NAME, "description").send_keys("产业资金拨付台账与银行流水不一致")
    deadline = form.find_element(By.NAME, "deadline")
    browser.execute_script("arguments[0].value = arguments[0].min", deadline)
    submit(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    section = finding_section(browser)
    assert "待整改" in section.text and "产业资金拨付台账" in section.text

    # The township's clerk rectifies with a scanned file.
    sign_in(browser, server, "clerk1")
    browser.get(inspection_url)
    scan = tmp_path / "evidence.pdf"
    scan.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    rectify(browser, "已核对银行流水并补齐台账", scan)
    section = finding_section(browser)
    assert "已整改待验收" in section.text, section.text
    assert section.find_element(By.LINK_TEXT, "evidence.pdf")
    assert not browser.find_elements(By.CSS_SELECTOR, ".verify-form")

    # The county reopens it, the clerk rectifies again, the county accepts.
    sign_in(browser, server, "chengguan")
    browser.get(inspection_url)
    form = browser.find_element(By.CSS_SELECTOR, ".verify-form")
    form.find_element(By.NAME, "note").send_keys("缺少村级公示照片")
    submit(browser, form.find_element(By.CSS_SELECTOR, "button[value=reopen]"))
    assert "退回重新整改" in finding_section(browser).text

    sign_in(browser, server, "clerk1")
    browser.get(inspection_url)
    rectify(browser, "已补充村级公示照片")
    assert "已整改待验收" in finding_section(browser).text

    sign_in(browser, server, "chengguan")
    browser.get(inspection_url)
    form = browser.find_element(By.CSS_SELECTOR, ".verify-form")
    form.find_element(By.NAME, "note").send_keys("整改到位")
    submit(browser, form.find_element(By.CSS_SELECTOR, "button[value=accept]"))
    section = finding_section(browser)
    assert "已验收" in section.text
    assert [li.text.split(" ")[1] for li in section.find_elements(By.CSS_SELECTOR, "ol.events li")] == ["提交整改", "退回整改", "提交整改", "验收通过"]
    shot(browser, "inspection")
    submit(browser, browser.find_element(By.ID, "notification-link"))
    sheet = browser.find_element(By.ID, "notification")
    assert "已验收" in sheet.text and "王芳" in sheet.text
    shot(browser, "inspection-notification")

    # The auditor finds the clerk's two rectifications in the audit log.
    sign_in(browser, server, "auditor")
    submit(browser, browser.find_element(By.ID, "nav-audit"))
    form = browser.find_element(By.ID, "audit-form")
    form.find_element(By.NAME, "user").send_keys("clerk1")
    form.find_element(By.NAME, "action").send_keys("finding.rectify")
    submit(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    rows = browser.find_elements(By.CSS_SELECTOR, "#audit-entries tbody tr")
    # The action in words (finding.rectify → 报送整改情况), the code one click away in the raw record.
    assert len(rows) == 2 and all("报送整改情况" in r.text for r in rows), browser.page_source[:2000]
    assert browser.find_element(By.ID, "audit-export-csv")
    shot(browser, "audit-search")


def test_an_assessment_from_scheme_to_results(server, browser):
    """Region HQ creates this year's scheme, publishes it, computes the indicators, types in the
    inspection scores for every unit in one table, ranks, approves and distributes; the county's
    result page shows each indicator's value, source and score."""
    sign_in(browser, server, "region")
    submit(browser, browser.find_element(By.ID, "nav-assessments"))
    form = browser.find_element(By.ID, "scheme-form")
    year = form.find_element(By.NAME, "year")
    this_year = int(year.get_attribute("value")) + 1     # the form offers last year, which the demo has assessed
    year.clear(); year.send_keys(str(this_year))
    submit(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert "/assessments/" in browser.current_url, browser.page_source[:1500]
    assert len(browser.find_elements(By.CSS_SELECTOR, "#indicators tbody tr")) == 14
    for step in ("publish", "compute"):
        submit(browser, browser.find_element(By.ID, f"step-{step}"))
        assert not browser.find_elements(By.ID, "form-error"), browser.find_element(By.ID, "form-error").text
    # Ranking before the typed-in scores is refused with the reason.
    submit(browser, browser.find_element(By.ID, "step-rank"))
    assert browser.find_element(By.ID, "form-error").text
    rows = browser.find_elements(By.CSS_SELECTOR, "#entered tbody tr")
    assert len(rows) > 10
    for k, row in enumerate(rows):
        browser.execute_script("arguments[0].value = arguments[1]; arguments[2].value = arguments[3]",
                               row.find_element(By.NAME, "value_pct[]"), str(75 + k % 25),
                               row.find_element(By.NAME, "note[]"), "督查考核评价")
    submit(browser, browser.find_element(By.ID, "entered-save"))
    assert not browser.find_elements(By.ID, "form-error")
    for step in ("rank", "approve"):
        submit(browser, browser.find_element(By.ID, f"step-{step}"))
        assert not browser.find_elements(By.ID, "form-error")
    form = browser.find_element(By.ID, "distribute-form")
    form.find_element(By.NAME, "document_no").send_keys("藏扶领〔2026〕8号")
    submit(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert "已通报" in browser.find_element(By.ID, "scheme-state").text
    assert len(browser.find_elements(By.CSS_SELECTOR, "#distributions tr")) == 4
    counties = browser.find_elements(By.CSS_SELECTOR, "#results-counties tbody tr")
    assert counties and counties[0].find_elements(By.TAG_NAME, "td")[0].text == "1"
    shot(browser, "assessment")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "#result-540102 a"))
    values = browser.find_elements(By.CSS_SELECTOR, "#unit-values tbody tr")
    assert len(values) == 14 and "督查考核评价" in browser.find_element(By.ID, "unit-values").text
    assert browser.find_element(By.ID, "unit-result").text
    shot(browser, "assessment-county")
