"""Institution keys: create them in the encrypted keystore, and sign with them.

The private halves live only in encrypted key files (see keys/README.md) and,
once unlocked, in this process's memory; never in the database, a page or a log.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from dataintegrity import KeySigner
from dataintegrity.keys import PrivateKey, algorithm_of, encode_public_key

from . import keystore
from .identity import verification_method_id
from .models import Institution, SigningKey, utcnow


log = logging.getLogger(__name__)


class KeyRing:
    """Unlocks key files on first use and keeps the keys for this process.

    :param folder: the keystore folder.
    :param passphrase: the passphrase of every key file.
    """

    def __init__(self, folder: Path, passphrase: bytes):
        if not passphrase:
            raise ValueError("the keystore needs a passphrase (SKILLPASS_KEY_PASSPHRASE)")
        self.folder = Path(folder)
        self._passphrase = passphrase
        self._unlocked: dict[str, PrivateKey] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"KeyRing({str(self.folder)!r}, {len(self._unlocked)} unlocked)"

    def create(self, session: Session, institution: Institution, key_type: str = "ed25519") -> SigningKey:
        """Generate a key, write it encrypted, and record its public half (caller commits)."""
        private_key = keystore.generate_private_key(key_type)
        path = keystore.default_key_path(self.folder, private_key)
        keystore.save_private_key(private_key, path, self._passphrase)
        key = SigningKey(
            institution_id=institution.id,
            algorithm=algorithm_of(private_key),
            public_key_multibase=encode_public_key(private_key.public_key()),
            key_file=path.name,
            status="active",
        )
        session.add(key)
        session.flush()
        log.info("created %s key %s for %s in %s", key.algorithm, key.public_key_multibase, institution.slug, path.name)
        with self._lock:
            self._unlocked[key.public_key_multibase] = private_key
        return key

    def rotate(self, session: Session, institution: Institution, key_type: str = "ed25519") -> SigningKey:
        """Retire the active key (it stays published) and make a new one active."""
        for key in active_keys(session, institution):
            key.status, key.retired_at = "retired", utcnow()
        return self.create(session, institution, key_type)

    def signer(self, institution: Institution, key: SigningKey, public_url: str) -> KeySigner:
        """A signer for ``key``, naming its verification method in the institution's DID."""
        return KeySigner(verification_method_id(institution, public_url, key), self._private_key(key))

    def _private_key(self, key: SigningKey) -> PrivateKey:
        with self._lock:
            if key.public_key_multibase not in self._unlocked:
                loaded = keystore.load_private_key(self.folder / key.key_file, self._passphrase)
                if encode_public_key(loaded.public_key()) != key.public_key_multibase:
                    raise keystore.KeystoreError(f"{key.key_file} does not hold the key the database names")
                self._unlocked[key.public_key_multibase] = loaded
                log.info("unlocked key %s from %s", key.public_key_multibase, key.key_file)
            return self._unlocked[key.public_key_multibase]


def active_keys(session: Session, institution: Institution) -> list[SigningKey]:
    return list(session.scalars(select(SigningKey).where(
        SigningKey.institution_id == institution.id, SigningKey.status == "active")))


def active_key(session: Session, institution: Institution) -> SigningKey:
    """The institution's signing key.

    :raises LookupError: if it has none yet (an admin creates one under Keys).
    """
    keys = active_keys(session, institution)
    if not keys:
        raise LookupError(f"{institution.name} has no active signing key yet")
    return keys[-1]


def all_keys(session: Session, institution: Institution) -> list[SigningKey]:
    return list(session.scalars(select(SigningKey).where(SigningKey.institution_id == institution.id)
                                .order_by(SigningKey.id)))
