"""How the frozen data of format version 1 was made: ``v1/structure.dict`` and ``v1/texts.primer.br``.

The structure dictionary:

It is the compact structures of the skeleton credentials in
``v1/skeletons.json`` (our profile's shapes, with no one's data), one after
the other, the most typical last (DEFLATE finds near matches cheaper). The
bytes are frozen: a test checks that this still rebuilds them exactly, and a
change would be a new format version, because codes already printed need
these very bytes to be read.

``python -m qr.dictionary_v1 > qr/v1/structure.dict`` rebuilds it.

The texts' primer: the words of the profile's JSON Schema, the bundled
recognition profiles and the qualifications frameworks (``schemas/``) when
version 1 was frozen — every string with a space that is not an address, once
each, NUL-separated — as the start of a Brotli stream (quality 11, text mode),
flushed but not finished.
``python -m qr.dictionary_v1 primer > qr/v1/texts.primer.br`` made it; the
frameworks may change since, the primer does not.
"""

from __future__ import annotations

import json
import sys
from importlib import resources

import brotli
import yaml

from . import cbor
from .structure import Packer


def build() -> bytes:
    skeletons = json.loads(resources.files(__package__).joinpath("v1/skeletons.json").read_text("utf-8"))
    return b"".join(cbor.dumps(Packer().structure(skeleton)) for skeleton in skeletons["skeletons"])


def build_primer() -> bytes:
    words: dict[str, None] = {}
    schemas = resources.files("schemas")
    _words(json.loads(schemas.joinpath("learning-outcome-credential.schema.json").read_text("utf-8")), words)
    for folder in ("recognition", "frameworks"):  # the most typical words last, nearest to the credential's
        for path in sorted(schemas.joinpath(folder).iterdir(), key=lambda p: p.name):
            if path.name.endswith(".yaml"):
                _words(yaml.safe_load(path.read_text("utf-8")), words)
    compressor = brotli.Compressor(quality=11, mode=brotli.MODE_TEXT)
    return compressor.process("\x00".join(words).encode("utf-8")) + compressor.flush()


def _words(value: object, found: dict[str, None]) -> None:
    if isinstance(value, dict):
        for item in value.values():
            _words(item, found)
    elif isinstance(value, list):
        for item in value:
            _words(item, found)
    elif isinstance(value, str) and " " in value and not value.startswith(("http://", "https://")):
        found.setdefault(value)


if __name__ == "__main__":
    sys.stdout.buffer.write(build_primer() if sys.argv[1:] == ["primer"] else build())
