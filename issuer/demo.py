"""The demo institution `make run` starts with: users, a key, a catalogue, a few credentials."""

from __future__ import annotations

import copy
import json
import secrets
from datetime import date
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.profile import ProfileChecker

from .auth import hash_password
from .keyring import KeyRing
from .models import Achievement, Institution, User
from .service import Issuer, LearnerRecord

DEMO_SLUG = "demo-polytechnic"
DEMO_EXAMPLES = ("nev-high-voltage-service-sa-t3.json", "animation-inbetweening-sa-t2.json")
DEMO_LEARNERS = [
    LearnerRecord("S2026-0001", "Somchai Wongsuwan", date(2026, 9, 15), "somchai@example.org", "สมชาย วงศ์สุวรรณ", "th", "B"),
    LearnerRecord("S2026-0002", "Li Mei", date(2026, 9, 15), "li.mei@example.org", "李梅", "zh-Hans", "A"),
    LearnerRecord("S2026-0003", "Nurul Aisyah", date(2026, 9, 15), None, None, None, "C"),
]


def example_achievement(name: str, public_url: str, slug: str) -> dict:
    """The achievement of a bundled profile example, re-homed under this deployment."""
    document = json.loads(resources.files("schemas").joinpath("examples", name).read_text("utf-8"))
    achievement = copy.deepcopy(document["credentialSubject"]["achievement"])
    old_id = achievement["id"]
    new_id = f"{public_url.rstrip('/')}/institutions/{slug}/achievements/{achievement['humanCode'].lower()}"
    achievement["id"] = new_id
    for alignment in achievement["alignment"]:
        alignment["targetUrl"] = alignment["targetUrl"].replace(old_id, new_id)
    return achievement


def seed_demo(session: Session, keyring: KeyRing, loader, profile: ProfileChecker, public_url: str) -> tuple[str, str] | None:
    """Create the demo institution once; returns (e-mail, password) of its registrar, or None if it exists."""
    if session.scalars(select(Institution).where(Institution.slug == DEMO_SLUG)).first() is not None:
        return None
    institution = Institution(slug=DEMO_SLUG, name="Demo Polytechnic (Skills Passport demo)",
                              names={"zh-Hans": "演示职业技术学院"}, country="CN", url="https://demo.example/",
                              did_method="key")
    session.add(institution)
    session.flush()
    password = secrets.token_urlsafe(12)
    for email, name, role in [("registrar@demo.example", "Demo Registrar", "registrar"),
                              ("admin@demo.example", "Demo Administrator", "admin")]:
        session.add(User(institution_id=institution.id, email=email, name=name, role=role,
                         password_hash=hash_password(password)))
    keyring.create(session, institution)
    achievements = []
    for name in DEMO_EXAMPLES:
        definition = example_achievement(name, public_url, DEMO_SLUG)
        tier = next(a["targetCode"] for a in definition["alignment"] if "/shenzhen-agreement/levels/" in a["targetUrl"])
        achievement = Achievement(institution_id=institution.id, code=definition["humanCode"], tier=tier, definition=definition)
        session.add(achievement)
        achievements.append(achievement)
    session.commit()
    issuer = Issuer(session=session, institution=institution, keyring=keyring, loader=loader, profile=profile, public_url=public_url)
    issuer.issue(achievements[0], DEMO_LEARNERS[:1] + DEMO_LEARNERS[2:], actor="demo")
    issuer.issue(achievements[1], DEMO_LEARNERS[1:2], actor="demo")
    return "registrar@demo.example", password
