"""A real headless Chromium on a real ``ydsearch serve``: type, see marks, click a facet.

Chromium and chromedriver come from the system's packages (``.ci/run`` installs
them with apt-get when missing); the test skips, saying so, only when they are
not installed.  Each browser gets a fresh profile folder and the flags of
``tests/drivers/browser.py`` (headless, no sandbox, no network services).
"""
import pytest

from tests.drivers.browser import Server, chromium, find_chromium, quit_chromium, wait_for

BROWSER, DRIVER = find_chromium()
pytestmark = pytest.mark.skipif(
    BROWSER is None or DRIVER is None,
    reason="Chromium or chromedriver is not installed (Debian: apt-get install chromium "
           "chromium-driver); the browser test needs both")


@pytest.fixture(scope="module")
def server(seed_index_path):
    with Server(seed_index_path) as s:
        yield s


@pytest.fixture
def browser():
    drv = chromium(1280, 900)
    yield drv
    quit_chromium(drv)


def css(drv, selector):
    from selenium.webdriver.common.by import By

    return drv.find_elements(By.CSS_SELECTOR, selector)


def marks(drv):
    return [m.text for m in css(drv, "#results .hit .text mark")]


def expected(index_path, query, **filters):
    """What the library answers: the page must show the same."""
    import ydsearch

    with ydsearch.open_index(index_path) as ix:
        return ix.search(query, limit=10, facets=True, **filters)


def parts_of(term, found):
    """Every mark is the term, or (for a passage holding only parts of it) a part."""
    import ydsearch

    return found and all(ydsearch.normalize(m).text in term for m in found)


def click_year_facet(drv, year):
    """Click the year facet ``year``; return the count it showed."""
    link = css(drv, f'.facet[data-facet="year"] a[data-value="{year}"]')[0]
    count = int(link.find_element("css selector", ".n").text)
    link.click()
    wait_for(lambda: f"year={year}" in drv.current_url and css(drv, ".chips"))
    return count


def test_type_a_query_see_highlighted_hits_click_a_facet(server, browser, tmp_path,
                                                        seed_index_path):
    want = expected(seed_index_path, "生态绿色")
    browser.get(server.url + "/")
    box = css(browser, "#q")[0]
    box.send_keys("生态绿色")
    # No Enter: the page searches as you type and puts the query in the address.
    found = wait_for(lambda: marks(browser) if f"共 {want.total} 段" in
                     css(browser, ".count")[0].text else None)
    assert "生态绿色" in found and parts_of("生态绿色", found)
    assert [h.find_element("css selector", "a.id").text.split("·")[-1].strip()
            for h in css(browser, "#results .hit")] == [h.id for h in want]
    wait_for(lambda: "q=%E7%94%9F%E6%80%81%E7%BB%BF%E8%89%B2" in browser.current_url)
    # Marks are drawn as marks: a background colour, not the text's.
    colour = css(browser, "#results mark")[0].value_of_css_property("background-color")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")

    year = {c.value: c.count for c in want.facets["year"]}
    count = click_year_facet(browser, 2020)
    assert count == year[2020]
    in_2020 = expected(seed_index_path, "生态绿色", year=2020)
    hits = css(browser, "#results .hit")
    assert len(hits) == len(in_2020) and in_2020.total == count
    assert all("2020" in h.find_element("css selector", "header").text for h in hits)
    assert parts_of("生态绿色", marks(browser))
    assert "年份：2020" in css(browser, ".chips")[0].text
    assert css(browser, '.facet[data-facet="year"] li.chosen a')[0].get_attribute(
        "data-value") == "2020"
    shot = tmp_path / "page.png"
    assert browser.save_screenshot(str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_page_works_without_javascript(server, seed_index_path):
    from selenium.webdriver.common.keys import Keys

    in_2024 = expected(seed_index_path, "生态绿色", year=2024)
    drv = chromium(1280, 900, javascript=False)
    try:
        drv.get(server.url + "/")
        css(drv, "#q")[0].send_keys("生态绿色", Keys.ENTER)      # a plain form submission
        wait_for(lambda: marks(drv))
        assert drv.current_url.endswith("/?q=%E7%94%9F%E6%80%81%E7%BB%BF%E8%89%B2")
        assert click_year_facet(drv, 2024) == in_2024.total
        assert len(css(drv, "#results .hit")) == len(in_2024)
    finally:
        quit_chromium(drv)


def test_a_phone_screen_needs_no_sideways_scrolling(server):
    drv = chromium(390, 844, phone=True)
    try:
        for path in ("/?q=一体化", "/p/000_cc6c4b9cc009c9ed%2311", "/meetings", "/speakers"):
            drv.get(server.url + path)
            inner = drv.execute_script("return window.innerWidth")
            assert inner <= 420
            scroll = drv.execute_script("return document.documentElement.scrollWidth")
            assert scroll <= inner, path
        drv.get(server.url + "/?q=一体化")
        box = css(drv, "#q")[0]
        assert box.size["width"] > inner * 0.5
        hits = css(drv, "#results .hit")
        side = css(drv, ".side")[0]
        assert hits and side.location["y"] > hits[-1].location["y"]   # facets below the hits
    finally:
        quit_chromium(drv)
