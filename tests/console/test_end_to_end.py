"""What a new user does after `make run`: sign in, issue a pilot credential, download it,
and check it with `skillpass verify` and with the reference JavaScript stack.
And, throughout, no private key material in any log line or output."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from issuer.models import Credential, SigningKey

from .test_issue_form import issue, stored
from .test_keys import private_forms

SKILLPASS = Path(sys.executable).parent / "skillpass"
INTEROP_JS = Path(os.environ.get("SKILLPASS_INTEROP_DIR", "/nonexistent")) / "js"


def download(browser, row: Credential) -> bytes:
    response = browser.client.get(f"/console/credentials/{row.id}/credential.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    return response.data


def served_status_lists(browser, credential: dict, folder: Path) -> Path:
    """The status lists the credential names, fetched from the console's own server."""
    folder.mkdir()
    manifest = {}
    for number, entry in enumerate(credential["credentialStatus"]):
        url = entry["statusListCredential"]
        response = browser.client.get(url.replace("http://localhost", ""))
        assert response.status_code == 200, url
        (folder / f"list-{number}.json").write_bytes(response.data)
        manifest[url] = f"list-{number}.json"
    (folder / "status.json").write_text(json.dumps(manifest))
    return folder


def test_issue_download_and_verify_everywhere(app, signed_in, tmp_path):
    browser = signed_in("registrar")
    assert issue(browser, app, student_id="E2E-0001").status_code == 302
    path = tmp_path / "credential.json"
    path.write_bytes(download(browser, stored(app, "E2E-0001")))

    ours = subprocess.run([SKILLPASS, "verify", "--json", path], capture_output=True, text=True, timeout=60)
    assert ours.returncode == 0, ours.stdout + ours.stderr
    assert json.loads(ours.stdout)["verified"] is True

    if not (INTEROP_JS / "node_modules").is_dir() or shutil.which("node") is None:
        pytest.skip("the reference JavaScript stack is not installed (make test installs it)")
    statuses = served_status_lists(browser, json.loads(path.read_text("utf-8")), tmp_path / "status")
    contexts = tmp_path / "contexts"
    contexts.mkdir()
    import schemas

    url = "https://skillspassport.org/contexts/shenzhen-agreement/v1"
    (contexts / "sp.json").write_bytes(schemas.context_bytes(url))
    (contexts / "contexts.json").write_text(json.dumps({url: "sp.json"}))
    theirs = subprocess.run(["node", "verify.mjs", path, "--status", statuses, "--contexts", contexts],
                            cwd=INTEROP_JS, capture_output=True, text=True, timeout=120)
    assert json.loads(theirs.stdout) == {"verified": True, "errors": []}, theirs.stdout + theirs.stderr


def test_no_private_key_material_in_any_log_line(app, world, signed_in, caplog, capfd):
    """Every log record at every level, and everything printed, while keys are made, rotated,
    unlocked and used: none holds any form of a private key."""
    caplog.set_level(logging.DEBUG)
    browser = signed_in("admin")
    issue(browser, app, student_id="LOG-0001")
    browser.post_form("/console/keys/", "/console/keys/rotate", key_type="p-256", confirm="y")
    issue(browser, app, student_id="LOG-0002")
    with app.extensions["skillpass_db"].session() as session:
        keys = session.query(SigningKey).filter_by(institution_id=world.demo.id).all()
    assert len(keys) == 2, "the rotation did not happen"
    secrets = [form for key in keys for form in private_forms(app, key)]
    printed = capfd.readouterr()
    logged = "\n".join(f"{record.getMessage()} {record.args!r} {record.exc_text or ''}" for record in caplog.records)
    for text in (logged, printed.out, printed.err):
        leaked = [secret[:12] + "…" for secret in secrets if secret and secret in text]
        assert not leaked, f"private key material in the output: {leaked}"
    assert caplog.records, "nothing was logged at all: the test would prove nothing"
