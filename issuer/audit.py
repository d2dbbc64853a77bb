"""The audit log: who did what, when. Written in the same transaction as the action."""

from __future__ import annotations

from sqlalchemy.orm import Session

from .models import AuditEvent


def record(session: Session, institution_id: int, actor: str, action: str, target: str = "", detail: dict | None = None) -> AuditEvent:
    """Add an audit event to the session (the caller's commit makes it permanent with the action)."""
    event = AuditEvent(institution_id=institution_id, actor=actor, action=action, target=target, detail=detail or {})
    session.add(event)
    return event
