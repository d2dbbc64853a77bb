"""E-mailing the graduate their link, through a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import email
import email.policy
import logging
import socket

import pytest
from aiosmtpd.controller import Controller

from issuer.mail import MailError, link_message, smtp_settings

from .test_graduate import private_key_markers
from .test_issue_form import issue, stored


@pytest.fixture
def no_network():
    """This module talks to its own SMTP server on 127.0.0.1, so the suite's network tripwire is off here."""


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted"

    def messages(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(e.content, policy=email.policy.default) for e in self.envelopes]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbox(app):
    """A local SMTP server, and the app set to send through it."""
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{controller.port}"
    app.config["MAIL_FROM"] = "Demo Polytechnic <credentials@demo.example>"
    yield handler
    controller.stop()


def test_the_graduate_gets_their_link(app, world, inbox, signed_in):
    browser = signed_in("registrar")
    response = issue(browser, app, email="aroon@example.org")
    assert response.status_code == 302
    row = stored(app, "S2026-0100")
    [envelope] = inbox.envelopes
    assert envelope.rcpt_tos == ["aroon@example.org"] and envelope.mail_from == "credentials@demo.example"
    [message] = inbox.messages()
    assert message["Subject"] == "Your credential from Demo Polytechnic (Skills Passport demo)"
    text = message.get_body(("plain",)).get_content()
    markup = message.get_body(("html",)).get_content()
    for body in (text, markup):
        assert "Aroon Chaiyaporn" in body and f"http://localhost/c/{row.link_token}" in body
        assert "New-energy-vehicle high-voltage system service" in body
    raw = envelope.content.decode("utf-8", "replace")
    for leaked in ["proofValue", "@context", "credentialSubject", *private_key_markers(app, world.demo.id)]:
        assert leaked not in raw and leaked not in text and leaked not in markup
    page = browser.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The graduate&#39;s link was sent to them by e-mail." in page


def test_no_address_no_mail(app, inbox, signed_in):
    assert issue(signed_in("registrar"), app, email="").status_code == 302
    assert inbox.envelopes == []


def test_no_smtp_url_no_mail(app, inbox, signed_in):
    app.config["SMTP_URL"] = None
    browser = signed_in("registrar")
    response = issue(browser, app, email="aroon@example.org")
    assert response.status_code == 302 and inbox.envelopes == []
    page = browser.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "sent to them by e-mail" not in page and "was not sent" not in page


def test_a_mail_failure_never_undoes_the_issuance(app, signed_in, caplog):
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{free_port()}"  # nobody listens there
    browser = signed_in("registrar")
    with caplog.at_level(logging.WARNING, logger="issuer.mail"):
        response = issue(browser, app, email="aroon@example.org")
    assert response.status_code == 302
    row = stored(app, "S2026-0100")
    assert not row.revoked
    page = browser.client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'class="flash flash-warning"' in page and "the e-mail to the graduate was not sent" in page
    assert f"credential row {row.id} not sent" in caplog.text
    assert "aroon@example.org" not in caplog.text and "Aroon" not in caplog.text


def test_the_server_refusing_the_recipient_is_a_warning(app, inbox, signed_in):
    async def refuse(server, session, envelope, address, rcpt_options):
        return "550 No such user here"

    inbox.handle_RCPT = refuse
    browser = signed_in("registrar")
    response = issue(browser, app, email="aroon@example.org")
    assert response.status_code == 302 and inbox.envelopes == []
    page = browser.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "the e-mail to the graduate was not sent (the mail server refused the recipient&#39;s address)" in page


def test_markup_in_the_name_is_escaped_in_the_html_part():
    message = link_message(sender="a@example.org", to="b@example.org", learner_name="<b>Mallory</b>",
                           achievement_name="Welding & <i>cutting</i>", institution_name="College", link="https://x.example/c/t")
    markup = message.get_body(("html",)).get_content()
    assert "&lt;b&gt;Mallory&lt;/b&gt;" in markup and "<b>Mallory" not in markup
    assert "Welding &amp; &lt;i&gt;cutting&lt;/i&gt;" in markup
    assert "<b>Mallory</b>" in message.get_body(("plain",)).get_content()


def test_a_header_injection_is_refused():
    with pytest.raises(MailError):
        link_message(sender="a@example.org", to="b@example.org\r\nBcc: everyone@example.org", learner_name="B",
                     achievement_name="A", institution_name="C", link="https://x.example/c/t")


@pytest.mark.parametrize("url, scheme, port, user, password", [
    ("smtp://mail.example:2525", "smtp", 2525, None, None),
    ("smtp+starttls://us%40er:p%3Ass@mail.example", "smtp+starttls", 587, "us@er", "p:ss"),
    ("smtps://user:secret@mail.example", "smtps", 465, "user", "secret"),
])
def test_smtp_urls(url, scheme, port, user, password):
    settings = smtp_settings(url)
    assert (settings.scheme, settings.host, settings.port, settings.username, settings.password) == (
        scheme, "mail.example", port, user, password)
    assert "secret" not in repr(settings) and "p:ss" not in repr(settings)


@pytest.mark.parametrize("url", ["http://mail.example", "smtp://", "smtp://mail.example:notaport"])
def test_bad_smtp_urls(url):
    with pytest.raises(MailError):
        smtp_settings(url)
