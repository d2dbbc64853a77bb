"""Keys and identity: the institution's DID, its signing keys, rotation and the DID method.

Only public halves are ever shown (the private keys stay encrypted in the
keystore). Every action is audited.

- did:key: the DID *is* the active public key, so it changes at every rotation;
  credentials signed earlier keep verifying (their did:key still resolves).
- did:web (``did:web:<host>:institutions:<slug>``): a stable DID whose document
  this site publishes with every key, active and retired, so a rotation keeps
  earlier credentials verifying; it needs the site reachable over HTTPS.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice
from wtforms.validators import DataRequired

from .audit import record
from .auth import requires
from .db import get_session
from .identity import did_document_url, did_web, institution_did
from .keyring import active_keys, all_keys
from .models import Institution
from .web import actor, current_institution, keyring, public_url

bp = Blueprint("keys", __name__, url_prefix="/console/keys")

KEY_TYPES = [SelectChoice("ed25519", "Ed25519 — signs with eddsa-rdfc-2022 (recommended)"),
             SelectChoice("p-256", "P-256 (NIST) — signs with ecdsa-rdfc-2019")]
METHODS = [SelectChoice("web", "did:web — a stable DID published by this site"),
           SelectChoice("key", "did:key — the DID is the active public key")]
_CONFIRM = "I understand what this changes for credentials already issued"


class GenerateForm(FlaskForm):
    key_type = RadioField("Key type", choices=KEY_TYPES, default="ed25519")


class RotateForm(FlaskForm):
    key_type = RadioField("Type of the new key", choices=KEY_TYPES, default="ed25519")
    confirm = BooleanField(_CONFIRM, validators=[DataRequired("Tick the box to confirm the rotation.")])


class MethodForm(FlaskForm):
    method = RadioField("DID method", choices=METHODS)
    confirm = BooleanField(_CONFIRM, validators=[DataRequired("Tick the box to confirm the change.")])


@bp.get("/")
@requires("administer")
def index():
    institution = current_institution()
    return render_template("keys/index.html", identity=identity_of(institution), keys=all_keys(get_session(), institution),
                           generate_form=GenerateForm(), rotate_form=RotateForm(),
                           method_form=MethodForm(method=institution.did_method))


@bp.post("/generate")
@requires("administer")
def generate():
    form, db, institution = GenerateForm(), get_session(), current_institution()
    if not form.validate_on_submit():
        return _back(form)
    if all_keys(db, institution):
        flash("This institution already has keys: rotate to make a new one.", "error")
        return _back()
    key = keyring().create(db, institution, form.key_type.data)
    record(db, institution.id, actor(), "key.generate", key.public_key_multibase, {"algorithm": key.algorithm})
    db.commit()
    flash(f"New {key.algorithm} signing key created. The institution signs as {identity_of(institution)['did']}.", "success")
    return _back()


@bp.post("/rotate")
@requires("administer")
def rotate():
    form, db, institution = RotateForm(), get_session(), current_institution()
    if not form.validate_on_submit():
        return _back(form)
    retired = [key.public_key_multibase for key in active_keys(db, institution)]
    if not retired:
        flash("There is no active key to rotate: generate the first key.", "error")
        return _back()
    key = keyring().rotate(db, institution, form.key_type.data)
    record(db, institution.id, actor(), "key.rotate", key.public_key_multibase,
           {"algorithm": key.algorithm, "retired": retired})
    db.commit()
    flash(f"Key rotated: new credentials are signed with the new {key.algorithm} key; the old key is retired.", "success")
    return _back()


@bp.post("/did-method")
@requires("administer")
def did_method():
    form, db, institution = MethodForm(), get_session(), current_institution()
    if not form.validate_on_submit():
        return _back(form)
    if form.method.data != institution.did_method:
        previous, institution.did_method = institution.did_method, form.method.data
        did = identity_of(institution)["did"]
        record(db, institution.id, actor(), "identity.did_method", did or "", {"from": previous, "to": institution.did_method})
        db.commit()
        flash(f"The institution now issues as did:{institution.did_method}" + (f": {did}." if did else "."), "success")
    return _back()


def identity_of(institution: Institution) -> dict:
    """The institution's DID (None for did:key without a key), its method and, for did:web, its document URL."""
    keys = active_keys(get_session(), institution)
    did = institution_did(institution, public_url(), keys[-1]) if keys else None
    if institution.did_method == "web":
        did = did_web(public_url(), institution.slug)
    return {
        "method": institution.did_method,
        "did": did,
        "document_url": did_document_url(public_url(), institution.slug) if institution.did_method == "web" else None,
        "https": public_url().startswith("https://"),
    }


def _back(form: FlaskForm | None = None):
    """Back to the page, with the form's problems (if any) as messages."""
    for errors in (form.errors.values() if form is not None else ()):
        for error in errors:
            flash(str(error), "error")
    return redirect(url_for("keys.index"))
