"""Spoken answers in the browser: a recording is uploaded for the prompt on the page, checked,
kept beside the transcript and transcribed (the OpenAI audio API, faked at the HTTP transport);
what was heard comes back in the answer box for correction, and the answer keeps the recording,
what was heard and its delivery figures. Last, the whole path in headless Chromium with a fake
microphone that plays a WAV file."""

import io
import json
import re
import shutil
import threading
import time
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import HTTPException
from fastapi.testclient import TestClient
from web_site import PASSWORD, chromium, invite, logged_in, new_screening, prompt_of, reply

from interviewer.speech import audio as wav
from interviewer.speech.delivery import measure
from interviewer.web import spoken
from interviewer.web.app import create_app
from interviewer.web.store import open_store
from interviewer.web.team import create_user

HEARD = "嗯，先算LTV和CAC的比值，用RFM分层。"
CORRECTED = "嗯，先算LTV和CAC的比值，再用RFM把用户分层，然后召回流失用户。"


def heard_by(api, text=HEARD):
    return api.post("/audio/transcriptions").mock(return_value=httpx.Response(200, json={"text": text}))


def started(site, **fields):
    """A candidate on the first question of a new screening (spoken unless told otherwise)."""
    client, _ = site
    csrf = logged_in(client)
    screening = new_screening(client, csrf, questions="3", **fields)
    link = invite(client, csrf, screening, "Chen Wei")
    candidate = TestClient(client.app, follow_redirects=True)
    page = candidate.post(f"{link}/start", data={"consent": "yes"}).text
    return candidate, link, page


def upload(candidate, link, data, prompt, filename="answer.bin"):
    """As recorder.js sends it; the content type claims nothing, the first bytes decide."""
    return candidate.post(
        f"{link}/recording",
        data={"prompt": prompt},
        files={"recording": (filename, data, "application/octet-stream")},
    )


def events(folder: Path, kind: str) -> list[dict]:
    [path] = folder.glob("*.jsonl")
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [e for e in lines if e["type"] == kind]


def test_a_recording_is_transcribed_for_correction_and_kept_with_the_answer(site, api, speech_wav, tmp_path):
    route = heard_by(api)
    candidate, link, page = started(site, spoken="yes")
    assert 'id="recorder"' in page and '<script src="/static/recorder.js">' in page
    assert "录音作答" in page  # in the bank's language
    prompt = prompt_of(page)
    recording = speech_wav.read_bytes()

    shown = upload(candidate, link, recording, prompt)
    assert shown.status_code == 200
    assert f'name="recording" value="prompt-{prompt}.wav"' in shown.text
    assert f">{HEARD}</textarea>" in shown.text and 'id="transcribed"' in shown.text
    assert prompt_of(shown.text) == prompt
    sent = route.calls[0].request.content
    assert f'filename="prompt-{prompt}.wav"'.encode() in sent and b'name="language"\r\n\r\nzh\r\n' in sent

    folder = tmp_path / "transcripts"
    [kept] = folder.glob(f"*.audio/prompt-{prompt}.wav")
    assert kept.read_bytes() == recording
    reply(candidate, link, CORRECTED, shown.text)
    # the form's hidden field names the recording: `reply` sends only the answer and prompt
    assert all("audio" not in e for e in events(folder, "answer"))


def test_the_corrected_answer_keeps_recording_heard_text_and_delivery(site, api, speech_wav, tmp_path):
    corrected_answer(site, api, speech_wav, tmp_path)


def test_the_same_when_the_answer_is_graded_in_the_request(api, speech_wav, tmp_path):
    """`serve --grade-in-request`: the answer is graded before the page returns."""
    url = f"sqlite:///{tmp_path / 'web.db'}"
    create_user(open_store(url), "rita@example.com", PASSWORD, "acme", None)
    app = create_app(url, tmp_path / "transcripts", secret="s", grade_in_request=True)
    corrected_answer((TestClient(app, follow_redirects=False), url), api, speech_wav, tmp_path)


