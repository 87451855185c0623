import math
import shutil
import subprocess
import wave
from array import array
from pathlib import Path

import pytest
import respx
from fake_openai import BASE_URL, FAKE_KEY

from interviewer.bank.loader import resolve_bank

SEED_DOCUMENT = "tests/data/seed_ecommerce_zh.txt"
ESPEAK = shutil.which("espeak-ng")


@pytest.fixture(scope="session")
def embedding_cache(tmp_path_factory):
    """One cache of reference vectors for the whole run, as a user's machine keeps one."""
    return tmp_path_factory.mktemp("embeddings")


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch, embedding_cache):
    """No test sees the developer's keys, banks, .env or transcripts."""
    for name in (
        *("OPENAI_API_KEY", "OPENAI_BASE_URL", "INTERVIEWER_MODEL", "INTERVIEWER_CONTEXT_TOKENS"),
        *("INTERVIEWER_SMTP_URL", "INTERVIEWER_SMTP_FROM"),  # no test emails anyone by accident
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("INTERVIEWER_BANKS_DIR", str(tmp_path / "banks"))
    monkeypatch.setenv("INTERVIEWER_TRANSCRIPTS_DIR", str(tmp_path / "transcripts"))
    monkeypatch.setenv("INTERVIEWER_DEBUG", "")
    monkeypatch.setenv("INTERVIEWER_CACHE_DIR", str(embedding_cache))
    return tmp_path


@pytest.fixture(scope="session")
def seed_bank():
    return resolve_bank("ecommerce-marketing-zh")


@pytest.fixture(scope="session")
def english_bank():
    return resolve_bank("backend-engineering-en")


@pytest.fixture
def api(monkeypatch):
    """An OpenAI-compatible endpoint configured with a fake key, faked at the HTTP transport."""
    monkeypatch.setenv("OPENAI_BASE_URL", BASE_URL)
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    monkeypatch.setenv("INTERVIEWER_MODEL", "fake-model")
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as mock:
        yield mock


@pytest.fixture(params=["sqlite", "postgres"])
def site(request, tmp_path):
    """The screening app on SQLite, and on PostgreSQL when INTERVIEWER_TEST_POSTGRES_URL is set
    (.ci/run starts one): a TestClient and the database URL."""
    from web_site import POSTGRES, open_site

    if request.param == "postgres" and not POSTGRES:
        pytest.skip("INTERVIEWER_TEST_POSTGRES_URL is not set (.ci/run starts PostgreSQL)")
    client, url = open_site(request.param, tmp_path)
    yield client, url
    client.app.state.web.grading.close()  # its workers stop before the next test's database


@pytest.fixture(scope="session")
def speech_wav(tmp_path_factory) -> Path:
    """A spoken sentence as 16-bit mono WAV: espeak-ng when present, else tone with a pause.
    Shared by the tests of spoken answers: the candidate's (test_web_speech) and the recruiter's
    (test_web_recordings)."""
    path = tmp_path_factory.mktemp("speech") / "answer.wav"
    if ESPEAK:
        words = "First I compare lifetime value with acquisition cost, then I segment the customers."
        subprocess.run([ESPEAK, "-v", "en-us", "-w", str(path), words], check=True, capture_output=True)
        return path
    rate, samples = 16_000, array("h")
    for voiced, seconds in ((True, 1.5), (False, 2.5), (True, 1.5)):
        samples.extend(
            int(8000 * math.sin(2 * math.pi * 220 * i / rate)) if voiced else 0
            for i in range(int(rate * seconds))
        )
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())
    return path
