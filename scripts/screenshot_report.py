"""Open an HTML report in headless Chromium and save a PNG screenshot (checks the page renders offline).

    python scripts/screenshot_report.py reports/leaderboard.html --out /tmp/leaderboard.png [--size 1400x2400]

Needs Debian's `chromium` (apt-get install -y chromium); pass --chromium for another binary.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "chrome")


def screenshot(html: Path, png: Path, *, size: str = "1400x2400", chromium: str | None = None,
               timeout_s: float = 60.0) -> Path:
    """Render `html` in headless Chromium at `size` (WxH) and write `png`; raises with Chromium's stderr on failure."""
    binary = chromium or next((b for b in CANDIDATES if shutil.which(b)), None)
    if binary is None or not shutil.which(binary):
        tried = chromium or ", ".join(CANDIDATES)
        raise FileNotFoundError(f"no Chromium found (tried {tried}); apt-get install -y chromium, or pass --chromium PATH")
    width, height = size.lower().split("x")
    png.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        cmd = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run", "--hide-scrollbars", f"--user-data-dir={profile}",
               f"--screenshot={png.resolve()}", f"--window-size={int(width)},{int(height)}",
               html.resolve().as_uri()]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s)
    if proc.returncode != 0 or not png.is_file():
        raise RuntimeError(f"chromium exited {proc.returncode} without {png}:\n{proc.stderr[-2000:]}")
    return png


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", type=Path)
    parser.add_argument("--out", type=Path, help="PNG path (default: next to the HTML file)")
    parser.add_argument("--size", default="1400x2400", help="window WIDTHxHEIGHT in pixels")
    parser.add_argument("--chromium", help="browser binary (default: first of chromium, chromium-browser, google-chrome)")
    args = parser.parse_args(argv)
    if not args.html.is_file():
        parser.error(f"{args.html}: no such file")
    try:
        png = screenshot(args.html, args.out or args.html.with_suffix(".png"), size=args.size, chromium=args.chromium)
    except (FileNotFoundError, RuntimeError, subprocess.TimeoutExpired) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
