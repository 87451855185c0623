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
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1100,1000",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()


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
    find(By.NAME, "name").send_keys("电商运营经理 第48周")
    Select(find(By.NAME, "bank")).select_by_value("ecommerce-marketing-zh")
    find(By.NAME, "questions").send_keys("3")
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
        WebDriverWait(browser, 20).until(ready.staleness_of(field))
    assert find(By.TAG_NAME, "h1").text == "感谢参加"

    browser.get(dashboard)
    find(By.TAG_NAME, "table")
    assert "陈伟" in browser.page_source and "finished" in browser.page_source
    assert "left_page" not in browser.page_source  # answering is not leaving the page
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
    WebDriverWait(browser, 20).until(lambda b: "left_page" in b.page_source or b.refresh())

    find(By.LINK_TEXT, "李雷").click()  # the recruiter revokes the second link
    revoke = find(By.CSS_SELECTOR, "form[action$='/revoke'] button")
    revoke.click()
    WebDriverWait(browser, 20).until(ready.staleness_of(revoke))  # the revocation has landed
    browser.get(base + second)
    assert find(By.TAG_NAME, "h1").text == "链接已失效"  # an error page in the bank's language
    screenshot(browser, tmp_path, "revoked.png")
    browser.get(base + "/audit")
    actions = [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "td:nth-child(3)")]
    assert actions[:2] == ["revoked", "invited"] and "created" in actions
    screenshot(browser, tmp_path, "audit.png")
    server.should_exit = True
