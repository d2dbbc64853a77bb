"""The issuer's database: SQLAlchemy 2 models.

Private keys are never stored here: a :class:`SigningKey` row names an
encrypted key file in the keystore and holds only the public key.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

ROLES = ("admin", "registrar", "viewer")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: DateTime(timezone=True)}


class Institution(Base):
    """An issuing institution: its identity, keys, users, catalogue and status lists."""

    __tablename__ = "institutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    names: Mapped[dict] = mapped_column(JSON, default=dict)  # {"zh-Hans": "…"} besides English
    country: Mapped[str] = mapped_column(String(2))
    url: Mapped[str] = mapped_column(String(300))
    did_method: Mapped[str] = mapped_column(String(8), default="key")  # "key" or "web"
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    users: Mapped[list[User]] = relationship(back_populates="institution")
    keys: Mapped[list[SigningKey]] = relationship(back_populates="institution", order_by="SigningKey.id")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    institution: Mapped[Institution] = relationship(back_populates="users")


class SigningKey(Base):
    """A signing key of an institution: the public half, and where the encrypted private half is."""

    __tablename__ = "signing_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    algorithm: Mapped[str] = mapped_column(String(16))  # "Ed25519" or "P-256"
    public_key_multibase: Mapped[str] = mapped_column(String(120), unique=True)
    key_file: Mapped[str] = mapped_column(String(200))  # file name in the keystore folder
    status: Mapped[str] = mapped_column(String(16), default="active")  # "active" or "retired"
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(default=None)

    institution: Mapped[Institution] = relationship(back_populates="keys")


class Achievement(Base):
    """An entry of an institution's catalogue: the Open Badges Achievement it awards."""

    __tablename__ = "achievements"
    __table_args__ = (UniqueConstraint("institution_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))  # humanCode, e.g. NEV-HV-301
    tier: Mapped[str] = mapped_column(String(16))
    definition: Mapped[dict] = mapped_column(JSON)  # the Achievement object, as issued
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StatusList(Base):
    """One Bitstring Status List of an institution, for one purpose.

    The bits are not stored: they are the status of the credentials that hold
    an index in this list, so a revocation is one row update and concurrent
    revocations cannot overwrite each other. ``revision`` goes up with each
    change and names the signed list that is served.
    """

    __tablename__ = "status_lists"
    __table_args__ = (UniqueConstraint("institution_id", "purpose", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))  # "revocation" or "suspension"
    number: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    allocation_secret: Mapped[bytes] = mapped_column(LargeBinary(32))
    next_slot: Mapped[int] = mapped_column(Integer, default=0)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Credential(Base):
    """An issued credential: the signed document and its status."""

    __tablename__ = "credentials"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    # Null for credentials a client sent through the VC-API rather than built from the catalogue.
    achievement_id: Mapped[int | None] = mapped_column(ForeignKey("achievements.id"), index=True)
    credential_id: Mapped[str] = mapped_column(String(200), unique=True)  # the credential's id (urn:uuid:…)
    link_token: Mapped[str] = mapped_column(String(64), unique=True)
    row_key: Mapped[str | None] = mapped_column(String(200))  # student number: one credential per learner and achievement
    learner_name: Mapped[str] = mapped_column(String(200), index=True)
    learner_email: Mapped[str | None] = mapped_column(String(254), default=None)
    document: Mapped[str] = mapped_column(Text)  # the signed credential, exact JSON text
    revocation_list_id: Mapped[int] = mapped_column(ForeignKey("status_lists.id"))
    revocation_index: Mapped[int] = mapped_column(Integer)
    # Null for VC-API credentials, which carry only a revocation entry.
    suspension_list_id: Mapped[int | None] = mapped_column(ForeignKey("status_lists.id"))
    suspension_index: Mapped[int | None] = mapped_column(Integer)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    status_reason: Mapped[str | None] = mapped_column(String(500), default=None)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    issued_by: Mapped[str] = mapped_column(String(254))

    achievement: Mapped[Achievement | None] = relationship()

    __table_args__ = (
        UniqueConstraint("institution_id", "achievement_id", "row_key"),
        UniqueConstraint("revocation_list_id", "revocation_index"),
        UniqueConstraint("suspension_list_id", "suspension_index"),
    )


class BatchUpload(Base):
    """A checked cohort file waiting to be issued (or partly issued), row by row.

    ``rows`` holds the validated rows; ``issued`` counts those recorded so far,
    so an interrupted batch resumes where it stopped, and re-issuing a row that
    exists is skipped (the credential's unique row key backs this up).
    """

    __tablename__ = "batch_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    achievement_id: Mapped[int] = mapped_column(ForeignKey("achievements.id"))
    filename: Mapped[str] = mapped_column(String(200))
    rows: Mapped[list] = mapped_column(JSON)
    issued: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="ready")  # ready, issuing, done
    created_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEvent(Base):
    """Who did what, when: every issuance, status change, key and user action."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    actor: Mapped[str] = mapped_column(String(254))  # a user's e-mail, "api:<token name>" or "cli"
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str] = mapped_column(String(300), default="")
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class ApiToken(Base):
    """A bearer token for the VC-API issue endpoint; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
