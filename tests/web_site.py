"""The screening app as a browser sees it: a signed-in recruiter, a candidate's link, the
forms they submit. Shared by the web tests; the `site` fixture (conftest.py) is built here."""

import os
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from interviewer.web.app import create_app
from interviewer.web.store import open_store
from interviewer.web.team import create_user

PASSWORD = "correct horse battery"
POSTGRES = os.environ.get("INTERVIEWER_TEST_POSTGRES_URL")
DATABASES = [
    "sqlite",
    pytest.param(
        "postgres",
        marks=pytest.mark.skipif(
            not POSTGRES, reason="INTERVIEWER_TEST_POSTGRES_URL is not set (.ci/run starts PostgreSQL)"
        ),
    ),
]


def database(kind: str, tmp_path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'web.db'}"
    with create_engine(POSTGRES).begin() as connection:  # each test starts from an empty database
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    return POSTGRES


def open_site(kind: str, tmp_path):
    """A fresh site on `kind` (sqlite or postgres) with one owner, rita, in team acme."""
    url = database(kind, tmp_path)
    store = open_store(url)
    create_user(store, "rita@example.com", PASSWORD, "acme", None)
    app = create_app(url, tmp_path / "transcripts", secret="test-secret")
    return TestClient(app, follow_redirects=False), url


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def logged_in(client):
    response = client.post("/login", data={"email": "rita@example.com", "password": PASSWORD})
    assert response.status_code == 303
    return csrf_of(client.get("/").text)


def new_screening(client, csrf, **fields):
    data = {
        "csrf": csrf,
        "name": "Ops managers, week 48",
        "bank": "ecommerce-marketing-zh",
        "questions": "3,4",
        **fields,
    }
    response = client.post("/screenings", data=data)
    assert response.status_code == 303, response.text
    return response.headers["location"]


def prompt_of(html: str) -> str:
    return re.search(r'name="prompt" value="(\d+)"', html).group(1)


def settled(candidate, link, response):
    """The page after grading: a browser on the "reviewing your answer" page follows its
    refresh to the wait, which sends it back when the transcript changes, until the next
    prompt (or the end) is there."""
    if response.status_code == 303:
        response = candidate.get(link)
    for _ in range(600):
        if 'id="reviewing"' not in response.text:
            return response
        wait = re.search(r'http-equiv="refresh" content="\d+;url=([^"]+)"', response.text).group(1)
        response = candidate.get(wait.replace("&amp;", "&"), follow_redirects=True)
    raise AssertionError("the answer was never graded")


def reply(candidate, link, text, page=None):
    """Answer the prompt on `page` (the current page when not given), as the browser's form
    does, and wait on the reviewing page like the browser."""
    page = page if page is not None else settled(candidate, link, candidate.get(link)).text
    return settled(
        candidate, link, candidate.post(f"{link}/answer", data={"answer": text, "prompt": prompt_of(page)})
    )


def invite(client, csrf, screening, name):
    page = client.post(f"{screening}/invites", data={"csrf": csrf, "candidate": name, "days": "7"}).text
    return re.search(r'data-copy="https?://[^/"]+(/i/[^"]+)"', page).group(1)


BROWSER_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1100,1000",
)


def chromium(*flags: str):
    """Headless Chromium driven by selenium, with `flags` beside the usual ones; the test is
    skipped, saying why, where Debian's chromium and chromium-driver are missing."""
    import shutil

    binary, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (binary and driver):
        pytest.skip("headless Chromium needs Debian's chromium and chromium-driver")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = binary
    for flag in (*BROWSER_FLAGS, *flags):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(driver), options=options)
