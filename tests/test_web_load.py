"""Real servers, real HTTP, real faults. 200 candidates take one screening at once while the
server is killed with SIGKILL and started again; two server processes share one SQLite file.
Every answer that was acknowledged is stored exactly once, in order; nobody is stuck; everyone
finishes. The figures (latency, lost, duplicated, stuck) are printed, never asserted on time."""

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from load_kit import PASSWORD, Server, Tally, figures, screening_links, stored_answers, take

from interviewer.web.store import open_store
from interviewer.web.team import create_user


@pytest.fixture
def database_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'load.db'}"
    create_user(open_store(url), "rita@example.com", PASSWORD, "acme", None)
    return url


def test_200_candidates_with_a_kill_9_in_the_middle(database_url, tmp_path):
    candidates = 200
    server = Server(database_url, tmp_path / "transcripts")
    server.start()
    try:
        links = screening_links(server.base, candidates)
        tally = Tally()
        with ThreadPoolExecutor(max_workers=candidates) as pool:
            running = [pool.submit(take, [server.base], link, tally) for link in links]
            while tally.count() < candidates * 2 and not all(r.done() for r in running):
                time.sleep(0.05)
            killed_at = tally.count()
            server.kill()  # mid-run: requests in flight die with it
            server.start()
            for r in running:
                r.result()
        result = figures(tally, stored_answers(database_url), candidates)
    finally:
        server.stop()
    print(
        f"\n{candidates} candidates, {result['answers']} answers, kill -9 after {killed_at}: answer stored "
        f"p50 {result['p50']:.2f} s, p95 {result['p95']:.2f} s; next prompt shown p50 {result['next_p50']:.2f} s, "
        f"p95 {result['next_p95']:.2f} s; lost {result['lost']}, "
        f"duplicated {result['duplicated']}, misplaced {result['misplaced']}, stuck {result['stuck']} "
        f"({result['resent']} answers sent again after the kill)"
    )
    assert (result["lost"], result["duplicated"], result["misplaced"], result["stuck"]) == (0, 0, 0, 0)


def test_two_server_processes_on_one_sqlite_file(database_url, tmp_path):
    """Each request goes to either process, and every answer is sent to both at once (a double
    submit across processes): one transcript, one answer each, in order."""
    candidates = 30
    servers = [Server(database_url, tmp_path / "transcripts") for _ in range(2)]
    for server in servers:
        server.start()
    bases = [s.base for s in servers]
    try:
        links = screening_links(bases[0], candidates)
        tally = Tally()
        with ThreadPoolExecutor(max_workers=candidates) as pool, ThreadPoolExecutor(candidates) as seconds:

            def to_both(path, data):
                other = seconds.submit(httpx.post, bases[1] + path, data=data, timeout=600)
                mine = httpx.post(bases[0] + path, data=data, timeout=600)
                assert other.result().status_code in (200, 303), other.result().text[:300]
                return mine

            list(pool.map(lambda link: take(bases, link, tally, to_both), links))
        result = figures(tally, stored_answers(database_url), candidates)
    finally:
        for server in servers:
            server.stop()
    print(f"\ntwo processes, one SQLite file: {result}")
    assert (result["lost"], result["duplicated"], result["misplaced"], result["stuck"]) == (0, 0, 0, 0)
