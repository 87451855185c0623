"""Invite messages by email, against a real SMTP server (aiosmtpd on a free local port): what
arrives (recipient, subject, link, language), what the recruiter's page says when it went and
when it did not, that the password is never shown or sent in the clear, and that nothing is
sent without a configured mail server."""

import logging
import re
import shutil
import socket
import ssl
import subprocess
from email import message_from_bytes
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from web_site import logged_in, new_screening, open_site

from interviewer.errors import InterviewerError
from interviewer.web.mail import mailer_from_env
from interviewer.web.store import Invite, open_store

SENDER = "Recruiting <jobs@acme.example>"
SECRET = "s3cret-p@ss"  # written %-encoded in the URL: s3cret-p%40ss


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """What the SMTP server received: messages (sender, recipients, parsed message) and logins;
    addresses in `refuse` are refused at RCPT."""

    def __init__(self) -> None:
        self.messages: list = []
        self.logins: list[tuple[str, str]] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = message_from_bytes(envelope.original_content, policy=default)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, data):
        self.logins.append((data.login.decode(), data.password.decode()))
        return AuthResult(success=True)


def serving(inbox: Inbox, **options) -> Controller:
    controller = Controller(
        inbox, hostname="127.0.0.1", port=free_port(), authenticator=inbox.authenticate, **options
    )
    controller.start()
    return controller


@pytest.fixture
def smtp():
    """A plain SMTP server (no STARTTLS), as a development catcher is."""
    inbox = Inbox()
    controller = serving(inbox)
    inbox.url = f"smtp://127.0.0.1:{controller.port}"
    yield inbox
    controller.stop()


@pytest.fixture
def mailing_site(tmp_path, monkeypatch):
    """`build(url)`: the site with INTERVIEWER_SMTP_URL=url, a signed-in client and its form
    token (SQLite: the mail does not depend on the database)."""
    clients = []

    def build(url: str):
        monkeypatch.setenv("INTERVIEWER_SMTP_URL", url)
        monkeypatch.setenv("INTERVIEWER_SMTP_FROM", SENDER)
        client, _ = open_site("sqlite", tmp_path)
        clients.append(client)
        return client, logged_in(client)

    yield build
    for client in clients:
        client.app.state.web.grading.close()


def links_in(page: str) -> list[str]:
    return re.findall(r'data-copy="(https?://[^/"]+/i/[^"]+)"', page)


def test_an_invite_is_emailed_in_the_banks_language_with_its_link(smtp, mailing_site):
    client, csrf = mailing_site(smtp.url)
    screening = new_screening(client, csrf, questions="3,4")  # the Chinese bank
    page = client.post(
        f"{screening}/invites",
        data={"csrf": csrf, "candidate": "陈伟", "email": "chen@example.com", "days": "5"},
    ).text
    [link] = links_in(page)  # still shown to copy
    assert "Emailed to chen@example.com." in page
    [(sender, recipients, message)] = smtp.messages
    assert sender == "jobs@acme.example" and recipients == ["chen@example.com"]
    assert message["To"].addresses[0].display_name == "陈伟"
    assert message["From"] == SENDER and message["Subject"] == "书面面试邀请"
    assert message["Content-Language"] == "zh-CN"
    body = message.get_content()
    assert link in body and "诚邀您参加一场共 2 道题的书面面试" in body and "5 天内有效" in body
    assert "emailed" in client.get("/audit").text
    assert "chen@example.com" not in client.get("/audit").text  # the log names the candidate only


