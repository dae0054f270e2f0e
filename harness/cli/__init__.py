"""`harness` command line: one module per subcommand, each with `add_parser(subparsers)` and `main(args)`.

The modules parse arguments and print; the work is done by `harness.api`.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import sys

from rich.logging import RichHandler

from harness.console import make_console
from rich.markup import escape

COMMANDS = ("run", "score", "train", "merge", "report", "compare", "gate", "parity", "audit", "contamination")

console = make_console(stderr=True, soft_wrap=True)


def show_defaults(parser: argparse.ArgumentParser) -> None:
    """Append `(default: X)` to every option whose default its help text does not already state."""
    for action in parser._actions:
        default = action.default
        if (not action.option_strings or default is None or default is False or default == [] or default == {}
                or default == argparse.SUPPRESS or "default" in (action.help or "")):
            continue
        action.help = f"{action.help or ''} (default: %(default)s)".lstrip()


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every subcommand, or only of `command` (only its module is imported: `harness score`
    does not pay for the generation and training code's imports)."""
    parser = argparse.ArgumentParser(prog="harness", description=__doc__.split(":")[0])
    parser.add_argument("--debug", action="store_true",
                        help="debug logging, and a traceback for every error (also expected ones)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in (command,) if command in COMMANDS else COMMANDS:
        importlib.import_module(f"harness.cli.{name}").add_parser(sub)
    for command in sub.choices.values():
        show_defaults(command)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # The only top-level option (--debug) takes no value, so the first other word names the command.
    args = build_parser(next((a for a in argv if not a.startswith("-")), None)).parse_args(argv)
    from harness.errors import HarnessError

    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING, format="%(message)s",
                        handlers=[RichHandler(console=console, show_path=args.debug)], force=True)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        console.print("[yellow]interrupted[/]: finished generations are cached; rerun the same command to resume")
        return 130
    except HarnessError as err:
        if args.debug:
            raise
        console.print(f"[red]error:[/] {escape(str(err))}")
        return 2


if __name__ == "__main__":
    sys.exit(main())
