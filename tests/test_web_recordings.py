"""Spoken answers for the recruiter: each recording can be listened to by the candidate's own
team (and by nobody else, and by no other name), with how it was said in words on the review
page, a compact pace and fillers summary on the screening's page and in its CSV, the figures in
the report and in the question's critique, and the recordings in the transcripts zip. The
critique's figures come from a restored session, as every web request restores one."""

import csv
import io
import json
import re
import zipfile

import pytest
from fastapi.testclient import TestClient
from test_web_speech import CORRECTED, HEARD, events, heard_by, started, upload
from web_site import PASSWORD, logged_in, new_screening, prompt_of, settled

from interviewer.app import interviews, stateless
from interviewer.app.interviews import InterviewOptions
from interviewer.app.restore import restore_state
from interviewer.prompts import say
from interviewer.speech.delivery import describe
from interviewer.transcript.record import load_record
from interviewer.transcript.report import pace
from interviewer.web import spoken
from interviewer.web.store import open_store
from interviewer.web.team import create_user


def spoken_answer(site, api, speech_wav, tmp_path):
    """A candidate's corrected spoken answer to question 3, the question closed (a probe, if one
    is asked, is skipped); the recruiter's form token, the screening's page, the candidate's id
    and the answer event."""
    client, _ = site
    heard_by(api)
    candidate, link, page = started(site, spoken="yes")
    prompt = prompt_of(page)
    taken = upload(candidate, link, speech_wav.read_bytes(), prompt).text
    name = re.search(r'name="recording" value="([^"]+)"', taken)[1]
    answered = candidate.post(
        f"{link}/answer", data={"answer": CORRECTED, "prompt": prompt, "recording": name}
    )
    page = settled(candidate, link, answered).text
    if 'name="prompt"' in page:  # probed: skipping the probe closes the question as graded
        settled(
            candidate,
            link,
            candidate.post(f"{link}/answer", data={"answer": "/skip", "prompt": prompt_of(page)}),
        )
    csrf = logged_in(client)
    screening = re.search(r'href="(/screenings/\d+)"', client.get("/").text)[1]
    candidate_id = re.search(r'href="/candidates/(\d+)"', client.get(screening).text)[1]
    [answer] = events(tmp_path / "transcripts", "answer")
    return csrf, screening, candidate_id, answer


def signed_in(site, email: str, team: str, role: str | None = None) -> TestClient:
    """Another recruiter, signed in with a client of their own."""
    client, url = site
    create_user(open_store(url), email, PASSWORD, team, role)
    other = TestClient(client.app, follow_redirects=False)
    assert other.post("/login", data={"email": email, "password": PASSWORD}).status_code == 303
    return other


def test_the_team_listens_to_a_recording_and_nobody_else_nor_any_other_file(site, api, speech_wav, tmp_path):
    client, _ = site
    _, _, candidate_id, answer = spoken_answer(site, api, speech_wav, tmp_path)
    name = answer["audio"].split("/")[-1]
    listen = f"/candidates/{candidate_id}/recordings/{name}"

    heard = client.get(listen)
    assert heard.status_code == 200 and heard.content == speech_wav.read_bytes()
    assert heard.headers["content-type"] == "audio/wav"
    viewer = signed_in(site, "vic@example.com", "acme", "viewer")
    assert viewer.get(listen).content == speech_wav.read_bytes()  # a viewer may listen

    folder = tmp_path / "transcripts" / answer["audio"].split("/")[0]
    (folder / "prompt-1.wav").write_bytes(speech_wav.read_bytes())  # a take never submitted
    (tmp_path / "transcripts" / "web.db").write_bytes(b"secret")
    refused = [
        "prompt-1.wav",
        "prompt-999.wav",
        name.replace(".wav", ".json"),  # the note beside the take: on disk, but no recording
        "..%2F..%2Fweb.db",
        "..%2Fweb.db",
        "%2E%2E%2Fweb.db",
    ]
    for wrong in refused:
        assert client.get(f"/candidates/{candidate_id}/recordings/{wrong}").status_code == 404, wrong
    assert client.get(f"/candidates/9999/recordings/{name}").status_code == 404
    stranger = signed_in(site, "olga@example.com", "globex")
    assert stranger.get(listen).status_code == 404
    anonymous = TestClient(client.app, follow_redirects=False).get(listen)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/login"


def test_the_review_page_plays_each_spoken_answer_and_says_how_it_was_said(site, api, speech_wav, tmp_path):
    client, _ = site
    csrf, _, candidate_id, answer = spoken_answer(site, api, speech_wav, tmp_path)
    name = answer["audio"].split("/")[-1]

    page = client.get(f"/candidates/{candidate_id}").text
    assert f'<audio controls preload="metadata" src="/candidates/{candidate_id}/recordings/{name}">' in page
    assert describe(answer["delivery"], "en") in page
    assert say("en", "rec_heard", text=HEARD) in page  # the candidate corrected what was heard
    assert "Question 3: answer" in page

    client.post("/account/language", data={"csrf": csrf, "language": "zh-CN"})
    page = client.get(f"/candidates/{candidate_id}").text
    assert describe(answer["delivery"], "zh-CN") in page and "表达：语速" in page
    assert "第 3 题：回答" in page and "语音回答" in page

    (tmp_path / "transcripts" / answer["audio"]).unlink()  # the figures stay, the player goes
    page = client.get(f"/candidates/{candidate_id}").text
    assert "<audio" not in page and "这段录音已不再保存" in page and "表达：语速" in page


