"""E-mail the graduate their credential link (when ``SKILLPASS_SMTP_URL`` is set).

The message carries the link and the learner's name, never the credential
JSON or any key. A mail failure never undoes an issuance: the caller gets a
:class:`MailError`, and the log line names the credential row and the kind of
failure only, never an e-mail address or a name.

``SMTP_URL`` forms: ``smtp://host:25`` (plain), ``smtp+starttls://user:pass@host:587``
and ``smtps://user:pass@host:465`` (TLS from the start); user and password
are percent-decoded. A user and password on plain ``smtp://`` travel
unencrypted: use it only for a relay on the same host or network.
"""

from __future__ import annotations

import html
import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Mapping
from urllib.parse import unquote, urlsplit

from .models import Credential

logger = logging.getLogger(__name__)
DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
TIMEOUT = 10.0


class MailError(Exception):
    """The e-mail was not sent; the message says why in words safe to show and log."""


@dataclass(frozen=True)
class SmtpSettings:
    scheme: str
    host: str
    port: int
    username: str | None = None
    password: str | None = None

    def __repr__(self) -> str:  # never print the password
        return f"SmtpSettings({self.scheme}://{self.host}:{self.port}, user={'yes' if self.username else 'no'})"


def smtp_settings(url: str) -> SmtpSettings:
    """Parse ``SMTP_URL``.

    :raises MailError: for an unknown scheme or a missing host.
    """
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise MailError("SKILLPASS_SMTP_URL must look like smtp://host:port, smtp+starttls://… or smtps://…")
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError:
        raise MailError("SKILLPASS_SMTP_URL has an invalid port") from None
    return SmtpSettings(parts.scheme, parts.hostname, port,
                        unquote(parts.username) if parts.username else None,
                        unquote(parts.password) if parts.password else None)


def link_message(*, sender: str, to: str, learner_name: str, achievement_name: str, institution_name: str,
                 link: str) -> EmailMessage:
    """The e-mail: plain text, and the same in simple HTML (every value escaped).

    :raises MailError: if an address or header is malformed.
    """
    text = (f"Dear {learner_name},\n\n"
            f"{institution_name} has issued you a credential: {achievement_name}.\n\n"
            f"View it, download it for your digital wallet, or share it from this page:\n{link}\n\n"
            "Keep this link: anyone who has it can see your credential.\n")
    e = {name: html.escape(value) for name, value in
         dict(learner=learner_name, achievement=achievement_name, institution=institution_name, link=link).items()}
    markup = (f"<!doctype html><html lang=\"en\"><body><p>Dear {e['learner']},</p>"
              f"<p>{e['institution']} has issued you a credential: <strong>{e['achievement']}</strong>.</p>"
              f"<p><a href=\"{e['link']}\">View your credential</a> — download it for your digital wallet, "
              f"or share it from that page.</p><p>{e['link']}</p>"
              "<p>Keep this link: anyone who has it can see your credential.</p></body></html>")
    message = EmailMessage()
    try:
        message["Subject"] = f"Your credential from {institution_name}"
        message["From"] = sender
        message["To"] = to
    except (ValueError, TypeError):
        raise MailError("the e-mail address or sender is malformed") from None
    message.set_content(text)
    message.add_alternative(markup, subtype="html")
    return message


def send(settings: SmtpSettings, message: EmailMessage, timeout: float = TIMEOUT) -> None:
    """Deliver ``message`` to the SMTP server, with TLS as the settings say.

    :raises MailError: if the server cannot be reached or refuses the message.
    """
    context = ssl.create_default_context()
    try:
        if settings.scheme == "smtps":
            client = smtplib.SMTP_SSL(settings.host, settings.port, timeout=timeout, context=context)
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
        with client:
            if settings.scheme == "smtp+starttls":
                client.starttls(context=context)
            if settings.username:
                client.login(settings.username, settings.password or "")
            client.send_message(message)
    except smtplib.SMTPRecipientsRefused:
        raise MailError("the mail server refused the recipient's address") from None
    except smtplib.SMTPResponseException as error:
        raise MailError(f"the mail server refused the message (SMTP {error.smtp_code})") from None
    except (smtplib.SMTPException, OSError) as error:
        raise MailError(f"the mail server could not be reached ({type(error).__name__})") from None


def send_credential_link(config: Mapping, credential: Credential, *, institution_name: str, link: str) -> bool:
    """E-mail ``credential``'s learner their link, if mail is configured and they gave an address.

    :param config: the app's configuration (``SMTP_URL``, ``MAIL_FROM``).
    :param link: the graduate's stable link (:func:`issuer.graduate.stable_link`).
    :returns: True if sent, False if there was nothing to do.
    :raises MailError: if sending failed (already logged, without personal data).
    """
    if not config.get("SMTP_URL") or not credential.learner_email:
        return False
    try:
        message = link_message(sender=config["MAIL_FROM"], to=credential.learner_email,
                               learner_name=credential.learner_name, achievement_name=_achievement_name(credential),
                               institution_name=institution_name, link=link)
        send(smtp_settings(config["SMTP_URL"]), message)
    except MailError as error:
        logger.warning("credential link e-mail for credential row %s not sent: %s", credential.id, error)
        raise
    return True


def _achievement_name(credential: Credential) -> str:
    """The English name of the achievement (the e-mail is in English)."""
    name = credential.achievement.definition.get("name") if credential.achievement is not None else None
    if isinstance(name, list):
        name = next((v.get("@value") for v in name if str(v.get("@language", "")).lower().startswith("en")), None)
    return name if isinstance(name, str) else "your credential"
