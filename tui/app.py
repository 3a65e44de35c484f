"""The Digest app (placeholder until the reader lands): opens on the store in the data dir."""

from __future__ import annotations

from pathlib import Path

from digest.config import Config


def run_app(config: Config, home: Path) -> int:
    """Run the app until the user quits; returns the process exit code."""
    raise NotImplementedError("the app is being written")
