"""Invite messages by email, when the server is told of a mail server.

INTERVIEWER_SMTP_URL names it: `smtp://user:password@host:587` (the connection is upgraded with
STARTTLS), `smtps://user:password@host:465` (TLS from the first byte), or `smtp://localhost:1025`
(plain, for a development catcher); characters such as `@` or `/` in the password are written
%-encoded. INTERVIEWER_SMTP_FROM is the sender, `jobs@example.com` or `Recruiting <jobs@example.com>`.

The standard library does the work: urllib.parse reads the URL, smtplib speaks SMTP, STARTTLS
and AUTH, and email.message builds a UTF-8 message with encoded headers. That is all an invite
needs, so no third-party client is added.

A failure is a reason code (`unreachable`, `tls`, `login`, `refused`, `other`) that the
recruiter's page says in one line; the server's own words are not shown, and the password is in
no page, log, message or repr.
"""

from __future__ import annotations

import logging
import os
import re
import smtplib
import ssl
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from urllib.parse import unquote, urlsplit

from interviewer.errors import InterviewerError

SMTP_TIMEOUT = 10  # seconds to connect and to wait for each reply of the mail server
DEFAULT_PORTS = {"smtp": 587, "smtps": 465}
_PART = r"[^\s@<>()\[\],;:\"]+"
ADDRESS = re.compile(rf"{_PART}@[^\s@<>()\[\],;:\".]+(\.[^\s@<>()\[\],;:\".]+)+")
log = logging.getLogger("interviewer.web")


def is_address(value: str) -> bool:
    """Whether `value` is one plain address (`ann@example.com`): enough to catch a typo or a
    name in the wrong column, not a promise that the mailbox exists."""
    return bool(ADDRESS.fullmatch(value))


@dataclass(frozen=True)
class Mailer:
    """A configured mail server; `send` opens one connection for a batch of messages."""

    host: str
    port: int
    implicit_tls: bool  # smtps: TLS from the start; smtp: STARTTLS when the server offers it
    sender: str
    username: str = ""
    password: str = field(default="", repr=False)

    @property
    def server(self) -> str:
        """Where mail goes, for notices and logs (never with the credentials)."""
        return f"{self.host}:{self.port}"

    def message(self, to_name: str, to_address: str, subject: str, body: str, language: str) -> EmailMessage:
        """A plain-text message in `language` (its Content-Language says so)."""
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = formataddr((to_name, to_address))
        message["Subject"] = subject
        message["Date"] = formatdate(usegmt=True)
        message["Message-ID"] = make_msgid(domain=parseaddr(self.sender)[1].rpartition("@")[2])
        message.set_content(body)
        message["Content-Language"] = language  # after the content, which clears Content-* headers
        return message

    def send(self, messages: list[EmailMessage]) -> list[str | None]:
        """Each message over one connection: for each, None when the server took it, else the
        reason it did not. A message the server refuses does not stop the others; a failure to
        connect or log in fails all that were not sent yet."""
        outcomes: list[str | None] = []
        try:
            with self._session() as smtp:
                for message in messages:
                    outcomes.append(_send_one(smtp, message))
        except OSError as exc:  # smtplib's and ssl's errors are OSErrors too
            reason = _reason(exc)
            log.warning("mail through %s failed: %s (%s)", self.server, reason, type(exc).__name__)
            outcomes += [reason] * (len(messages) - len(outcomes))
        return outcomes

    @contextmanager
    def _session(self) -> Iterator[smtplib.SMTP]:
        """A connection that is encrypted before any password is sent, and logged in if asked."""
        context = ssl.create_default_context()
        if self.implicit_tls:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=SMTP_TIMEOUT, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT)
        with smtp:
            if not self.implicit_tls:
                smtp.ehlo()
                if smtp.has_extn("starttls"):
                    smtp.starttls(context=context)
                    smtp.ehlo()
                elif self.username:  # never a password in the clear
                    raise smtplib.SMTPNotSupportedError("the server does not offer STARTTLS")
            if self.username:
                smtp.login(self.username, self.password)
            yield smtp


def _send_one(smtp: smtplib.SMTP, message: EmailMessage) -> str | None:
    try:
        smtp.send_message(message)
    except (
        smtplib.SMTPRecipientsRefused,
        smtplib.SMTPSenderRefused,
        smtplib.SMTPDataError,
        smtplib.SMTPNotSupportedError,  # an address that is not ASCII, to a server without SMTPUTF8
    ) as exc:
        log.warning("the mail server refused a message: %s", type(exc).__name__)
        return "refused"
    return None


def _reason(exc: BaseException) -> str:
    """The reason code of a failed connection, most specific first (all are OSErrors)."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return "login"
    if isinstance(exc, (ssl.SSLError, smtplib.SMTPNotSupportedError)):
        return "tls"
    if isinstance(exc, (smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected)):
        return "unreachable"
    if isinstance(exc, smtplib.SMTPException):
        return "other"
    return "unreachable"  # refused, timed out, unknown host


def mailer_from_env(environ: Mapping[str, str] = os.environ) -> Mailer | None:
    """The mail server of INTERVIEWER_SMTP_URL and INTERVIEWER_SMTP_FROM, or None when the URL
    is not set. A malformed setting stops the server at start with one line that never repeats
    the URL (it may hold the password)."""
    url = environ.get("INTERVIEWER_SMTP_URL", "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    try:
        port = parts.port or DEFAULT_PORTS.get(parts.scheme, 0)
    except ValueError:
        port = 0
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or not port:
        raise InterviewerError(
            "INTERVIEWER_SMTP_URL must look like smtp://user:password@host:587 (STARTTLS), "
            "smtps://user:password@host:465 (TLS) or smtp://localhost:1025 (plain)"
        )
    sender = environ.get("INTERVIEWER_SMTP_FROM", "").strip()
    if not is_address(parseaddr(sender)[1]):
        raise InterviewerError(
            "INTERVIEWER_SMTP_FROM must be the sender's address, for example "
            "'Recruiting <jobs@example.com>', when INTERVIEWER_SMTP_URL is set"
        )
    return Mailer(
        host=parts.hostname,
        port=port,
        implicit_tls=parts.scheme == "smtps",
        sender=sender,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
    )
