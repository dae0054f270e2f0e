"""Reading runs back: leaderboards (Markdown, HTML, terminal) and paired comparisons of two runs."""
from harness.report.compare import Comparison, IncomparableRuns, compare_runs
from harness.report.leaderboard import BenchmarkBoard, load_boards, print_boards, to_html, to_markdown, write_report

__all__ = ["BenchmarkBoard", "Comparison", "IncomparableRuns", "compare_runs", "load_boards",
           "print_boards", "to_html", "to_markdown", "write_report"]
