"""Shared fixtures: the offline loader, the spec key, a fixed clock, and a network tripwire."""

from __future__ import annotations

import copy
import json
import os
import socket
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import settings

# In CI the property tests replay a fixed sequence (a failure there is
# reproducible); on a developer's machine they explore new examples each run.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

from dataintegrity import KeySigner, bundled_loader
from dataintegrity.keys import did_key, did_key_verification_method, private_key_from_seed

TESTS = Path(__file__).parent
FIXTURES = TESTS / "fixtures" / "interop"
VECTORS = TESTS / "vectors"
#: The interop fixtures' test-only seed (shared/interop/js/common.mjs).
SEED = bytes.fromhex("9b937b81322d816cfab9d5a3baacc9b2a5febe4b149f126b3630f93a29527017")
CREATED = datetime(2025, 1, 15, 9, 0, 0, tzinfo=timezone.utc)
NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def read_json(path: Path) -> dict:
    return json.loads(path.read_text("utf-8"))


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Tripwire: any attempt to open a network connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.fixture(scope="session")
def loader():
    return bundled_loader()


@pytest.fixture(scope="session")
def ed25519_key():
    return private_key_from_seed(SEED, "Ed25519")


@pytest.fixture(scope="session")
def p256_key():
    return private_key_from_seed(SEED, "P-256")


def signer_for(private_key) -> KeySigner:
    return KeySigner(did_key_verification_method(private_key.public_key()), private_key)


@pytest.fixture(scope="session")
def ed25519_signer(ed25519_key):
    return signer_for(ed25519_key)


@pytest.fixture(scope="session")
def p256_signer(p256_key):
    return signer_for(p256_key)


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def unsigned_credential(ed25519_key):
    """The reference learning-outcome credential, its issuer set to the test key's DID."""
    credential = read_json(FIXTURES / "unsigned-learning-outcome.json")
    credential["issuer"]["id"] = did_key(ed25519_key.public_key())
    return credential


def unsigned_for(private_key) -> dict:
    credential = read_json(FIXTURES / "unsigned-learning-outcome.json")
    credential["issuer"]["id"] = did_key(private_key.public_key())
    return copy.deepcopy(credential)
