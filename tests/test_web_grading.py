"""The grading queue's threads give way to the web's requests on a busy machine."""

import os
import sys
import threading

import pytest

from interviewer.web.grading import NICENESS, ThreadQueue, lower_priority

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
