"""One candidate takes a Chinese screening in headless Chromium, then the recruiter opens it.
Screenshots of both pages go to the test's folder (and to INTERVIEWER_SCREENSHOTS if set)."""

import os
import re
import shutil
import threading
import time
from pathlib import Path

import pytest
import uvicorn
from web_site import chromium

from interviewer.web.app import create_app
from interviewer.web.store import open_store
from interviewer.web.team import create_user

CHROMIUM = shutil.which("chromium")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and DRIVER), reason="headless Chromium needs Debian's chromium and chromium-driver"
)


@pytest.fixture
def browser():
    driver = chromium()
    yield driver
    driver.quit()


def gone(element) -> bool:
    """The page the element was on has been replaced (Chromium may report it either way)."""
    from selenium.common.exceptions import WebDriverException

    try:
        element.is_enabled()
    except WebDriverException:
        return True
    return False


def screenshot(driver, folder: Path, name: str) -> None:
    path = folder / name
    driver.save_screenshot(str(path))
    if os.environ.get("INTERVIEWER_SCREENSHOTS"):
        shutil.copy(path, Path(os.environ["INTERVIEWER_SCREENSHOTS"]) / name)


def test_a_candidate_and_the_recruiter_in_chromium(browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import Select, WebDriverWait

    def find(by, value):
        return WebDriverWait(browser, 20).until(ready.presence_of_element_located((by, value)))

    url = f"sqlite:///{tmp_path / 'web.db'}"
    store = open_store(url)
    create_user(store, "rita@example.com", "correct horse battery", "acme", None)
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(url, tmp_path / "t", secret="s"), host="127.0.0.1", port=0, log_level="error"
        )
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"

    browser.get(f"{base}/login")
    find(By.NAME, "email").send_keys("rita@example.com")
    find(By.NAME, "password").send_keys("correct horse battery")
    find(By.TAG_NAME, "button").click()
    find(By.CSS_SELECTOR, "a[href='/screenings/new']").click()
    Select(find(By.NAME, "bank")).select_by_value("ecommerce-marketing-zh")
    show = find(By.CSS_SELECTOR, "form[action='/screenings/new'] button")
    show.click()  # the page again, with that bank's questions to pick
    WebDriverWait(browser, 20).until(lambda _: gone(show))
    find(By.NAME, "name").send_keys("电商运营经理 第48周")
    find(By.CSS_SELECTOR, "input[name='pick'][value='3']").click()
    find(By.CSS_SELECTOR, "form[action='/screenings'] button").click()
    find(By.NAME, "candidate").send_keys("陈伟")
    find(By.CSS_SELECTOR, "form[action$='/invites'] button").click()
    link = re.search(
        r"/i/[A-Za-z0-9_-]+", find(By.CSS_SELECTOR, "button[data-copy]").get_attribute("data-copy")
    ).group(0)
    dashboard = browser.current_url.removesuffix("/invites")

    browser.get(base + link)
    find(By.NAME, "consent").click()
    find(By.CSS_SELECTOR, "form[action$='/start'] button").click()
    assert "当前电商获客成本" in find(By.CLASS_NAME, "prompt").text
    screenshot(browser, tmp_path, "candidate.png")
    for answer in (
        "先算LTV和CAC的比值，再用RFM把用户分层。",
        "高价值老客给专属客服和无门槛券。",
        "流失用户先发问卷，再针对性召回。",
    ):
        field = find(By.CSS_SELECTOR, "textarea[name='answer'], h1")
        if field.tag_name == "h1":
            break
        field.send_keys(answer)
        find(By.CSS_SELECTOR, "form[action$='/answer'] button").click()
        WebDriverWait(browser, 20).until(lambda _, old=field: gone(old))
    assert find(By.TAG_NAME, "h1").text == "感谢参加"

    browser.get(dashboard)
    find(By.TAG_NAME, "table")
    assert "陈伟" in browser.page_source and "finished" in browser.page_source
    assert "left_page×" not in browser.page_source  # answering is not leaving the page
    screenshot(browser, tmp_path, "dashboard.png")
    assert (tmp_path / "dashboard.png").stat().st_size > 10_000

    find(By.NAME, "candidate").send_keys("李雷")
    find(By.CSS_SELECTOR, "form[action$='/invites'] button").click()
    second = re.search(
        r"/i/[A-Za-z0-9_-]+", find(By.CSS_SELECTOR, "button[data-copy]").get_attribute("data-copy")
    ).group(0)
    browser.get(base + second)
    find(By.NAME, "consent").click()
    find(By.CSS_SELECTOR, "form[action$='/start'] button").click()
    find(By.CLASS_NAME, "prompt")
    browser.get("about:blank")  # leaving mid-interview: the script from /static sends its beacon
    browser.get(dashboard)
    WebDriverWait(browser, 20).until(lambda b: "left_page×" in b.page_source or b.refresh())

    find(By.LINK_TEXT, "李雷").click()  # the recruiter revokes the second link
    revoke = find(By.CSS_SELECTOR, "form[action$='/revoke'] button")
    revoke.click()
    WebDriverWait(browser, 20).until(lambda _: gone(revoke))  # the revocation has landed
    browser.get(base + second)
    assert find(By.TAG_NAME, "h1").text == "链接已失效"  # an error page in the bank's language
    screenshot(browser, tmp_path, "revoked.png")
    browser.get(base + "/audit")
    actions = [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "td:nth-child(3)")]
    assert actions[:2] == ["revoked", "invited"] and "created" in actions
    screenshot(browser, tmp_path, "audit.png")
    server.should_exit = True


