"""The published status lists: signed, verified, one consistent state, and cacheable.

The PostgreSQL test reaches its server over a Unix socket through libpq, which the
socket tripwire (tests/conftest.py) neither sees nor needs to: it stays on here.
"""

from __future__ import annotations

import json
import threading
from datetime import date, datetime, timedelta, timezone
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from dataintegrity.status_list import decode_list, get_bit
from issuer import create_app, status_publisher, status_views
from issuer.demo import DEMO_SLUG, seed_demo
from issuer.identity import local_resolver
from issuer.keyring import all_keys
from issuer.models import Achievement, Credential, Institution, StatusList
from issuer.revocation import change_status
from issuer.service import Issuer, LearnerRecord
from issuer.status_publisher import PublicationError, StatusPublisher
from verifier import Verifier

from ..pg import database_url, postgres_server, postgres_url  # noqa: F401 (fixtures)

MEDIA_TYPE = "application/vc"


@pytest.fixture
def client(app, world):
    _register(app)
    return app.test_client()


def _register(app):
    if "status" not in app.blueprints:  # until create_app registers it
        app.register_blueprint(status_views.bp)


def issue(app, count: int, prefix: str = "T") -> list[Credential]:
    """Issue ``count`` credentials of the demo institution's first achievement, through the service."""
    extensions = app.extensions
    with extensions["skillpass_db"].session() as session:
        institution = session.scalars(select(Institution).where(Institution.slug == DEMO_SLUG)).one()
        achievement = session.scalars(select(Achievement).where(Achievement.institution_id == institution.id)
                                      .order_by(Achievement.id)).first()
        issuer = Issuer(session=session, institution=institution, keyring=extensions["skillpass_keyring"],
                        loader=extensions["skillpass_loader"], profile=extensions["skillpass_profile"],
                        public_url=app.config["PUBLIC_URL"])
        records = [LearnerRecord(f"{prefix}{n:04}", f"Learner {n}", date(2026, 9, 15)) for n in range(count)]
        return issuer.issue(achievement, records, actor="test")


def change(app, credential: Credential, action: str) -> None:
    with app.extensions["skillpass_db"].session() as session:
        change_status(session, session.get(Credential, credential.id), action, "test reason", "test")


def entry(credential: Credential, purpose: str) -> dict:
    entries = json.loads(credential.document)["credentialStatus"]
    return next(item for item in entries if item["statusPurpose"] == purpose)


def path_of(url: str) -> str:
    return urlsplit(url).path


def bits_of(document: dict) -> bytes:
    return decode_list(document["credentialSubject"]["encodedList"])


def verify(app, document: dict, now: datetime | None = None):
    extensions = app.extensions
    with extensions["skillpass_db"].session() as session:
        institution = session.scalars(select(Institution).where(Institution.slug == DEMO_SLUG)).one()
        keys = all_keys(session, institution)
    verifier = Verifier(loader=extensions["skillpass_loader"], profile=extensions["skillpass_profile"],
                        resolve_key=local_resolver(institution, app.config["PUBLIC_URL"], keys))
    return verifier.verify_credential(document, now=now or datetime.now(timezone.utc))


