"""The verifier app as a deployable unit: what it imports, what it builds once, what it refuses to keep."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from verifier.service import RegistryUnavailable, VerificationService
from verifier.web import create_app

from .conftest import make_app
from .documents import ALLIANCE, registry

VERIFIER = Path(__file__).resolve().parents[2] / "verifier"
OURS = {"dataintegrity", "schemas", "issuer", "keys", "tests", "benchmarks", "verifier"}


def test_importing_the_verifier_does_not_import_flask():
    code = "import sys, verifier; assert 'flask' not in sys.modules, sorted(m for m in sys.modules if 'flask' in m)"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=VERIFIER.parent)


def test_the_web_app_imports_only_dataintegrity_and_schemas_of_ours():
    code = ("import sys, verifier.web; mods = {m.split('.')[0] for m in sys.modules}; "
            f"assert not mods & set({sorted(OURS - {'dataintegrity', 'schemas', 'verifier'})!r}), mods")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=VERIFIER.parent)
    for name in ("web.py", "page.py", "api.py", "i18n.py"):
        path = VERIFIER / name
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):  # imports inside functions too
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            for name in names:
                top = name.split(".")[0]
                assert top not in OURS - {"dataintegrity", "schemas"}, f"{path.name} imports {name}"


def test_services_are_built_once_into_the_extensions(app):
    service = app.extensions["skillpass_verifier"]
    assert isinstance(service, VerificationService)
    assert service.registry.info.issuer == ALLIANCE
    assert len(service.receiving_frameworks()) == 10
    assert sorted(service.profiles) == ["chonburi-automotive-college", "kowloon-creative-tech", "poli-automotif-selangor"]


def test_the_bundled_registry_is_used_by_default(tmp_path):
    app = create_app({"SECRET_KEY": "x"})
    registry = app.extensions["skillpass_verifier"].registry
    assert not isinstance(registry, RegistryUnavailable), registry
    assert registry.info.id == "https://registry.shenzhen-alliance.example/members.json"


def test_a_registry_from_an_untrusted_alliance_is_unavailable(registry_file):
    service = make_app(registry_file, VERIFIER_TRUSTED_ISSUERS="did:key:z6MkqvGSFVUEkVsK7wPArSEV7kw8fh7JCQ64yRbJwhXrjXmx") \
        .extensions["skillpass_verifier"]
    assert isinstance(service.registry, RegistryUnavailable)
    assert "not an alliance DID this verifier trusts" in service.registry.detail


def test_a_missing_registry_file_is_unavailable(tmp_path):
    service = make_app(tmp_path / "missing.json").extensions["skillpass_verifier"]
    assert isinstance(service.registry, RegistryUnavailable) and "cannot be read" in service.registry.detail


def test_the_secret_key_is_made_once_in_the_instance_folder(tmp_path):
    from verifier.web import _instance_secret

    folder = tmp_path / "instance"
    secret = _instance_secret(folder, "verifier_secret_key")
    assert len(secret) >= 40 and _instance_secret(folder, "verifier_secret_key") == secret
    assert (folder / "verifier_secret_key").stat().st_mode & 0o777 == 0o600


def test_the_environment_configures_the_app(monkeypatch, tmp_path):
    registry_file = tmp_path / "registry.json"  # valid now: this app reads the real clock
    registry_file.write_text(json.dumps(registry(valid_from=datetime.now(timezone.utc) - timedelta(days=1))))
    monkeypatch.setenv("SKILLPASS_VERIFIER_SECRET_KEY", "from the environment")
    monkeypatch.setenv("SKILLPASS_VERIFIER_REGISTRY", str(registry_file))
    monkeypatch.setenv("SKILLPASS_VERIFIER_TRUSTED_ISSUERS", f"did:key:z6Mkother, {ALLIANCE}")
    monkeypatch.setenv("SKILLPASS_PUBLIC_URL", "https://verify.example")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from the environment" and app.config["SESSION_COOKIE_SECURE"] is True
    assert app.extensions["skillpass_verifier"].registry.info.issuer == ALLIANCE


def test_the_dev_dispatcher_sends_the_page_and_the_api_to_the_verifier():
    from issuer.devserver import ISSUER_PATHS, ISSUER_PREFIXES

    for path in ("/", "/verify", "/credentials/verify", "/presentations/verify", "/static/verifier.css"):
        assert not path.startswith(ISSUER_PREFIXES) and path not in ISSUER_PATHS