def serve(tmp_path: Path) -> tuple[uvicorn.Server, str]:
    url = f"sqlite:///{tmp_path / 'pages.db'}"
    create_user(open_store(url), "rita@example.com", "correct horse battery", "acme", None)
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(url, tmp_path / "t", secret="s" * 32), host="127.0.0.1", port=0, log_level="error"
        )
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"


def test_every_page_looks_right_and_the_candidate_page_fits_a_phone(browser, tmp_path):
    """A screenshot of every page (docs/screenshots/ when INTERVIEWER_SCREENSHOTS points there);
    the candidate's question page has no sideways scrolling at a phone's width."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    def find(by, value):
        return WebDriverWait(browser, 20).until(ready.presence_of_element_located((by, value)))

    def shot(name: str, landmark: str = "main") -> None:
        find(By.TAG_NAME, landmark)
        screenshot(browser, tmp_path, name)

    server, base = serve(tmp_path)
    browser.get(f"{base}/login")
    shot("01-login.png")
    find(By.NAME, "email").send_keys("rita@example.com")
    find(By.NAME, "password").send_keys("correct horse battery")
    find(By.CSS_SELECTOR, "form[action='/login'] button").click()
    find(By.CSS_SELECTOR, "a[href='/screenings/new']")
    assert "No screenings yet" in browser.page_source
    shot("02-home-empty.png")
    browser.get(f"{base}/screenings/new?bank=ecommerce-marketing-zh")
    find(By.NAME, "name").send_keys("Ops managers, week 48")
    for box in browser.find_elements(By.NAME, "pick")[2:4]:
        box.click()
    shot("03-new-screening.png")
    find(By.CSS_SELECTOR, "form[action='/screenings'] button").click()
    find(By.NAME, "names").find_element(By.XPATH, "./ancestor::details").click()
    find(By.NAME, "names").send_keys("陈伟\n李雷\nAnn Lee")
    find(By.CSS_SELECTOR, "form[action$='/invites'] button").click()
    copies = (By.CSS_SELECTOR, "button[data-copy]")  # the new page's, once it has loaded
    WebDriverWait(browser, 20).until(lambda b: len(b.find_elements(*copies)) >= 3)
    links = [b.get_attribute("data-copy") for b in browser.find_elements(*copies)]
    dashboard = browser.current_url.removesuffix("/invites")
    shot("04-screening-new-links.png")

    browser.set_window_size(390, 844)  # a phone
    browser.get(links[0])
    shot("05-candidate-consent.png")
    find(By.NAME, "consent").click()
    find(By.CSS_SELECTOR, "form[action$='/start'] button").click()
    find(By.CLASS_NAME, "prompt")
    overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the question page scrolls sideways by {overflow}px on a phone"
    shot("06-candidate-question-phone.png")
    for _ in range(8):
        field = find(By.CSS_SELECTOR, "textarea[name='answer'], h1")
        if field.tag_name == "h1":
            break
        field.send_keys("先算LTV和CAC的比值，再用RFM把用户分层，高价值老客给专属客服。")
        find(By.CSS_SELECTOR, "form[action$='/answer'] button").click()
        WebDriverWait(browser, 30).until(lambda _, old=field: gone(old))
        if "reviewing" in browser.page_source and not os.path.exists(tmp_path / "07-candidate-reviewing.png"):
            shot("07-candidate-reviewing.png")
    assert find(By.TAG_NAME, "h1").text == "感谢参加"
    shot("08-candidate-done.png")
    browser.set_window_size(1100, 1000)

    browser.get(dashboard)
    shot("09-screening.png")
    find(By.LINK_TEXT, "陈伟").click()
    find(By.CLASS_NAME, "report-frame")
    shot("10-candidate-review.png")
    browser.get(f"{dashboard}/compare")
    shot("11-compare.png", "table")
    browser.get(f"{base}/team")
    shot("12-team.png")
    browser.get(f"{base}/audit")
    shot("13-audit.png")
    find(By.NAME, "language").send_keys("中文")
    find(By.CSS_SELECTOR, "form[action='/account/language'] button").click()
    WebDriverWait(browser, 20).until(lambda b: "操作记录" in b.page_source)
    browser.get(base + "/")
    shot("14-home-chinese.png")
    browser.get(base + "/i/no-such-link")
    shot("15-error.png")
    server.should_exit = True
