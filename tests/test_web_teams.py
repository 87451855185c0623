"""A team can trust the screening app: teams never see each other, roles limit what a member
can do, every action is in the owner's audit log, sessions end for good, limits hold across
workers, and errors are pages a person can read in their language."""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import update
from web_site import PASSWORD, csrf_of, invite, logged_in, new_screening

from interviewer.cli import cli
from interviewer.web.app import create_app
from interviewer.web.auth import SESSION_COOKIE
from interviewer.web.store import Invite, LoginSession, open_store, utcnow
from interviewer.web.team import create_user, set_disabled, set_password


def member(client, email, team="acme", role=None):
    """Another recruiter, signed in on their own browser; returns it and its form token."""
    _, url = client.site
    create_user(open_store(url), email, PASSWORD, team, role)
    browser = TestClient(client.app, follow_redirects=False)
    assert browser.post("/login", data={"email": email, "password": PASSWORD}).status_code == 303
    return browser, csrf_of(browser.get("/").text)


@pytest.fixture
def rita(site):
    """The owner of team acme, with a screening, one candidate and a decision."""
    client, _ = site
    client.site = site
    csrf = logged_in(client)
    screening = new_screening(client, csrf, questions="3")
    link = invite(client, csrf, screening, "Chen Wei")
    board = client.get(screening).text
    candidate_id = re.search(r'href="/candidates/(\d+)"', board).group(1)
    client.post(f"/candidates/{candidate_id}/decision", data={"csrf": csrf, "decision": "advance"})
    return client, csrf, screening, link, f"/candidates/{candidate_id}"


def test_two_teams_never_see_each_other(rita):
    client, _, screening, _, candidate = rita
    bob, bob_csrf = member(client, "bob@example.com", team="globex")
    assert "Ops managers" not in bob.get("/").text
    for path in (screening, candidate, f"{screening}/export.csv", f"{screening}/compare"):
        assert bob.get(path).status_code == 404, path
    writes = {
        f"{screening}/invites": {"candidate": "Eve", "days": "7"},
        f"{candidate}/decision": {"decision": "reject"},
        f"{candidate}/revoke": {},
        f"{candidate}/delete": {"confirm": "yes"},
    }
    for path, data in writes.items():
        assert bob.post(path, data={"csrf": bob_csrf, **data}).status_code == 404, path
    page = client.get(candidate).text
    assert "reject" not in page.split("<h2>Decision</h2>")[1].split("<form")[0]  # her decision stands
    assert "rita@example.com: <b>advance</b>" in page  # and says who made it
    assert "Eve" not in client.get(screening).text


def test_roles_limit_what_a_member_can_do(rita):
    client, _, screening, _, candidate = rita
    viewer, viewer_csrf = member(client, "val@example.com", role="viewer")
    assert "Ops managers" in viewer.get("/").text and "New screening" not in viewer.get("/").text
    assert viewer.get(candidate).status_code == 200 and "Record decision" not in viewer.get(candidate).text
    refused = [
        viewer.post("/screenings", data={"csrf": viewer_csrf, "name": "x", "bank": "ecommerce-marketing-zh"}),
        viewer.post(f"{candidate}/decision", data={"csrf": viewer_csrf, "decision": "reject"}),
        viewer.get(f"{screening}/export.csv"),
        viewer.get("/audit"),
    ]
    assert [r.status_code for r in refused] == [403] * 4
    assert "<h1>Not allowed</h1>" in refused[0].text and "ask an owner of your team" in refused[0].text
    recruiter, _ = member(client, "ron@example.com")
    assert recruiter.get(f"{screening}/export.csv").status_code == 200
    assert recruiter.get("/audit").status_code == 403


def test_the_owner_reads_every_action_in_the_audit_log(rita):
    client, csrf, screening, _, candidate = rita
    client.get(f"{screening}/export.csv")
    client.post(f"{candidate}/revoke", data={"csrf": csrf})
    client.post(f"{candidate}/delete", data={"csrf": csrf, "confirm": "yes"})
    log = client.get("/audit").text
    rows = re.findall(r"<td>rita@example.com</td><td>(\w+)</td><td>([^<]*)</td>", log)
    assert [action for action, _ in rows] == [
        "deleted",
        "revoked",
        "exported",
        "decided",
        "invited",
        "created",
    ]
    assert "Chen Wei: advance" in log and "/i/" not in log  # what happened, never a link's token
    assert rows[0][1].strip() == candidate.replace("/candidates/", "candidate ")  # a deleted name is gone


def test_a_revoked_link_stops_and_a_deleted_candidate_is_gone_with_the_transcript(rita):
    client, csrf, _, link, candidate = rita
    browser = TestClient(client.app, follow_redirects=True)
    browser.post(f"{link}/start", data={"consent": "yes"})
    _, url = client.site
    with open_store(url)() as db:
        transcript = Path(db.query(Invite).one().transcript)
    assert transcript.exists()
    client.post(f"{candidate}/revoke", data={"csrf": csrf})
    gone = browser.get(link)
    assert gone.status_code == 410 and "链接已失效" in gone.text  # in the bank's language
    client.post(f"{candidate}/delete", data={"csrf": csrf, "confirm": "yes"})
    assert client.get(candidate).status_code == 404 and not transcript.exists()


