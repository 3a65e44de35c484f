"""Screenshot of the HTML digest, rendered by headless Chromium, into ``docs/digest.png``.

Builds the digest of 26 November 2026 from the bundled sample content (a temporary store, the
samples dated as on 27 November), writes the page to a temporary file and asks Debian's
``chromium`` (``apt-get install chromium``) for a 1200x1600 screenshot, with networking, sync,
updates and first-run work off. ``--dark`` renders the dark scheme instead. Never touches the
network (the page has no external asset anyway).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from digest import build  # noqa: E402
from digest.config import Config  # noqa: E402
from digest.refresh import load_samples  # noqa: E402
from digest.store import Store  # noqa: E402

OUTPUT = ROOT / "docs" / "digest.png"


def render_page(folder: Path) -> Path:
    with Store(folder / "digest.sqlite3") as store:
        load_samples(store, now=datetime(2026, 11, 27, 15, tzinfo=UTC))
        period = build.day_period(date(2026, 11, 26), UTC)
        page = build.build_and_store(store, Config(), period, "html")
    path = folder / "digest.html"
    path.write_text(page, encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--dark", action="store_true", help="the dark colour scheme")
    args = parser.parse_args(argv)
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        print("chromium is not installed: apt-get install -y chromium", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        page = render_page(folder)
        command = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            f"--user-data-dir={folder / 'profile'}",
            f"--screenshot={args.output}",
            "--window-size=1200,1600",
        ]
        if args.dark:
            command.append("--force-dark-mode")
            command.append("--blink-settings=preferredColorScheme=0")
        command.append(page.as_uri())
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    if result.returncode != 0 or not args.output.exists():
        print(
            f"chromium failed ({result.returncode}): {result.stderr.strip()[-500:]}",
            file=sys.stderr,
        )
        return 1
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
