"""The region dashboard and the county map in a real browser, in Chinese and Tibetan, with
screenshots kept under e2e/artifacts/, and a click on a county that opens its page."""
from selenium.webdriver.common.by import By

from conftest import shot, submit
from test_shell import login


def figure(browser, key):
    return int(browser.find_element(By.CSS_SELECTOR, f"#fig-{key} strong").text)


def test_region_dashboard_and_map_in_chinese_and_tibetan_and_a_county_click(server, browser):
    login(browser, server, "region")
    assert browser.current_url.endswith("/units/54")
    browser.get(server + "/lang/zh-Hans?to=/units/54")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-Hans"
    # The dashboard's remaining poor equal the sum of the prefectures' poor households below it.
    poor = sum(int(row.find_elements(By.TAG_NAME, "td")[4].text) for row in browser.find_elements(By.CSS_SELECTOR, "#children tbody tr"))
    assert figure(browser, "remaining") == poor > 0
    assert figure(browser, "registered") >= figure(browser, "exited") + figure(browser, "remaining")
    assert len(browser.find_elements(By.CSS_SELECTOR, "#county-map path")) == 74
    assert browser.find_elements(By.CSS_SELECTOR, "#chart-years-table tbody tr")
    shot(browser, "dashboard-zh")

    browser.get(server + "/map?measure=remaining")
    assert len(browser.find_elements(By.CSS_SELECTOR, "#county-map a.county")) == 74
    shot(browser, "map-zh")

    browser.get(server + "/lang/bo?to=/map?measure=remaining")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "bo"
    assert "རྫོང་གི་ས་ཁྲ།" in browser.page_source   # "county map" in Tibetan
    shot(browser, "map-bo")
    browser.get(server + "/units/54")
    assert "དབུལ་སྒྲོལ་གྱི་སྤྱིར་བཏང་གནས་ཚུལ།" in browser.page_source   # "overview"
    shot(browser, "dashboard-bo")

    # A prefecture view zooms to its counties; a click on 城关区 opens its page.
    browser.get(server + "/map?prefecture=5401")
    assert len(browser.find_elements(By.CSS_SELECTOR, "#county-map path")) == 8
    submit(browser, browser.find_element(By.CSS_SELECTOR, '#county-map a[data-code="540102"] path'))
    assert browser.current_url.endswith("/units/540102")
    assert browser.find_element(By.ID, "unit-name").text.startswith("城关区")


def test_the_public_home_shows_the_regions_figures_and_leads_to_a_running_notice(server, browser):
    browser.get(server + "/lang/zh-Hans?to=/")
    assert browser.find_element(By.ID, "staff-login")
    assert figure(browser, "registered") >= figure(browser, "exited") > 0
    assert browser.find_element(By.ID, "how-to-object")
    shot(browser, "portal-home-zh")
    links = browser.find_elements(By.CSS_SELECTOR, "#current-notices li a, #disclosures li a")
    assert links
    submit(browser, links[0])
    assert "/gongshi/" in browser.current_url


def test_a_county_prints_its_statistical_tables(server, browser):
    login(browser, server, "chengguan")
    browser.get(server + "/lang/zh-Hans?to=/units/540102")
    submit(browser, browser.find_element(By.ID, "statistics-link"))
    total = browser.find_elements(By.CSS_SELECTOR, "#stat-units tbody tr")[-1].find_elements(By.TAG_NAME, "td")
    assert total[0].text == "合计" and int(total[2].text) > 0
    submit(browser, browser.find_element(By.ID, "stat-print"))
    assert browser.find_element(By.ID, "stat-sheet")
    shot(browser, "statistics-print")
