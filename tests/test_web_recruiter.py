"""What a recruiter does beyond one screening's basics: pick questions from a preview, edit
and archive, invite many at once, resend and extend links, delete with a confirmation, manage
the team, read the pages in Chinese, find candidates, and take everything out (CSV, zips,
comparison by name)."""

import csv
import io
import re
import zipfile
from datetime import datetime, timezone

from fastapi.testclient import TestClient
from web_site import PASSWORD, invite, logged_in, new_screening, reply

from interviewer.web.store import Invite, open_store


def links_in(page: str) -> list[str]:
    return re.findall(r'data-copy="https?://[^/"]+(/i/[^"]+)"', page)


def test_a_new_screening_shows_its_banks_questions_to_pick(site):
    client, _ = site
    csrf = logged_in(client)
    form = client.get("/screenings/new?bank=backend-engineering-en").text
    picks = re.findall(r'name="pick" value="(\d+)"', form)
    assert len(picks) >= 3 and "Q1</b>" in form  # each question, numbered, with its text
    data = {"csrf": csrf, "name": "Backend", "bank": "backend-engineering-en", "pick": ["2", picks[0]]}
    created = client.post("/screenings", data=data)
    assert created.status_code == 303
    page = client.get(created.headers["location"]).text
    assert f"(2, {picks[0]})" in page


def test_editing_archiving_and_questions_fixed_once_invited(site):
    client, _ = site
    csrf = logged_in(client)
    screening = new_screening(client, csrf, questions="3,4")
    settings = {
        "csrf": csrf,
        "name": "Renamed",
        "bank": "ecommerce-marketing-zh",
        "pick": ["3"],
        "mode": "practice",
    }
    assert client.post(f"{screening}/edit", data=settings).status_code == 303
    page = client.get(screening).text
    assert "Renamed" in page and "(3)" in page
    invite(client, csrf, screening, "Ann")
    refused = client.post(f"{screening}/edit", data={**settings, "pick": ["4"]})
    assert refused.status_code == 409 and "fixed once a candidate is invited" in refused.text
    client.post(f"{screening}/archive", data={"csrf": csrf})
    assert "Renamed" not in client.get("/").text and "Renamed" in client.get("/?archived=1").text


def test_bulk_invites_from_a_list_and_a_csv_with_messages_in_the_banks_language(site):
    client, _ = site
    csrf = logged_in(client)
    screening = new_screening(client, csrf, questions="3")
    upload = "name\n李雷\n=cmd|' /C calc'!A0\n".encode("utf-8-sig")
    page = client.post(
        f"{screening}/invites",
        data={"csrf": csrf, "names": "陈伟\nAnn Lee\n\n", "days": "3"},
        files={"file": ("people.csv", upload, "text/csv")},
    ).text
    assert len(links_in(page)) == 4
    assert "诚邀您参加一场共 1 道题的书面面试" in page and "3 天内有效" in page  # the candidate's message
    board = client.get(screening).text
    for name in ("陈伟", "Ann Lee", "李雷"):
        assert name in board
    candidate = TestClient(client.app)
    assert all(candidate.get(link).status_code == 200 for link in links_in(page))


def test_resend_replaces_the_link_and_extend_adds_days(site):
    client, url = site
    csrf = logged_in(client)
    screening = new_screening(client, csrf, questions="3")
    old = invite(client, csrf, screening, "Ann")
    candidate_id = re.search(r'href="/candidates/(\d+)"', client.get(screening).text).group(1)
    with open_store(url)() as db:
        before = db.get(Invite, int(candidate_id)).expires
    assert (
        client.post(f"/candidates/{candidate_id}/extend", data={"csrf": csrf, "days": "7"}).status_code == 303
    )
    with open_store(url)() as db:
        after = db.get(Invite, int(candidate_id)).expires
    aware = [t if t.tzinfo else t.replace(tzinfo=timezone.utc) for t in (before, after)]
    assert (aware[1] - aware[0]).days == 7
    page = client.post(f"/candidates/{candidate_id}/resend", data={"csrf": csrf, "days": "7"}).text
    [new] = links_in(page)
    stranger = TestClient(client.app)
    assert stranger.get(old).status_code == 404 and stranger.get(new).status_code == 200
    assert aware[1] > datetime.now(timezone.utc)


