"""How ``v1/structure.dict``, the preset DEFLATE dictionary of format version 1, was made.

It is the compact structures of the skeleton credentials in
``v1/skeletons.json`` (our profile's shapes, with no one's data), one after
the other, the most typical last (DEFLATE finds near matches cheaper). The
bytes are frozen: a test checks that this still rebuilds them exactly, and a
change would be a new format version, because codes already printed need
these very bytes to be read.

``python -m qr.dictionary_v1 > qr/v1/structure.dict`` rebuilds it.
"""

from __future__ import annotations

import json
import sys
from importlib import resources

from . import cbor
from .compact import _Packer


def build() -> bytes:
    skeletons = json.loads(resources.files(__package__).joinpath("v1/skeletons.json").read_text("utf-8"))
    return b"".join(cbor.dumps(_Packer().structure(skeleton)) for skeleton in skeletons["skeletons"])


if __name__ == "__main__":
    sys.stdout.buffer.write(build())
