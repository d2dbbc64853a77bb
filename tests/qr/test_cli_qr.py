"""``skillpass qr encode/decode`` and ``skillpass verify`` reading QR codes, run as a user runs them.

Sizes and QR versions are not asserted: the payload's compression is still being
tuned. ``--max-version 40`` lets the reference credential fit inline whatever it
comes to; ``--max-version 1`` makes it too large for any setting.
"""

from __future__ import annotations

import json
import random
import shutil
import string
import subprocess

import pytest
from click.testing import CliRunner

from qr import payload, reader
from verifier import cli as verifier_cli
from verifier.fetch_errors import FetchError
from verifier.http import Fetched

from ..conftest import FIXTURES, read_json
from ..test_cli import run, write

REFERENCE = FIXTURES / "valid-eddsa-rdfc-2022.json"
TAMPERED = FIXTURES / "neg-eddsa-subject-changed.json"
LINK_URL = "https://issuer.example.edu/credentials/42.json"
NOW = "2026-01-01T00:00:00Z"


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("qr-cli")


@pytest.fixture(scope="module")
def reference_png(work):
    path = work / "reference.png"
    code, _, err = run("qr", "encode", REFERENCE, "-o", path, "--max-version", 40)
    assert code == 0, err
    return path


@pytest.fixture(scope="module")
def reference_text():
    code, out, err = run("qr", "encode", REFERENCE, "-o", "-", "--max-version", 40)
    assert code == 0, err
    return out.strip()


def one_line_error(err: str) -> str:
    """The message of a failed command, checked to be one line (click's "Error: …")."""
    assert err.startswith("Error: ") and err.strip().count("\n") == 0, err
    return err


class TestEncode:
    def test_png_inline(self, work):
        path = work / "encoded.png"
        code, out, err = run("qr", "encode", REFERENCE, "-o", path, "--max-version", 40, "--module-pixels", 4)
        assert code == 0 and out == ""
        assert err.startswith("inline: the whole credential, QR version ") and " at level M (" in err
        assert f"wrote {path}" in err
        assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
        assert [p.name for p in work.iterdir() if p.name.startswith(".")] == []  # no temporary file left

    def test_payload_text_to_standard_output(self, reference_text):
        assert reference_text.startswith("SP1C:")
        assert payload.decode(reference_text).credential == read_json(REFERENCE)

    def test_svg(self, work, reference_text):
        path = work / "code.svg"
        code, _, err = run("qr", "encode", REFERENCE, "-o", path, "--max-version", 40)
        assert code == 0 and "inline:" in err
        svg = path.read_text("utf-8")
        assert "<svg" in svg and "<path" in svg
        rendered = render_svg(path, work / "code-svg.png")
        if rendered is not None:  # without chromium the drawing is checked only as SVG
            assert reader.read_code(rendered) == reference_text

    def test_level_q(self, work):
        path = work / "q.png"
        code, _, err = run("qr", "encode", REFERENCE, "-o", path, "--level", "Q", "--max-version", 40)
        assert code == 0 and " at level Q (" in err
        code, out, _ = run("verify", "--now", NOW, path)
        assert code == 0 and out.startswith("VERIFIED")

    def test_too_large_without_a_link_url(self, work):
        path = work / "large.png"
        code, out, err = run("qr", "encode", REFERENCE, "-o", path, "--max-version", 1)
        assert code == 1 and out == ""
        message = one_line_error(err)
        assert "does not fit in a QR code" in message and "characters inline" in message and "--link-url" in message
        assert not path.exists()

    def test_link_code_when_too_large(self, work):
        path = work / "link.png"
        code, _, err = run("qr", "encode", REFERENCE, "-o", path, "--max-version", 1, "--link-url", LINK_URL)
        assert code == 0 and err.startswith(f"link: to {LINK_URL} ") and "QR version " in err
        code, out, _ = run("qr", "decode", path)
        assert code == 0
        assert json.loads(out) == {"mode": "link", "url": LINK_URL,
                                   "digest": "sha-256:" + payload.credential_digest(read_json(REFERENCE)).hex()}
        code, _, err = run("verify", "--no-network", path)
        assert code == 2 and LINK_URL in one_line_error(err) and "needs the network" in err

    def test_link_code_for_a_credential_beyond_any_qr_version(self, tmp_path):
        credential = read_json(REFERENCE)  # encode needs a proof, not a valid one
        rng = random.Random(1)
        credential["credentialSubject"]["achievement"]["description"] = "".join(
            rng.choice(string.ascii_letters + string.digits) for _ in range(6000))  # incompressible
        code, _, err = run("qr", "encode", write(tmp_path, "big.json", credential), "-o", tmp_path / "big.png",
                           "--link-url", LINK_URL)
        assert code == 0 and err.startswith(f"link: to {LINK_URL} "), err

    @pytest.mark.parametrize("args, message", [
        (["-o", "code.jpg"], "must end in .png or .svg"),
        (["-o", "code.svg", "--module-pixels", "4"], "an SVG has no pixels"),
        (["-o", "code.png", "--link-url", "http://issuer.example.edu/c.json"], "must be an https:// URL"),
        (["-o", "code.png", "--level", "X"], "'X' is not one of"),
    ])
    def test_bad_options(self, tmp_path, args, message):
        code, _, err = run("qr", "encode", REFERENCE, *args, cwd=tmp_path)
        assert code == 2 and message in err
        assert list(tmp_path.iterdir()) == []

    def test_refuses_an_unsigned_credential(self, tmp_path):
        code, _, err = run("qr", "encode", FIXTURES / "unsigned-learning-outcome.json", "-o", tmp_path / "u.png")
        assert code == 2 and "has no proof: sign it first" in one_line_error(err)
        assert not (tmp_path / "u.png").exists()

    def test_refuses_what_the_payload_cannot_carry(self, tmp_path):
        credential = read_json(REFERENCE)
        credential["credentialSubject"]["achievement"]["creditsAvailable"] = 2**70
        code, _, err = run("qr", "encode", write(tmp_path, "big-int.json", credential), "-o", tmp_path / "c.png")
        assert code == 2 and "cannot be put in a QR code" in one_line_error(err)

    def test_unwritable_output(self, tmp_path):
        code, _, err = run("qr", "encode", REFERENCE, "-o", tmp_path / "missing" / "c.png", "--max-version", 40)
        assert code == 2 and "cannot write" in err