def test_deleting_a_candidate_asks_first(site):
    client, _ = site
    csrf = logged_in(client)
    screening = new_screening(client, csrf, questions="3")
    invite(client, csrf, screening, "Ann")
    candidate_id = re.search(r'href="/candidates/(\d+)"', client.get(screening).text).group(1)
    confirm = client.get(f"/candidates/{candidate_id}/delete").text
    assert "cannot be undone" in confirm and 'name="confirm"' in confirm
    assert client.post(f"/candidates/{candidate_id}/delete", data={"csrf": csrf}).status_code == 400
    assert client.get(f"/candidates/{candidate_id}").status_code == 200  # nothing deleted unconfirmed


def test_owners_manage_their_team_in_the_browser(site):
    client, _ = site
    csrf = logged_in(client)
    added = client.post(
        "/team/members",
        data={"csrf": csrf, "email": "val@example.com", "role": "viewer", "password": PASSWORD},
    )
    assert added.status_code == 303
    team = client.get("/team").text
    assert "val@example.com" in team and "viewer" in team
    val = TestClient(client.app, follow_redirects=False)
    assert val.post("/login", data={"email": "val@example.com", "password": PASSWORD}).status_code == 303
    assert val.get("/team").status_code == 403  # not an owner
    member = re.search(r'action="/team/members/(\d+)/disable"', team).group(1)
    client.post(f"/team/members/{member}/password", data={"csrf": csrf, "password": "a new long password"})
    assert val.get("/").status_code == 303  # signed out by the new password
    assert (
        val.post("/login", data={"email": "val@example.com", "password": "a new long password"}).status_code
        == 303
    )
    client.post(f"/team/members/{member}/disable", data={"csrf": csrf})
    assert val.get("/").status_code == 303
    assert "disabled" in client.get("/team").text
    log = client.get("/audit").text
    assert all(action in log for action in ("added", "reset", "disabled"))


def test_recruiter_pages_in_chinese_by_choice_or_by_browser(site):
    client, _ = site
    csrf = logged_in(client)
    assert "<h1>Screenings</h1>" in client.get("/").text
    assert "<h1>筛选面试</h1>" in client.get("/", headers={"Accept-Language": "zh-CN,zh"}).text
    client.post("/account/language", data={"csrf": csrf, "language": "zh-CN"})
    home = client.get("/").text  # the choice wins over the browser
    assert '<html lang="zh-CN"' in home and "新建筛选" in home and "退出登录" in home


def test_candidates_are_searched_filtered_sorted_and_paged(site):
    client, _ = site
    csrf = logged_in(client)
    screening = new_screening(client, csrf, questions="3")
    names = "\n".join(f"person {n:02d}" for n in range(30))
    client.post(f"{screening}/invites", data={"csrf": csrf, "names": names})
    first = client.get(f"{screening}?sort=name").text
    assert "person 00" in first and "person 29" not in first and "Page 1 of 2" in first
    assert "person 29" in client.get(f"{screening}?sort=name&page=2").text
    found = client.get(f"{screening}?q=person+07").text
    assert "person 07" in found and "person 08" not in found
    assert "No candidate matches" in client.get(f"{screening}?status=finished").text