def test_a_session_ends_for_good_at_logout(rita):
    client, csrf, *_ = rita
    cookie = client.cookies.get(SESSION_COOKIE)
    assert client.post("/logout", data={"csrf": csrf}).status_code == 303
    replay = TestClient(client.app, follow_redirects=False, cookies={SESSION_COOKIE: cookie})
    assert replay.get("/").status_code == 303  # the old cookie opens nothing


def test_a_new_password_or_a_disabled_account_ends_every_session(rita):
    client, *_ = rita
    _, url = client.site
    store = open_store(url)
    set_password(store, "rita@example.com", "another long password")
    assert client.get("/").status_code == 303
    again = TestClient(client.app, follow_redirects=False)
    again.post("/login", data={"email": "rita@example.com", "password": "another long password"})
    assert again.get("/").status_code == 200
    set_disabled(store, "rita@example.com", True)
    assert again.get("/").status_code == 303
    refused = again.post("/login", data={"email": "rita@example.com", "password": "another long password"})
    assert refused.status_code == 401


def test_an_idle_session_ends_and_a_forged_cookie_opens_nothing(rita):
    client, *_ = rita
    _, url = client.site
    with open_store(url)() as db:
        db.execute(update(LoginSession).values(seen=utcnow() - timedelta(hours=3)))
        db.commit()
    assert client.get("/").status_code == 303
    from itsdangerous import URLSafeTimedSerializer

    signer = URLSafeTimedSerializer("test-secret", salt="interviewer-session")
    for payload in ("made-up-token", {"r": 1, "csrf": "x"}, 12345):  # the secret alone makes no session
        stranger = TestClient(
            client.app, follow_redirects=False, cookies={SESSION_COOKIE: signer.dumps(payload)}
        )
        assert stranger.get("/").status_code == 303


def test_cookies_are_secure_and_links_public_behind_https(tmp_path):
    url = f"sqlite:///{tmp_path / 'web.db'}"
    create_user(open_store(url), "rita@example.com", PASSWORD, "acme", None)
    app = create_app(url, tmp_path, secret="s" * 32, public_url="https://jobs.example.com/")
    client = TestClient(app, base_url="https://testserver", follow_redirects=False)
    response = client.post("/login", data={"email": "rita@example.com", "password": PASSWORD})
    cookie = response.headers["set-cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    csrf = csrf_of(client.get("/").text)
    screening = new_screening(client, csrf, questions="3")
    page = client.post(f"{screening}/invites", data={"csrf": csrf, "candidate": "Ann", "days": "7"}).text
    assert 'data-copy="https://jobs.example.com/i/' in page


def login_statuses(clients, forwarded_for=None):
    statuses = []
    for n, client in enumerate(clients):
        headers = {"X-Forwarded-For": f"203.0.113.{n}"} if forwarded_for else {}
        statuses.append(
            client.post(
                "/login", data={"email": "x@example.com", "password": "nope"}, headers=headers
            ).status_code
        )
    return statuses


def test_the_login_limit_is_shared_by_workers_and_not_bypassed_by_a_forged_header(tmp_path):
    url = f"sqlite:///{tmp_path / 'web.db'}"
    workers = [TestClient(create_app(url, tmp_path, secret="s" * 32)) for _ in range(2)]
    assert login_statuses(workers * 6, forwarded_for=True) == [401] * 10 + [429] * 2
    behind_proxy = TestClient(create_app(url, tmp_path, secret="s" * 32, trusted_proxies="testclient"))
    assert login_statuses([behind_proxy] * 3, forwarded_for=True) == [401] * 3  # one address each


def test_candidate_errors_are_pages_in_the_candidates_language(rita):
    client, *_ = rita
    stranger = TestClient(client.app)
    english = stranger.get("/i/no-such-link")
    assert (
        english.status_code == 404 and "<h1>Not found</h1>" in english.text and "detail" not in english.text
    )
    chinese = stranger.get("/i/no-such-link", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert "页面不存在" in chinese.text and chinese.headers["content-type"].startswith("text/html")


def test_user_create_makes_the_first_member_of_a_team_its_owner(tmp_path):
    url = f"sqlite:///{tmp_path / 'web.db'}"
    runner = CliRunner()

    def create(email, *args):
        result = runner.invoke(
            cli, ["user", "create", email, "--database", url, "--password", PASSWORD, *args]
        )
        assert result.exit_code == 0, result.output
        return result.output.strip()

    assert create("ann@example.com", "--team", "acme", "--role", "viewer") == (
        "created owner ann@example.com in team acme (the first member of a new team is its owner)"
    )
    assert create("bob@example.com", "--team", "acme") == "created recruiter bob@example.com in team acme"
    assert create("cy@example.com", "--team", "acme", "--role", "viewer").startswith("created viewer")
    listed = json.loads(runner.invoke(cli, ["user", "list", "--database", url, "--json"]).output)
    assert [(a["email"], a["role"]) for a in listed] == [
        ("ann@example.com", "owner"),
        ("bob@example.com", "recruiter"),
        ("cy@example.com", "viewer"),
    ]