def test_served_list_is_a_signed_status_list_credential(app, client):
    credential = issue(app, 1)[0]
    status = entry(credential, "revocation")
    response = client.get(path_of(status["statusListCredential"]))
    assert response.status_code == 200
    assert response.mimetype == MEDIA_TYPE
    document = response.get_json(force=True)
    assert document["id"] == status["statusListCredential"]
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert document["issuer"] == json.loads(credential.document)["issuer"]["id"]
    subject = document["credentialSubject"]
    assert subject["type"] == "BitstringStatusList" and subject["statusPurpose"] == "revocation"
    assert subject["ttl"] == 60_000 and response.cache_control.max_age == 60  # aligned, as §2.2 asks
    assert len(bits_of(document)) * 8 == 131_072
    valid_from = datetime.fromisoformat(document["validFrom"])
    assert datetime.fromisoformat(document["validUntil"]) - valid_from == timedelta(days=1)
    assert document["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    result = verify(app, document)
    assert result.verified, result.to_json()


def test_headers_make_it_cacheable_and_public(client, app):
    status = entry(issue(app, 1)[0], "suspension")
    response = client.get(path_of(status["statusListCredential"]))
    assert response.cache_control.public and not response.cache_control.private
    etag, weak = response.get_etag()
    assert weak and len(etag) == 32
    assert response.last_modified is not None
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Set-Cookie" not in response.headers


def test_revocation_sets_exactly_that_bit(app, client):
    credentials = issue(app, 4)
    target, neighbours = credentials[1], [credentials[0], *credentials[2:]]
    index = int(entry(target, "revocation")["statusListIndex"])
    url = path_of(entry(target, "revocation")["statusListCredential"])
    assert not get_bit(bits_of(client.get(url).get_json(force=True)), index)

    change(app, target, "revoke")

    document = client.get(url).get_json(force=True)
    bits = bits_of(document)
    assert get_bit(bits, index)
    for other in neighbours:
        assert not get_bit(bits, int(entry(other, "revocation")["statusListIndex"]))
    free = next(i for i in (index + 1, index - 1) if 0 <= i < len(bits) * 8)
    assert not get_bit(bits, free)
    assert sum(bin(byte).count("1") for byte in bits) == 1
    result = verify(app, document)
    assert result.verified, result.to_json()
    suspension = client.get(path_of(entry(target, "suspension")["statusListCredential"])).get_json(force=True)
    assert not any(bits_of(suspension))


def test_etag_304_until_a_revocation(app, client):
    credential = issue(app, 1)[0]
    url = path_of(entry(credential, "revocation")["statusListCredential"])
    first = client.get(url)
    old_etag = first.headers["ETag"]

    unchanged = client.get(url, headers={"If-None-Match": old_etag})
    assert unchanged.status_code == 304 and unchanged.data == b""
    assert unchanged.headers["ETag"] == old_etag and "max-age=60" in unchanged.headers["Cache-Control"]
    assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200

    change(app, credential, "revoke")

    after = client.get(url, headers={"If-None-Match": old_etag})
    assert after.status_code == 200 and after.headers["ETag"] != old_etag
    index = int(entry(credential, "revocation")["statusListIndex"])
    assert get_bit(bits_of(after.get_json(force=True)), index)
    assert client.get(url, headers={"If-None-Match": after.headers["ETag"]}).status_code == 304


def test_if_modified_since_alone_never_hides_a_change(app, client):
    """Last-Modified has one-second resolution; only the entity tag decides a 304."""
    credential = issue(app, 1)[0]
    url = path_of(entry(credential, "revocation")["statusListCredential"])
    first = client.get(url)
    change(app, credential, "revoke")
    later = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert later.status_code == 200
    assert get_bit(bits_of(later.get_json(force=True)), int(entry(credential, "revocation")["statusListIndex"]))


def test_suspension_and_unsuspension(app, client):
    credential = issue(app, 1)[0]
    status = entry(credential, "suspension")
    url, index = path_of(status["statusListCredential"]), int(status["statusListIndex"])
    change(app, credential, "suspend")
    assert get_bit(bits_of(client.get(url).get_json(force=True)), index)
    change(app, credential, "unsuspend")
    assert not get_bit(bits_of(client.get(url).get_json(force=True)), index)
    with app.extensions["skillpass_db"].session() as session:
        revision = session.get(StatusList, session.get(Credential, credential.id).suspension_list_id).revision
    assert revision == 2


def test_repeated_fetches_do_not_re_sign(app, client, monkeypatch):
    credential = issue(app, 1)[0]
    url = path_of(entry(credential, "revocation")["statusListCredential"])
    signed = []
    real = status_publisher.add_proof
    monkeypatch.setattr(status_publisher, "add_proof", lambda *a, **k: signed.append(1) or real(*a, **k))
    bodies = {client.get(url).data for _ in range(5)}
    assert len(bodies) == 1 and len(signed) == 1
    change(app, credential, "revoke")
    client.get(url)
    client.get(url)
    assert len(signed) == 2


def test_re_signed_when_half_its_validity_has_passed(app, world):
    extensions = app.extensions
    moment = [datetime(2027, 1, 1, tzinfo=timezone.utc)]
    publisher = StatusPublisher(extensions["skillpass_db"], extensions["skillpass_keyring"],
                                extensions["skillpass_loader"], extensions["skillpass_profile"],
                                app.config["PUBLIC_URL"], clock=lambda: moment[0])
    first = publisher.current(DEMO_SLUG, "revocation", 1)
    moment[0] += timedelta(hours=11)
    assert publisher.current(DEMO_SLUG, "revocation", 1) is first
    moment[0] += timedelta(hours=2)
    renewed = publisher.current(DEMO_SLUG, "revocation", 1)
    assert renewed is not first and renewed.revision == first.revision and renewed.etag != first.etag
    assert renewed.document["validUntil"] == "2027-01-02T13:00:00Z"
    assert verify(app, renewed.document, now=moment[0]).verified


def test_key_rotation_re_signs_with_the_new_key(app, client):
    credential = issue(app, 1)[0]
    url = path_of(entry(credential, "revocation")["statusListCredential"])
    before = client.get(url).get_json(force=True)
    extensions = app.extensions
    with extensions["skillpass_db"].session() as session:
        institution = session.scalars(select(Institution).where(Institution.slug == DEMO_SLUG)).one()
        new_key = extensions["skillpass_keyring"].rotate(session, institution)
        session.commit()
    after = client.get(url).get_json(force=True)
    assert new_key.public_key_multibase in after["proof"]["verificationMethod"]
    assert after["proof"]["verificationMethod"] != before["proof"]["verificationMethod"]
    assert verify(app, after).verified


def test_unknown_lists_are_404(client):
    for path in ["/status/no-such-college/revocation/1", f"/status/{DEMO_SLUG}/refresh/1",
                 f"/status/{DEMO_SLUG}/revocation/99", f"/status/{DEMO_SLUG}/revocation/0",
                 f"/status/{DEMO_SLUG}/revocation/one",
                 "/status/other-college/revocation/1"]:  # an institution that has issued nothing has no lists yet
        assert client.get(path).status_code == 404, path


def test_no_shared_caching_of_a_signed_in_response(app, client, signed_in):
    browser = signed_in("registrar")
    url = path_of(entry(issue(app, 1)[0], "revocation")["statusListCredential"])
    response = browser.client.get(url)
    assert response.status_code == 200
    assert response.cache_control.private and not response.cache_control.public


def test_a_list_that_fails_its_self_check_is_not_served(app, client, monkeypatch):
    url = path_of(entry(issue(app, 1)[0], "revocation")["statusListCredential"])
    real = status_publisher.add_proof

    def tampered(*args, **kwargs):
        signed = real(*args, **kwargs)
        signed["credentialSubject"] = {**signed["credentialSubject"], "statusPurpose": "suspension"}
        return signed

    monkeypatch.setattr(status_publisher, "add_proof", tampered)
    with pytest.raises(PublicationError):
        app.extensions["skillpass_status_publisher"].current(DEMO_SLUG, "revocation", 1)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert client.get(url).status_code == 500


def make_app(url: str, folder):
    app = create_app({
        "TESTING": True, "DATABASE_URL": url, "KEYSTORE_DIR": str(folder / "keys"),
        "KEY_PASSPHRASE": "test keystore passphrase", "SECRET_KEY": "test secret key", "PUBLIC_URL": "http://localhost",
    })
    app.extensions["skillpass_db"].upgrade()
    extensions = app.extensions
    with extensions["skillpass_db"].session() as session:
        seed_demo(session, extensions["skillpass_keyring"], extensions["skillpass_loader"],
                  extensions["skillpass_profile"], app.config["PUBLIC_URL"])
    _register(app)
    return app


@pytest.fixture
def engine_app(database_url, tmp_path):
    app = make_app(database_url, tmp_path)
    yield app
    app.extensions["skillpass_db"].dispose()


def test_served_list_is_one_snapshot(engine_app, monkeypatch):
    """A revocation committed between reading the revision and reading the bits must not mix
    into that list: it is served at the revision it was read with, and the change at the next."""
    app = engine_app
    target = issue(app, 2)[0]
    index = int(entry(target, "revocation")["statusListIndex"])
    real = status_publisher.bitstring_of
    worker = threading.Thread(target=change, args=(app, target, "revoke"))

    def revoke_meanwhile(session, status_list):
        if worker.ident is None:
            worker.start()
            if session.get_bind().dialect.name == "postgresql":
                worker.join(timeout=30)  # the revocation commits now, between the two reads
                assert not worker.is_alive()
            else:
                worker.join(timeout=0.3)  # it waits for this transaction (BEGIN IMMEDIATE) to end
        return real(session, status_list)

    monkeypatch.setattr(status_publisher, "bitstring_of", revoke_meanwhile)
    publisher = app.extensions["skillpass_status_publisher"]
    first = publisher.current(DEMO_SLUG, "revocation", 1)
    worker.join(timeout=30)
    assert not worker.is_alive()
    assert first.revision == 0 and not get_bit(bits_of(first.document), index)
    second = publisher.current(DEMO_SLUG, "revocation", 1)
    assert second.revision == 1 and get_bit(bits_of(second.document), index)
    assert second.etag != first.etag