def corrected_answer(site, api, speech_wav, tmp_path):
    """Record, then submit the corrected text with the recording the page names."""
    heard_by(api)
    candidate, link, page = started(site, spoken="yes")
    prompt = prompt_of(page)
    recording = speech_wav.read_bytes()
    name = re.search(r'name="recording" value="([^"]+)"', upload(candidate, link, recording, prompt).text)[1]
    candidate.post(f"{link}/answer", data={"answer": CORRECTED, "prompt": prompt, "recording": name})

    folder = tmp_path / "transcripts"
    [answer] = events(folder, "answer")
    [transcript] = folder.glob("*.jsonl")
    assert answer["text"] == CORRECTED and answer["recognised"] == HEARD
    assert answer["audio"] == f"{transcript.stem}.audio/prompt-{prompt}.wav"
    assert (folder / answer["audio"]).read_bytes() == recording
    seconds, pauses = wav.pauses(wav.read_wav(recording), spoken.PAUSE_SECONDS)
    assert seconds > 1
    assert answer["delivery"] == measure(CORRECTED, seconds, pauses, "zh-CN").model_dump()
    assert answer["delivery"]["fillers"] == {"嗯": 1, "然后": 1}  # of the text as submitted


def test_a_screening_without_spoken_answers_refuses_recordings(site, api, speech_wav, tmp_path):
    route = heard_by(api)
    candidate, link, page = started(site)
    assert 'id="recorder"' not in page and "recorder.js" not in page
    refused = upload(candidate, link, speech_wav.read_bytes(), prompt_of(page))
    assert refused.status_code == 400 and "本次面试只接受文字回答" in refused.text  # an HTML page
    assert not route.called and not list((tmp_path / "transcripts").glob("*.audio"))


def test_large_unknown_or_stale_recordings_are_refused(site, api, speech_wav, tmp_path):
    route = heard_by(api)
    candidate, link, page = started(site, spoken="yes")
    prompt = prompt_of(page)
    header = speech_wav.read_bytes()[:44]

    too_large = upload(candidate, link, header + b"\0" * spoken.MAX_BYTES, prompt)
    assert too_large.status_code == 413 and "录音过长" in too_large.text
    # a body past the cap is refused as it arrives, before the link is even looked up (else 404)
    elsewhere = "/i/no-such-link"
    huge = header + b"\0" * (spoken.MAX_BYTES + spoken.BODY_SLACK)
    assert upload(candidate, elsewhere, huge, prompt).status_code == 413  # by its declared length
    boundary = "recording-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="prompt"\r\n\r\n{prompt}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="recording"; filename="a.wav"\r\n\r\n'
    ).encode()

    def streamed():  # no length declared: counted as it arrives
        yield head + header
        for _ in range(11):
            yield b"\0" * 2**20
        yield f"\r\n--{boundary}--\r\n".encode()

    chunked = candidate.post(
        f"{elsewhere}/recording",
        content=streamed(),
        headers={"content-type": f"multipart/form-data; boundary={boundary}"},
    )
    assert chunked.status_code == 413

    for junk in (b"\x89PNG\r\n\x1a\n" + b"\0" * 200, b"hello, I am typing", b"RIFF\0\0\0\0WAVEjunk"):
        unknown = upload(candidate, link, junk, prompt, filename="answer.wav")
        assert unknown.status_code == 415 and "无法使用这段录音" in unknown.text
    stale = upload(candidate, link, speech_wav.read_bytes(), int(prompt) - 1)
    assert stale.status_code == 409
    assert not route.called and not list((tmp_path / "transcripts").glob("*.audio/*"))
    forged = {"answer": "x", "prompt": prompt, "recording": "../../web.db"}
    assert candidate.post(f"{link}/answer", data=forged).status_code == 400


