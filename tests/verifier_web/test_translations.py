"""Every string of the page is translated, and the shipped .mo files are compiled from the .po files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from verifier.i18n import BABEL_LOCALES

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "verifier" / "translations"
LOCALES = [locale for locale in BABEL_LOCALES.values() if locale != "en"]


def extracted() -> set[str]:
    with open(ROOT / "babel.cfg", encoding="utf-8") as file:
        method_map, options_map = parse_mapping_cfg(file)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None}
    return {message if isinstance(message, str) else message[0]
            for _, _, message, _, _ in extract_from_dir(str(ROOT), method_map, options_map, keywords=keywords)}


@pytest.mark.parametrize("locale", LOCALES)
def test_every_string_is_translated(locale):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as file:
        catalog = read_po(file)
    translated = {message.id for message in catalog if message.id and message.string and not message.fuzzy}
    assert extracted() - translated == set()


@pytest.mark.parametrize("locale", LOCALES)
def test_the_shipped_mo_is_compiled_from_the_po(locale):
    folder = TRANSLATIONS / locale / "LC_MESSAGES"
    with open(folder / "messages.po", "rb") as file:
        catalog = read_po(file)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    assert (folder / "messages.mo").read_bytes() == compiled.getvalue(), "run: pybabel compile -d verifier/translations"