def test_bulk_lists_and_csv_carry_emails_and_resend_mails_the_new_link(smtp, mailing_site):
    client, csrf = mailing_site(smtp.url)
    screening = new_screening(client, csrf, bank="backend-engineering-en", questions="1")
    upload = "name,team,email\n李雷,ops,lilei@example.com\n".encode("utf-8-sig")
    page = client.post(
        f"{screening}/invites",
        data={
            "csrf": csrf,
            "names": 'Ann Lee <ann@example.com>\nBo Chen, bo@example.com\n"Day, Di" <di@x.org>\nCy',
        },
        files={"file": ("people.csv", upload, "text/csv")},
    ).text
    assert len(links_in(page)) == 5 and page.count("Emailed to") == 4
    sent = {recipients[0]: message for _, recipients, message in smtp.messages}
    assert set(sent) == {"ann@example.com", "bo@example.com", "di@x.org", "lilei@example.com"}
    assert sent["di@x.org"]["To"].addresses[0].display_name == "Day, Di"
    ann = sent["ann@example.com"]
    assert ann["Subject"] == "Invitation to a written interview" and ann["Content-Language"] == "en"
    assert "you are invited to a written interview of 1 questions" in ann.get_content()
    first = next(link for link in links_in(page) if link in ann.get_content())
    ann_id = re.search(r'href="/candidates/(\d+)">Ann Lee<', client.get(screening).text).group(1)
    resent = client.post(f"/candidates/{ann_id}/resend", data={"csrf": csrf, "days": "7"}).text
    [new] = links_in(resent)
    assert new != first and "Emailed to ann@example.com." in resent
    assert new in smtp.messages[-1][2].get_content() and smtp.messages[-1][1] == ["ann@example.com"]


def test_a_refused_address_does_not_stop_the_others(smtp, mailing_site):
    smtp.refuse.add("gone@example.com")
    client, csrf = mailing_site(smtp.url)
    screening = new_screening(client, csrf, questions="3")
    names = "Gone <gone@example.com>\nAnn <ann@example.com>"
    page = client.post(f"{screening}/invites", data={"csrf": csrf, "names": names}).text
    assert "Not emailed to gone@example.com: the mail server refused the message" in page
    assert "Emailed to ann@example.com." in page and len(links_in(page)) == 2
    assert [recipients for _, recipients, _ in smtp.messages] == [["ann@example.com"]]


def test_a_server_that_is_down_gives_a_notice_without_the_password(mailing_site, caplog):
    down = free_port()  # nothing listens there
    client, csrf = mailing_site(f"smtp://rita:s3cret-p%40ss@127.0.0.1:{down}")
    screening = new_screening(client, csrf, questions="3")
    with caplog.at_level(logging.WARNING, logger="interviewer.web"):
        response = client.post(
            f"{screening}/invites", data={"csrf": csrf, "candidate": "Ann", "email": "ann@example.com"}
        )
    assert response.status_code == 200 and len(links_in(response.text)) == 1  # the link is kept
    notice = "Not emailed to ann@example.com: the mail server could not be reached. Copy the message"
    assert notice in response.text
    assert f"127.0.0.1:{down}" in caplog.text  # the operator learns where
    for secret in (SECRET, "s3cret", "%40ss"):
        assert secret not in response.text and secret not in caplog.text
    assert "Traceback" not in response.text
    assert "emailed" not in client.get("/audit").text


def invite_ann(mailing_site, controller, url: str) -> str:
    """The page after inviting Ann with her email through the mail server at `url`, which is
    stopped afterwards."""
    try:
        client, csrf = mailing_site(url)
        screening = new_screening(client, csrf, questions="3")
        return client.post(
            f"{screening}/invites", data={"csrf": csrf, "candidate": "Ann", "email": "ann@example.com"}
        ).text
    finally:
        controller.stop()


def test_a_password_is_never_sent_over_a_plain_connection(mailing_site):
    inbox = Inbox()
    careless = serving(inbox, auth_require_tls=False)  # it would take a password in the clear
    page = invite_ann(mailing_site, careless, f"smtp://rita:s3cret-p%40ss@127.0.0.1:{careless.port}")
    assert "no secure connection to the mail server could be made" in page and SECRET not in page
    assert inbox.logins == [] and inbox.messages == []