def test_deleting_a_candidate_deletes_their_recordings(site, api, speech_wav, tmp_path):
    heard_by(api)
    client, _ = site
    candidate, link, page = started(site, spoken="yes")
    upload(candidate, link, speech_wav.read_bytes(), prompt_of(page))
    [folder] = (tmp_path / "transcripts").glob("*.audio")
    csrf = logged_in(client)
    screening = re.search(r'href="(/screenings/\d+)"', client.get("/").text)[1]
    candidate_id = re.search(r'href="/candidates/(\d+)"', client.get(screening).text)[1]
    deleted = client.post(f"/candidates/{candidate_id}/delete", data={"csrf": csrf, "confirm": "yes"})
    assert deleted.status_code == 303
    assert not list((tmp_path / "transcripts").glob("*.jsonl"))
    assert not folder.exists()


def test_a_kept_recording_answers_only_its_own_prompt(tmp_path):
    transcript = tmp_path / "interview.jsonl"
    take = spoken.Heard("prompt-5.webm", HEARD, 3.2, [2.5])
    spoken.folder(transcript).mkdir()
    (spoken.folder(transcript) / "prompt-5.json").write_text(json.dumps(take.__dict__), encoding="utf-8")
    assert spoken.heard(transcript, "prompt-5.webm", 5) == take
    assert spoken.heard(transcript, "prompt-5.webm", 6) is None  # another prompt's recording
    assert spoken.heard(transcript, "prompt-5.wav", 5) is None  # not the latest take
    with pytest.raises(HTTPException):
        spoken.heard(transcript, "prompt-5.json", 5)


def test_webm_and_ogg_opus_are_recognised_and_timed(speech_wav):
    av = pytest.importorskip("av", reason="PyAV (faster-whisper's decoder) is not installed")
    source = speech_wav.read_bytes()
    expected = wav.read_wav(source).seconds
    for kind in ("webm", "ogg"):
        out = io.BytesIO()
        with av.open(out, "w", format=kind) as container, av.open(io.BytesIO(source)) as original:
            stream = container.add_stream("libopus", rate=48_000)
            stream.layout = "mono"
            resampler = av.AudioResampler(format="s16", layout="mono", rate=48_000)
            for frame in [*original.decode(audio=0), None]:
                for part in resampler.resample(frame):
                    for packet in stream.encode(part):
                        container.mux(packet)
            for packet in stream.encode(None):
                container.mux(packet)
        data = out.getvalue()
        assert spoken.sniff(data) == kind
        assert spoken.samples(data, kind).seconds == pytest.approx(expected, abs=0.1)
        with pytest.raises(spoken.Refused):
            spoken.samples(data[:200], kind)


# The browser: Chromium records from a fake microphone that plays the WAV file.


@pytest.fixture
def browser(speech_wav):
    driver = chromium(
        "--use-fake-ui-for-media-stream",  # the microphone is allowed without asking
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={speech_wav}",
    )
    yield driver
    driver.quit()


def screenshot(driver, folder: Path, name: str) -> Path:
    import os

    path = folder / name
    driver.save_screenshot(str(path))
    if os.environ.get("INTERVIEWER_SCREENSHOTS"):
        shutil.copy(path, Path(os.environ["INTERVIEWER_SCREENSHOTS"]) / name)
    return path


def serve(tmp_path):
    """The site on a real port (uvicorn in a thread), and a recruiter's client for setting up."""
    url = f"sqlite:///{tmp_path / 'web.db'}"
    create_user(open_store(url), "rita@example.com", PASSWORD, "acme", None)
    app = create_app(url, tmp_path / "transcripts", secret="s")
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="error"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    return server, base, TestClient(app, follow_redirects=False)


