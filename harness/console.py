"""Rich consoles that stay readable when output is piped or logged.

Rich formats for 80 columns when stdout is not a terminal, which cuts table headers to `execut…`. A pipe or a
log file has no width, so tables get the width they need there (COLUMNS still wins when set).
"""
from __future__ import annotations

import os

from rich.console import Console

PIPED_WIDTH = 500  # tables take only the width they need; this only stops rich from squeezing them


def make_console(*, stderr: bool = False, **options) -> Console:
    console = Console(stderr=stderr, **options)
    if not console.is_terminal and "COLUMNS" not in os.environ and "width" not in options:
        console = Console(stderr=stderr, width=PIPED_WIDTH, **options)
    return console