@pytest.fixture
def certificate(tmp_path, monkeypatch):
    """A certificate for localhost that this process trusts (SSL_CERT_FILE), made by openssl."""
    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a certificate for the TLS mail server")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    command = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    names = ["-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"]
    subprocess.run(
        [*command, *names, "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True
    )
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


@pytest.mark.parametrize("scheme", ["smtp", "smtps"])
def test_starttls_and_implicit_tls_log_in_and_deliver(scheme, certificate, mailing_site):
    inbox = Inbox()
    tls = {"tls_context": certificate} if scheme == "smtp" else {"ssl_context": certificate}
    controller = serving(inbox, **tls, auth_require_tls=scheme == "smtp")
    page = invite_ann(mailing_site, controller, f"{scheme}://rita:s3cret-p%40ss@localhost:{controller.port}")
    assert "Emailed to ann@example.com." in page
    assert inbox.logins == [("rita", SECRET)] and len(inbox.messages) == 1


def test_without_a_mail_server_nothing_is_sent_and_the_page_says_so(smtp, site):
    client, _ = site  # built without INTERVIEWER_SMTP_URL, while a mail server listens
    csrf = logged_in(client)
    screening = new_screening(client, csrf, questions="3")
    assert "Email is not configured on this server" in client.get(screening).text
    page = client.post(
        f"{screening}/invites", data={"csrf": csrf, "candidate": "Ann", "email": "ann@example.com"}
    ).text
    assert len(links_in(page)) == 1 and smtp.messages == []
    assert "Not emailed to ann@example.com: email is not configured on this server." in page
    with open_store(site[1])() as db:
        assert db.query(Invite).one().email == "ann@example.com"  # kept: a later resend can mail it


def test_an_address_that_is_not_one_is_refused_in_the_pages_language(site):
    client, _ = site
    csrf = logged_in(client)
    screening = new_screening(client, csrf, questions="3")
    bad = {"csrf": csrf, "names": "Ann, ann@example\nBo"}
    refused = client.post(f"{screening}/invites", data=bad)
    assert refused.status_code == 400 and "ann@example is not an email address" in refused.text
    chinese = client.post(f"{screening}/invites", data=bad, headers={"Accept-Language": "zh-CN"})
    assert "ann@example 不是有效的邮箱地址" in chinese.text
    alone = client.post(f"{screening}/invites", data={"csrf": csrf, "email": "ann@example.com"})
    assert alone.status_code == 400 and "needs the candidate&#39;s name" in alone.text
    assert "Nobody invited yet" in client.get(screening).text  # a refused form invites nobody


def test_the_mail_settings_are_read_with_clear_errors_that_never_repeat_the_password():
    mailer = mailer_from_env(
        {"INTERVIEWER_SMTP_URL": "smtps://rita:s3cret-p%40ss@mail.example", "INTERVIEWER_SMTP_FROM": SENDER}
    )
    assert (mailer.server, mailer.implicit_tls, mailer.username, mailer.password) == (
        "mail.example:465",
        True,
        "rita",
        SECRET,
    )
    assert SECRET not in repr(mailer)
    plain = mailer_from_env(
        {"INTERVIEWER_SMTP_URL": "smtp://localhost:1025", "INTERVIEWER_SMTP_FROM": SENDER}
    )
    assert (plain.server, plain.implicit_tls, plain.username) == ("localhost:1025", False, "")
    assert mailer_from_env({}) is None
    for settings in (
        {"INTERVIEWER_SMTP_URL": "http://rita:s3cret@mail.example", "INTERVIEWER_SMTP_FROM": SENDER},
        {"INTERVIEWER_SMTP_URL": "smtp://rita:s3cret@mail.example:port", "INTERVIEWER_SMTP_FROM": SENDER},
        {"INTERVIEWER_SMTP_URL": "smtp://rita:s3cret@mail.example"},
    ):
        with pytest.raises(InterviewerError) as raised:
            mailer_from_env(settings)
        assert "s3cret" not in str(raised.value) and "INTERVIEWER_SMTP_" in str(raised.value)
