"""One family of expected errors: the CLI turns each into one line on stderr and an exit code.

Anything that is not an `InterviewerError` is a bug and keeps its traceback.
"""

from __future__ import annotations


class InterviewerError(Exception):
    """A problem the user can fix; the message says what went wrong and what to do next."""

    exit_code = 1


class BankError(InterviewerError):
    """A bank file that cannot be read or does not validate; names the file and the line."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line


class BackendError(InterviewerError):
    """The model could not be reached or gave no usable reply after the SDK's retries."""


class TranscriptError(InterviewerError):
    """A transcript that cannot be written or read."""


class SettingsError(InterviewerError):
    """A setting from a flag, the environment or `.env` that cannot be used; names it."""


class TurnDegraded(BackendError):
    """The model could not finish this turn (too slow, or no valid reply): this turn only is
    handled offline; the next one asks the model again."""