def test_a_spoken_answer_in_chromium(browser, api, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    def find(by, value, seconds=30):
        return WebDriverWait(browser, seconds).until(ready.visibility_of_element_located((by, value)))

    def speak():
        record = find(By.CSS_SELECTOR, "#recorder button")  # shown by recorder.js
        assert record.text == "录音作答"
        record.click()
        WebDriverWait(browser, 20).until(lambda _: record.text == "停止并转写")
        time.sleep(2.5)  # the fake microphone plays the WAV file
        record.click()
        return record

    unreadable = httpx.Response(400, json={"error": {"message": "could not decode the audio"}})
    route = api.post("/audio/transcriptions").mock(
        side_effect=[unreadable, httpx.Response(200, json={"text": HEARD})]
    )
    server, base, client = serve(tmp_path)
    csrf = logged_in(client)
    screening = new_screening(client, csrf, questions="3", spoken="yes")
    link = invite(client, csrf, screening, "陈伟")

    browser.get(base + link)
    find(By.NAME, "consent").click()
    find(By.CSS_SELECTOR, "form[action$='/start'] button").click()
    find(By.CSS_SELECTOR, "#recorder button")
    screenshot(browser, tmp_path, "spoken_question.png")
    record = speak()  # transcription fails: said beside the button, in the bank's language
    status = find(By.CSS_SELECTOR, "#recorder [role=status]")
    WebDriverWait(browser, 30).until(lambda _: "暂时无法转写" in status.text and record.is_enabled())
    assert record.text == "录音作答" and browser.find_elements(By.ID, "transcribed") == []
    screenshot(browser, tmp_path, "spoken_refused.png")
    speak()  # again, and heard
    find(By.ID, "transcribed")  # the correction page, after the upload
    box = find(By.CSS_SELECTOR, "textarea[name='answer']")
    assert box.get_attribute("value") == HEARD
    shot = screenshot(browser, tmp_path, "spoken_correction.png")
    assert shot.stat().st_size > 10_000
    browser.set_window_size(390, 844)  # a phone: the recorder does not make the page scroll sideways
    assert browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(browser, tmp_path, "spoken_correction_phone.png")
    browser.set_window_size(1100, 1000)
    box.clear()
    box.send_keys(CORRECTED)
    find(By.CSS_SELECTOR, "form[action$='/answer'] button").click()
    WebDriverWait(browser, 30).until(ready.staleness_of(box))

    folder = tmp_path / "transcripts"
    WebDriverWait(browser, 30).until(lambda _: events(folder, "answer"))
    [answer] = events(folder, "answer")
    assert answer["text"] == CORRECTED and answer["recognised"] == HEARD
    kept = folder / answer["audio"]
    assert kept.suffix == ".webm" and kept.read_bytes()[:4] == b"\x1a\x45\xdf\xa3"  # MediaRecorder's
    assert all(b'filename="' + kept.name.encode() + b'"' in call.request.content for call in route.calls)
    if spoken.samples(kept.read_bytes(), "webm") is not None:  # PyAV decodes WebM: timed
        assert answer["delivery"]["seconds"] > 0.5 and answer["delivery"]["pace"] > 0
    assert answer["delivery"]["fillers"] == {"嗯": 1, "然后": 1}
    assert not events(folder, "left_page")  # recording and correcting is not leaving the page

    # the recruiter, in the same browser, plays the recording on the candidate's review page
    browser.get(base + "/login")
    find(By.NAME, "email").send_keys("rita@example.com")
    find(By.NAME, "password").send_keys(PASSWORD)
    find(By.CSS_SELECTOR, "form[action='/login'] button").click()
    WebDriverWait(browser, 30).until(lambda _: "/login" not in browser.current_url)
    review = re.search(r'href="(/candidates/\d+)"', client.get(screening).text).group(1)
    browser.get(base + review)
    player = find(By.CSS_SELECTOR, "audio")
    WebDriverWait(browser, 30).until(
        lambda _: browser.execute_script("return arguments[0].duration > 0", player)
    )
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", player)
    screenshot(browser, tmp_path, "spoken_review.png")
    server.should_exit = True
