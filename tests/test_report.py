import re
from pathlib import Path

from fake_runs import make_run
from harness.report.leaderboard import load_boards, to_html, to_markdown, write_report

BASE = [True] * 10 + [False] * 10
LORA = [False] + [True] * 9 + [True] * 9 + [False]


def boards(tmp_path):
    make_run(tmp_path / "runs" / "base", BASE)
    make_run(tmp_path / "runs" / "lora", LORA, variant="lora")
    make_run(tmp_path / "runs" / "other-model", BASE, model="other")
    return load_boards([tmp_path / "runs"])


def test_markdown_is_a_clean_table_with_cis_and_deltas(tmp_path):
    md = to_markdown(boards(tmp_path))
    lines = md.splitlines()
    header = lines.index("| model | adapter | accuracy | overlap | n | date | git |")
    assert lines[header + 1] == "|---|---|---:|---:|---:|---|---|"
    rows = lines[header + 2: header + 5]
    assert all(row.count("|") == 8 for row in rows)
    assert "| tiny | lora | 0.900 [" in md and "| 20 | 2026-01-02 | 01234567 |" in md
    # the adapter is compared with its own model's base run only
    assert "| tiny | lora | accuracy | +0.400 | [+" in md and "| 0.0215 |" in md
    assert "| other | base | accuracy" not in md


def test_markdown_renders_as_tables(tmp_path):
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark").enable("table").render(to_markdown(boards(tmp_path)))
    assert rendered.count("<table>") == 2 and rendered.count("<tr>") == 1 + 3 + 1 + 2
    assert '<td style="text-align:right">0.900 [' in rendered


def test_html_is_self_contained_with_plots_sorting_and_drilldown(tmp_path):
    page = to_html(boards(tmp_path))
    assert not re.search(r"(src|href)=['\"]?(https?:)?//", page)  # no network
    assert page.count("<svg") == 3  # metrics per run, accuracy per tier, deltas vs base
    assert "accuracy per tier" in page and "Adapter minus base (paired 95% CI)" in page
    assert "addEventListener('click'" in page and "<table class='sortable'>" in page
    drill = page[page.index("<details class='drill'>"):]
    assert drill.count("<tr data-state=") == 20
    assert drill.count("data-state='differ'") == 10  # examples where the three runs disagree
    assert "question 0?" in drill and "answer 0 by lora" in drill


def test_write_report_writes_both_files(tmp_path):
    md, page = write_report(boards(tmp_path), tmp_path / "out")
    assert md.read_text().startswith("# Leaderboard") and page.read_text().startswith("<!doctype html>")


def test_cli_report(tmp_path, capsys):
    import argparse

    from harness.cli import report

    make_run(tmp_path / "runs" / "base", BASE)
    parser = argparse.ArgumentParser()
    report.add_parser(parser.add_subparsers())
    args = parser.parse_args(["report", str(tmp_path / "runs"), "--out", str(tmp_path / "out")])
    assert args.func(args) == 0
    assert "0.500 [" in capsys.readouterr().out
    assert (tmp_path / "out" / "leaderboard.html").is_file()


def test_learning_curve_from_checkpoint_steps(tmp_path: Path) -> None:
    from harness.report.leaderboard import learning_curves

    make_run(tmp_path / "base", [False] * 8)
    for step, n_right in ((20, 2), (5, 1), (10, 1)):  # written out of order: the curve sorts by step
        make_run(tmp_path / f"checkpoint-{step}", [True] * n_right + [False] * (8 - n_right),
                 variant=f"checkpoint-{step}",
                 manifest={"adapter": {"name": f"checkpoint-{step}", "step": step, "training_run": "sql"}})
    make_run(tmp_path / "other" / "step-3", [True] * 8, variant="step-3", prompt_hash="q",
             manifest={"model": {"name": "tiny", "step": 3, "training_run": "nb"}, "adapter": None})
    make_run(tmp_path / "other" / "step-6", [True] * 8, variant="step-6", prompt_hash="q",
             manifest={"model": {"name": "tiny", "step": 6, "training_run": "nb"}, "adapter": None})
    [board] = load_boards([tmp_path])
    curves = {c.label: [(step, r.summary.metrics["accuracy"].value) for step, r in c.points]
              for c in learning_curves(board)}
    assert curves == {"nb (tiny)": [(3, 1.0), (6, 1.0)],  # other prompts than the base run: no step 0
                      "sql (tiny)": [(0, 0.0), (5, 0.125), (10, 0.125), (20, 0.25)]}
    markdown = to_markdown([board])
    assert "Learning curve: sql (tiny) (step 0 = base model):" in markdown
    assert "| 20 | 0.250 [" in markdown
    page = to_html([board])
    assert page.count("<polyline") == 2 and "sql (tiny) step 20: 0.250 [" in page