def test_delivery_on_the_screening_page_in_the_csv_the_report_and_the_critique(
    site, api, speech_wav, tmp_path
):
    client, _ = site
    _, screening, candidate_id, answer = spoken_answer(site, api, speech_wav, tmp_path)
    said = answer["delivery"]
    assert said["pace"] and said["fillers"] == {"嗯": 1, "然后": 1}

    board = client.get(screening).text
    summary = say(
        "en",
        "rec_delivery_summary",
        pace=said["pace"],
        unit="chars/min",
        fillers=2,
        pauses=said["long_pauses"],
    )
    assert "<th>Delivery</th>" in board and f'<td class="delivery">{summary}</td>' in board
    [row] = csv.DictReader(io.StringIO(client.get(f"{screening}/export.csv").text.removeprefix("\ufeff")))
    assert float(row["pace"]) == said["pace"] and row["pace_unit"] == "chars/min"
    assert (row["fillers"], row["long_pauses"]) == ("2", str(said["long_pauses"]))

    report = client.get(f"/candidates/{candidate_id}/report").text  # in the bank's language
    assert f"语速: {said['pace']} chars/min · 长停顿: {said['long_pauses']} · 口头禅: 嗯×1, 然后×1" in report
    spoke = pace(CORRECTED, said["seconds"], "zh-CN")[0]  # the question's pace: over the speaking time
    assert f"语速: {spoke} 字/分钟" in report
    [critique] = events(tmp_path / "transcripts", "critique")  # graded by a restored session
    assert critique["delivery"] == [said]


def test_a_typed_screening_shows_no_delivery_column(site):
    client, _ = site
    csrf = logged_in(client)
    screening = new_screening(client, csrf, questions="3")
    client.post(f"{screening}/invites", data={"csrf": csrf, "candidate": "Ann", "days": "7"})
    assert "<th>Delivery</th>" not in client.get(screening).text


def test_the_transcripts_zip_carries_the_recordings_and_deleting_removes_them(
    site, api, speech_wav, tmp_path
):
    client, _ = site
    csrf, screening, candidate_id, answer = spoken_answer(site, api, speech_wav, tmp_path)
    name = answer["audio"].split("/")[-1]
    folder = tmp_path / "transcripts" / answer["audio"].split("/")[0]
    (folder / "prompt-1.wav").write_bytes(b"RIFF a take never submitted")

    exported = client.get(f"{screening}/transcripts.zip")
    assert exported.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(exported.content))
    member = f"{int(candidate_id):05d}-Chen Wei"
    assert sorted(archive.namelist()) == [f"{member}.audio/{name}", f"{member}.jsonl"]
    assert archive.read(f"{member}.audio/{name}") == speech_wav.read_bytes()
    assert json.loads(archive.read(f"{member}.jsonl").splitlines()[0])["type"] == "session_start"

    listen = f"/candidates/{candidate_id}/recordings/{name}"
    assert client.get(listen).status_code == 200
    deleted = client.post(f"/candidates/{candidate_id}/delete", data={"csrf": csrf, "confirm": "yes"})
    assert deleted.status_code == 303 and not folder.exists()
    assert client.get(listen).status_code == 404


SPOKEN = {
    "audio": "t.audio/prompt-2.wav",
    "recognised": "嗯，先算LTV。",
    "delivery": {
        "seconds": 4.0,
        "pace": 150.0,
        "pace_unit": "chars/min",
        "long_pauses": 1,
        "pause_seconds": 2.5,
        "fillers": {"嗯": 1},
    },
}


@pytest.fixture
def recorded_answer(tmp_path):
    """A transcript whose last event is a spoken answer, stored and not yet graded (as a web
    request leaves it for the grading queue)."""
    path = tmp_path / "t.jsonl"
    options = InterviewOptions(questions="3,4", max_follow_ups=0, transcript=str(path))
    with interviews.start(options) as interview:
        interview.begin()
        assert interview.session.record("嗯，先算LTV和CAC的比值，再定预算。", SPOKEN) == []
    return path


def test_a_restored_session_gets_back_the_open_questions_deliveries(recorded_answer):
    record = load_record(recorded_answer)
    bank = interviews.recorded_bank(record, force=True, doing="restore")
    state = restore_state(record, [bank.question(n) for n in (3, 4)])
    assert state.deliveries == [SPOKEN["delivery"]]
    assert state.for_session(waiting=False)["deliveries"] == [SPOKEN["delivery"]]


def test_the_critique_made_after_a_restore_keeps_how_the_answer_was_said(recorded_answer):
    stateless.complete(recorded_answer, after_crash=False)  # what a grading worker does
    [critique] = [e for e in load_record(recorded_answer).transcript.events if e.type == "critique"]
    assert critique.number == 3 and critique.delivery == [SPOKEN["delivery"]]


def test_only_recordings_in_the_transcripts_own_folder_are_found(tmp_path):
    """What the listen route and the export serve: a forged or stray `audio` in an answer event
    reaches no file outside the transcript's recordings folder."""
    path = tmp_path / "t.jsonl"
    for folder, name in (
        ("t.audio", "prompt-2.wav"),
        ("t.audio", "prompt-4.json"),
        ("u.audio", "prompt-3.wav"),
    ):
        (tmp_path / folder).mkdir(exist_ok=True)
        (tmp_path / folder / name).write_bytes(b"RIFF")
    (tmp_path / "web.db").write_bytes(b"secret")
    options = InterviewOptions(questions="3", transcript=str(path))
    with interviews.start(options) as interview:
        interview.begin()
        for audio in (
            "t.audio/prompt-2.wav",
            "t.audio/../web.db",
            "../web.db",
            "u.audio/prompt-3.wav",
            "t.audio/prompt-4.json",
            "t.audio/prompt-5.wav",
        ):
            interview.session.record("先算LTV。", {**SPOKEN, "audio": audio})
    assert spoken.recordings(load_record(path)) == {"prompt-2.wav": tmp_path / "t.audio" / "prompt-2.wav"}
