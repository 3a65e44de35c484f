"""The engine stays headless: importing it must not pull in Textual."""

from __future__ import annotations

import subprocess
import sys


def test_importing_digest_leaves_textual_out() -> None:
    code = (
        "import sys, digest, digest.cli, digest.store, digest.config, digest.fetch, digest.parse\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith(('textual.', 'tui')))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
