"""E-mailing each graduate of a batch their credential link, without making issuing wait.

The message itself is :func:`issuer.mail.send_credential_link`; batches use it
when mail is configured (``SKILLPASS_SMTP_URL``). Sending
runs in a background thread with its own database session, and one failed
message never stops the others (``send_credential_link`` logs each failure
without personal data).
"""

from __future__ import annotations

import threading
from typing import Iterable

from flask import Flask
from sqlalchemy import select

from .graduate import stable_link
from .mail import MailError, send_credential_link
from .models import Credential


def send_links_later(app: Flask, credential_ids: Iterable[int], *, institution_name: str) -> threading.Thread | None:
    """Start e-mailing the links of these credentials (those with an address) in the background."""
    ids = list(credential_ids)
    if not app.config.get("SMTP_URL") or not ids:
        return None
    thread = threading.Thread(target=_send_all, args=(app, ids, institution_name), name="batch-mail", daemon=True)
    thread.start()
    return thread


def _send_all(app: Flask, ids: list[int], institution_name: str) -> None:
    with app.app_context():
        session = app.extensions["skillpass_db"].session()
        try:
            for start in range(0, len(ids), 500):
                for credential in session.scalars(select(Credential).where(
                        Credential.id.in_(ids[start:start + 500]), Credential.learner_email.is_not(None))):
                    _send_one(app, credential, institution_name)
        finally:
            session.close()


def _send_one(app: Flask, credential: Credential, institution_name: str) -> None:
    try:
        send_credential_link(app.config, credential, institution_name=institution_name,
                             link=stable_link(credential.link_token))
    except MailError:
        pass  # already logged by issuer.mail, without personal data; the graduate's page still has the link
