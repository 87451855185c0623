"""The grading queue gives way to the web's requests on a busy machine: its threads run at a
lower priority, a candidate's page costs as few database round trips as it can, and a job is
asked for again only when one may have been lost."""

import os
import sys
import threading
import time

import pytest
from fake_openai import FakeChat
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, event, text
from web_site import POSTGRES, database, invite, logged_in, new_screening, prompt_of, settled

from interviewer.web.app import create_app
from interviewer.web.grading import NICENESS, PostgresQueue, ThreadQueue, advance, lower_priority
from interviewer.web.store import Invite, autocommit, open_store
from interviewer.web.team import create_user

linux = pytest.mark.skipif(sys.platform != "linux", reason="threads have their own priority on Linux only")


def priority() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


@linux
def test_grading_threads_run_below_the_requests():
    queue = ThreadQueue(store=None, workers=2)
    try:
        assert queue.pool.submit(priority).result() == NICENESS
    finally:
        queue.close()
    assert priority() == os.getpriority(os.PRIO_PROCESS, 0)  # the request threads keep theirs


@linux
def test_a_thread_already_lower_is_not_raised():
    seen = []

    def lowered_further():
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICENESS + 5)
        lower_priority()
        seen.append(priority())

    thread = threading.Thread(target=lowered_further)
    thread.start()
    thread.join()
    assert seen == [NICENESS + 5]


def test_a_candidates_link_is_one_lookup_outside_any_transaction(site):
    """The invite and its screening come in one statement, with no BEGIN or ROLLBACK around
    it: on a saturated server each round trip waits for the CPU."""
    client, _ = site
    csrf = logged_in(client)
    link = invite(client, csrf, new_screening(client, csrf), "Lookup")
    store = client.app.state.web.store
    statements = []
    event.listen(store.kw["bind"], "before_cursor_execute", lambda *args: statements.append(args[2]))
    assert client.get(link).status_code == 200  # the consent page
    assert len(statements) == 1 and "JOIN screenings" in statements[0]
    if store.kw["bind"].dialect.name == "postgresql":
        from psycopg.pq import TransactionStatus

        with autocommit(store) as db:
            assert db.scalar(text("SELECT count(*) FROM invites")) == 1
            assert (
                db.connection().connection.dbapi_connection.info.transaction_status == TransactionStatus.IDLE
            )


needs_postgres = pytest.mark.skipif(
    not POSTGRES, reason="INTERVIEWER_TEST_POSTGRES_URL is not set (.ci/run starts PostgreSQL)"
)


def queue_without_workers(tmp_path) -> TestClient:
    """The site on PostgreSQL with nobody taking the queue's jobs: what was asked for stays
    there to be counted (or run by the test)."""
    url = database("postgres", tmp_path)
    create_user(open_store(url), "rita@example.com", "correct horse battery", "acme", None)
    app = create_app(url, tmp_path / "transcripts", secret="test-secret", grading_workers=0)
    return TestClient(app, follow_redirects=False)


def waiting() -> int:
    with create_engine(POSTGRES).connect() as db:
        return db.scalar(text("SELECT count(*) FROM procrastinate_jobs WHERE status = 'todo'"))


def the_transcript() -> str:
    with open_store(POSTGRES)() as db:
        return db.query(Invite).one().transcript


@needs_postgres
def test_a_lost_job_is_asked_for_again_once_the_transcript_is_quiet(tmp_path):
    """The answer's request asks for its grading; the "reviewing" page right after does not
    ask again. A job lost in a crash (here: deleted) is asked for again by the page once the
    transcript has been quiet a while."""
    client = queue_without_workers(tmp_path)
    try:
        csrf = logged_in(client)
        link = invite(client, csrf, new_screening(client, csrf), "Lost")
        page = client.post(f"{link}/start", data={"consent": "yes"}, follow_redirects=True).text
        client.post(f"{link}/answer", data={"answer": "先看留存，再看复购。", "prompt": prompt_of(page)})
        assert waiting() == 1
        with create_engine(POSTGRES).begin() as db:  # lost, as if the process died before the job was written
            db.execute(text("DELETE FROM procrastinate_jobs"))
        assert 'id="reviewing"' in client.get(link).text
        assert waiting() == 0  # answered a moment ago: not asked again
        transcript = the_transcript()
        quiet = time.time() - PostgresQueue.reask_seconds - 1
        os.utime(transcript, (quiet, quiet))
        assert 'id="reviewing"' in client.get(link).text
        assert waiting() == 1
    finally:
        client.app.state.web.grading.close()


@needs_postgres
def test_a_models_first_question_is_asked_by_the_queue(tmp_path, api):
    """Consent returns without waiting for the model: the page says the first question is
    being prepared, and the job asks it."""
    chat = FakeChat(question_text="Let us begin.")
    api.post("/chat/completions").mock(side_effect=chat)
    client = queue_without_workers(tmp_path)
    try:
        csrf = logged_in(client)
        link = invite(client, csrf, new_screening(client, csrf, backend="openai"), "Queued")
        assert client.post(f"{link}/start", data={"consent": "yes"}).status_code == 303
        assert chat.bodies == [] and waiting() == 1  # no model call in the request: a job
        page = client.get(link).text
        assert 'id="reviewing"' in page and "正在准备第一个问题" in page
        advance(client.app.state.web.store, 1, the_transcript())  # what a worker does with the job
        page = client.get(link).text
        assert "Let us begin." in page and 'name="prompt"' in page
    finally:
        client.app.state.web.grading.close()


def test_an_interview_with_a_model_goes_through_the_queue_to_the_end(site, api):
    """The first question, each critique and the end, by the queue's workers in the process."""
    api.post("/chat/completions").mock(side_effect=FakeChat(question_text="Let us begin."))
    client, _ = site
    csrf = logged_in(client)
    link = invite(client, csrf, new_screening(client, csrf, backend="openai", mode="exam"), "Modelled")
    page = settled(client, link, client.post(f"{link}/start", data={"consent": "yes"})).text
    assert "Let us begin." in page  # the model's first question
    for number in range(6):
        if "感谢参加" in page:
            break
        answer = {"answer": f"第{number + 1}次：先看留存和复购，再决定预算。", "prompt": prompt_of(page)}
        page = settled(client, link, client.post(f"{link}/answer", data=answer)).text
    assert "感谢参加" in page