def test_exports_carry_decisions_transcripts_reports_and_names(site):
    client, _ = site
    csrf = logged_in(client)
    screening = new_screening(client, csrf, questions="3,4")
    link = invite(client, csrf, screening, "陈伟")
    candidate = TestClient(client.app, follow_redirects=True)
    candidate.post(f"{link}/start", data={"consent": "yes"})
    page = reply(candidate, link, "/skip").text  # question 3 skipped
    for _ in range(4):
        if "感谢参加" in page:
            break
        page = reply(candidate, link, "用OneID打通会员数据，积分互通。", page).text
    candidate_id = re.search(r'href="/candidates/(\d+)"', client.get(screening).text).group(1)
    client.post(
        f"/candidates/{candidate_id}/decision", data={"csrf": csrf, "decision": "hold", "notes": "call back"}
    )

    [row] = csv.DictReader(io.StringIO(client.get(f"{screening}/export.csv").text.removeprefix("\ufeff")))
    assert (row["decision"], row["notes"], row["skipped"]) == ("hold", "call back", "q3")
    transcripts = zipfile.ZipFile(io.BytesIO(client.get(f"{screening}/transcripts.zip").content))
    [name] = transcripts.namelist()
    assert name.endswith("陈伟.jsonl") and b'"type":"session_start"' in transcripts.read(name).replace(
        b" ", b""
    )
    reports = zipfile.ZipFile(io.BytesIO(client.get(f"{screening}/reports.zip").content))
    assert "陈伟" in reports.namelist()[0] and "<html" in reports.read(reports.namelist()[0]).decode()
    compare = client.get(f"{screening}/compare").text
    assert "<td>陈伟</td>" in compare and f'href="{screening}"' in compare  # named rows, a way back
    full = client.get(f"/candidates/{candidate_id}/report")
    assert full.headers["content-security-policy"].startswith("sandbox") and "用OneID" in full.text


def test_bad_question_numbers_are_explained_in_the_pages_language(site):
    client, _ = site
    csrf = logged_in(client)

    def create(questions, language="en"):
        data = {"csrf": csrf, "name": "Q", "bank": "ecommerce-marketing-zh", "questions": questions}
        return client.post("/screenings", data=data, headers={"Accept-Language": language})

    typed = create("abc")
    assert typed.status_code == 400 and "write the questions&#39; numbers like 1,3,5 or 2-4" in typed.text
    assert "--questions" not in typed.text  # not the terminal's wording
    missing = create("3,99").text
    assert re.search(r"the bank has no question 99; its questions are numbered 1 to \d+", missing)
    assert "题号请写成 1,3,5 或 2-4" in create("abc", "zh-CN").text
    assert "题库中没有第 99 题" in create("99", "zh-CN").text
    assert create("3，4").status_code == 303  # a Chinese comma is understood


def test_an_error_pages_detail_follows_the_pages_language(site):
    client, _ = site
    csrf = logged_in(client)
    long_name = {"csrf": csrf, "name": "x" * 201, "bank": "ecommerce-marketing-zh"}
    english = client.post("/screenings", data=long_name).text
    assert "the screening&#39;s name is longer than 200 characters" in english
    client.post("/account/language", data={"csrf": csrf, "language": "zh-CN"})
    refused = client.post("/screenings", data=long_name).text  # the recruiter's choice, not the browser's
    assert '<html lang="zh-CN"' in refused and "筛选名称超过 200 个字符" in refused
    assert "longer than" not in refused
    stale = client.post("/screenings", data={**long_name, "csrf": "forged"}).text
    assert "表单已过期或来源不明" in stale
    assert "没有这个筛选" in client.get("/screenings/999").text
    viewer = {"csrf": csrf, "email": "val@example.com", "role": "viewer", "password": PASSWORD}
    client.post("/team/members", data=viewer)
    val = TestClient(client.app, follow_redirects=False, headers={"Accept-Language": "zh-CN"})
    val.post("/login", data={"email": "val@example.com", "password": PASSWORD})
    assert "只读成员不能执行此操作" in val.post("/screenings", data=long_name).text  # the role, in Chinese
    assert "没有这位候选人" in client.get("/candidates/999").text
    short = {"csrf": csrf, "email": "sam@example.com", "role": "viewer", "password": "short"}
    assert "密码至少需要 10 个字符" in client.post("/team/members", data=short).text
    assert "val@example.com 已有账号" in client.post("/team/members", data=viewer).text
