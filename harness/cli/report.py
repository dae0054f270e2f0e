"""harness report [RUN_DIRS...] --out DIR: leaderboard as Markdown and self-contained HTML, plus terminal tables."""
from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="leaderboard (Markdown + HTML) from run directories")
    p.add_argument("runs", nargs="*", default=["runs"], help="run directories or folders holding them (default: runs)")
    p.add_argument("--out", default="reports", help="where leaderboard.md and leaderboard.html go (default: reports)")
    p.add_argument("--title", default="harness leaderboard")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from harness.console import make_console

    from harness.report.leaderboard import load_boards, print_boards, write_report

    boards = load_boards(args.runs)
    console = make_console()
    print_boards(boards, console)
    md, page = write_report(boards, args.out, title=args.title)
    console.print(f"wrote {md} and {page}")
    return 0
