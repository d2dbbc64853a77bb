"""E-mailing each graduate of a batch their credential link, without making issuing wait.

The message itself is :func:`issuer.mail.send_credential_link`; batches use it
only when it exists and mail is configured (``SKILLPASS_SMTP_URL``). Sending
runs in a background thread with its own database session, and one failed
message never stops the others (``send_credential_link`` logs each failure
without personal data).
"""

from __future__ import annotations

import importlib
import threading
from typing import Callable, Iterable

from flask import Flask
from sqlalchemy import select

from .models import Credential


def link_sender(app: Flask):
    """The ``issuer.mail`` module if it can send credential links here, else None."""
    try:
        mail = importlib.import_module("issuer.mail")
    except ImportError:
        return None
    if not hasattr(mail, "send_credential_link") or not app.config.get("SMTP_URL"):
        return None
    return mail


def send_links_later(app: Flask, credential_ids: Iterable[int], *, institution_name: str) -> threading.Thread | None:
    """Start e-mailing the links of these credentials (those with an address) in the background."""
    mail, ids = link_sender(app), list(credential_ids)
    if mail is None or not ids:
        return None
    thread = threading.Thread(target=_send_all, args=(app, mail, ids, institution_name), name="batch-mail", daemon=True)
    thread.start()
    return thread


def _send_all(app: Flask, mail, ids: list[int], institution_name: str) -> None:
    from .graduate import stable_link  # the graduate's link, as the credential page prints it

    failure = getattr(mail, "MailError", Exception)
    with app.app_context():
        session = app.extensions["skillpass_db"].session()
        try:
            for start in range(0, len(ids), 500):
                for credential in session.scalars(select(Credential).where(
                        Credential.id.in_(ids[start:start + 500]), Credential.learner_email.is_not(None))):
                    _send_one(mail.send_credential_link, failure, app, credential, institution_name,
                              stable_link(credential.link_token))
        finally:
            session.close()


def _send_one(send: Callable, failure: type[Exception], app: Flask, credential: Credential, institution_name: str,
              link: str) -> None:
    try:
        send(app.config, credential, institution_name=institution_name, link=link)
    except failure:
        pass  # already logged by issuer.mail, without personal data; the graduate's page still has the link
