"""Writing a file in one step, for the commands that write public documents (bundles, registries, QR codes)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def replace_file(path: Path, data: bytes) -> None:
    """Replace ``path`` atomically: a crash leaves the old file or the new one, never half.

    The data is written to a temporary file beside ``path``, flushed to disk, then
    renamed over it. What these commands write is public: a new file is
    world-readable (``0644``, where ``mkstemp`` would make it private), a
    replaced one keeps its mode.

    :raises OSError: if the folder cannot be written; nothing is left behind.
    """
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(descriptor, mode)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