class TestDecode:
    def test_png_gives_the_identical_credential(self, reference_png):
        code, out, _ = run("qr", "decode", reference_png)
        assert code == 0 and json.loads(out) == read_json(REFERENCE)

    def test_text_argument_file_and_standard_input(self, tmp_path, reference_text):
        for args, stdin in [([reference_text], None), ([write(tmp_path, "code.txt", reference_text + "\n")], None),
                            (["-"], reference_text.encode())]:
            code, out, _ = run("qr", "decode", *args, stdin=stdin)
            assert code == 0 and json.loads(out) == read_json(REFERENCE)

    def test_image_from_standard_input(self, reference_png):
        code, out, _ = run("qr", "decode", "-", stdin=reference_png.read_bytes())
        assert code == 0 and json.loads(out) == read_json(REFERENCE)


class TestVerify:
    def test_png(self, reference_png):
        code, out, _ = run("verify", "--now", NOW, reference_png)
        lines = out.splitlines()
        assert code == 0 and lines[0].startswith("VERIFIED")
        assert lines[1] == "  read from a QR code: the whole credential, inline"

    def test_json_report_says_qr(self, reference_png):
        code, out, _ = run("verify", "--json", "--now", NOW, reference_png)
        result = json.loads(out)
        assert code == 0 and result["verified"] is True and result["qr"] == {"mode": "inline"}

    def test_json_file_has_no_qr_member(self):
        code, out, _ = run("verify", "--json", "--now", NOW, REFERENCE)
        assert code == 0 and "qr" not in json.loads(out)

    def test_text_argument_and_standard_input(self, reference_text):
        code, out, _ = run("verify", "--now", NOW, reference_text)
        assert code == 0 and out.startswith("VERIFIED") and reference_text not in out
        assert "read from a QR code" in out
        code, out, _ = run("verify", "--now", NOW, "-", stdin=reference_text.encode())
        assert code == 0 and "read from a QR code" in out

    def test_tampered_credential(self, tmp_path):
        path = tmp_path / "tampered.png"
        assert run("qr", "encode", TAMPERED, "-o", path, "--max-version", 40)[0] == 0
        code, out, _ = run("verify", "--now", NOW, path)
        assert code == 1 and out.startswith("NOT VERIFIED: ") and "Invalid signature" in out
        assert "read from a QR code" in out


def _text(tmp_path, text):
    return write(tmp_path, "code.txt", text)


def _binary(tmp_path):
    path = tmp_path / "notes.bin"
    path.write_bytes(bytes(range(256)) * 4)
    return path


def _truncated_png(tmp_path):
    path = tmp_path / "cut.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    return path


def _blank_png(tmp_path):
    from PIL import Image
    path = tmp_path / "blank.png"
    Image.new("L", (200, 200), 255).save(path)
    return path


# (make the argument, what qr decode says, what verify says): each exits 2 with one line on stderr.
UNUSABLE = {
    "another kind of code": (lambda tmp: _text(tmp, "https://example.com/menu\n"),
                             "does not hold a Skills Passport credential", "not valid JSON"),
    "malformed header": (lambda tmp: "SP1:ABC", "is not SP<version><mode>:", "is not SP<version><mode>:"),
    "unknown version": (lambda tmp: "SP9C:ABC", "format version '9'", "format version '9'"),
    "corrupt text": (lambda tmp: "SP1C:" + "A" * 300, "damaged", "damaged"),
    "cut short": (lambda tmp: "SP1C:ABCD", "damaged or cut short", "damaged or cut short"),
    "not an image": (_binary, "neither a picture of a QR code", "not UTF-8 text"),
    "broken image": (_truncated_png, "not an image that can be read", "not an image that can be read"),
    "no code in the image": (_blank_png, "no QR code could be read", "no QR code could be read"),
    "missing file": (lambda tmp: tmp / "nowhere.png", "cannot read", "cannot read"),
}


@pytest.mark.parametrize("case", list(UNUSABLE))
@pytest.mark.parametrize("command", ["decode", "verify"])
def test_unusable_input(tmp_path, case, command):
    make, decode_message, verify_message = UNUSABLE[case]
    argument = make(tmp_path)
    code, out, err = run(*(["qr", "decode"] if command == "decode" else ["verify"]), argument)
    assert code == 2 and out == ""
    assert (decode_message if command == "decode" else verify_message) in one_line_error(err)


def test_svg_is_refused_with_a_hint(tmp_path):
    run("qr", "encode", REFERENCE, "-o", tmp_path / "c.svg", "--max-version", 40)
    code, _, err = run("qr", "decode", tmp_path / "c.svg")
    assert code == 2 and "is an SVG drawing" in one_line_error(err) and "render it to PNG" in err


class ServedCredential:
    """A stand-in for the https client that serves one document at the link's URL."""

    def __init__(self, document: dict):
        self.body = json.dumps(document).encode("utf-8")

    def fetch(self, url, *, max_bytes, now, accept="application/json"):
        if url != LINK_URL:
            raise FetchError(f"{url} is not served in this test", url=url)
        return Fetched(self.body, url, now, 0.0, False)


@pytest.mark.parametrize("served, exit_code, message", [
    (REFERENCE, 0, f"read from a QR code: a link to {LINK_URL} (the credential there matches"),
    (TAMPERED, 2, "is not the credential this QR code was made for"),
])
def test_verify_follows_a_link_code(monkeypatch, served, exit_code, message):
    """In process, with the https client replaced: the link is followed and its digest checked."""
    monkeypatch.setattr(verifier_cli, "HttpFetcher", lambda: ServedCredential(read_json(served)))
    text = payload.encode_link(LINK_URL, read_json(REFERENCE))
    result = CliRunner().invoke(verifier_cli.verify_command, ["--now", NOW, text])
    assert result.exit_code == exit_code, result.output
    assert message in result.output


def render_svg(svg_path, png_path) -> bytes | None:
    """The SVG drawn by headless Chromium, or None where Chromium is not installed."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if chromium is None:
        return None
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={png_path.parent / 'chromium'}",
                    f"--screenshot={png_path}", "--window-size=1400,1400", svg_path.as_uri()],
                   capture_output=True, timeout=60, check=True)
    return png_path.read_bytes()
