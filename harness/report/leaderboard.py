"""Leaderboards from run directories: a Markdown table, a self-contained HTML page, and rich terminal tables.

The HTML page needs no network: CSS, the sorting/filter script and the SVG plots are inline.
"""
from __future__ import annotations

import html
import json
import math
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Sequence

from harness.errors import DataError
from harness.report.compare import (Comparison, compare_runs, example_output, example_question,
                                    format_ci, setting_facts, setup_differences)
from harness.runs.records import Variant, find_runs

PALETTE = ("#4269d0", "#efb118", "#ff725c", "#6cc5b0", "#3ca951", "#ff8ab7", "#a463f2", "#97bbf5")


def palette(n: int) -> list[str]:
    """n distinct colours: the fixed palette, then hues spaced by the golden angle (never a repeat)."""
    return [PALETTE[i] if i < len(PALETTE) else f"hsl({(i - len(PALETTE)) * 137.508 % 360:.1f}, 62%, 48%)"
            for i in range(n)]


@dataclass
class BenchmarkBoard:
    """The runs of one benchmark and, for each adapter run, its comparison with the matching base run."""

    benchmark: str
    runs: list[Variant]
    deltas: list[Comparison]

    @cached_property
    def setups(self) -> dict[int, str]:
        """Per run (by id), the settings that differ between this board's runs ("" when none differ)."""
        facts = [setting_facts(r) for r in self.runs]
        keys = [k for k in dict.fromkeys(k for f in facts for k in f) if len({f.get(k) for f in facts}) > 1]
        return {id(r): ", ".join(f"{k}={f.get(k, '-')}" for k in keys) for r, f in zip(self.runs, facts)}

    def label(self, run: Variant) -> str:
        setup = self.setups.get(id(run), "")
        return f"{model_name(run)} / {adapter_name(run)}" + (f" [{setup}]" if setup else "")

    @property
    def metrics(self) -> list[str]:
        names: dict[str, None] = {}
        for run in self.runs:
            names.update(dict.fromkeys(run.summary.metrics))
        return list(names)


def load_boards(paths: Sequence[str | Path]) -> list[BenchmarkBoard]:
    """Every run at or below `paths`, grouped by benchmark, each adapter run compared with its base run."""
    runs = [Variant.load(p) for p in find_runs(paths)]
    if not runs:
        raise DataError(f"no runs (summary.json) under {', '.join(map(str, paths))}")
    return boards_of(runs)


def boards_of(runs: Sequence[Variant]) -> list[BenchmarkBoard]:
    """Runs grouped by benchmark, each adapter run compared with its base run."""
    by_benchmark: dict[str, list[Variant]] = defaultdict(list)
    for run in runs:
        by_benchmark[run.summary.benchmark].append(run)
    return [BenchmarkBoard(name, group, _base_comparisons(group)) for name, group in sorted(by_benchmark.items())]


def model_name(run: Variant) -> str:
    manifest = run.summary.manifest
    if manifest.get("model"):
        return str(manifest["model"].get("name"))
    predictions = manifest.get("predictions") or {}
    if predictions.get("path"):
        return f"predictions: {Path(predictions['path']).name}"
    return "predictions (in memory)" if predictions else "?"


def adapter_name(run: Variant) -> str:
    adapter = run.summary.manifest.get("adapter")
    if adapter and adapter.get("training_run"):  # checkpoints of several trainings share names
        return f"{adapter['name']} of {adapter['training_run']}"
    return str(adapter["name"]) if adapter else run.summary.variant


def _base_comparisons(runs: Sequence[Variant]) -> list[Comparison]:
    """Adapter run vs the base run of the same model on the same setup (same data, limit, prompts)."""
    bases = [r for r in runs if r.summary.manifest.get("model") and not r.summary.manifest.get("adapter")]
    found = []
    for run in runs:
        if not run.summary.manifest.get("adapter"):
            continue
        for base in bases:
            if model_name(base) == model_name(run) and not setup_differences(base, run):
                found.append(compare_runs(base, run))
                break
    return found


@dataclass
class Curve:
    """One training run's evaluations against its step: a checkpoint sweep (step read from each checkpoint) or
    EvalCallback runs, starting at step 0 with the base model's run when the board has one on the same setup."""

    label: str
    points: list[tuple[int, Variant]]


def training_step(run: Variant) -> tuple[str, int] | None:
    """(training run, step) of a checkpoint or an in-training evaluation, from the manifest's identities."""
    manifest = run.summary.manifest
    for part in (manifest.get("adapter"), manifest.get("model")):
        if part and part.get("step") is not None:
            return str(part.get("training_run") or model_name(run)), int(part["step"])
    return None


def learning_curves(board: BenchmarkBoard) -> list[Curve]:
    groups: dict[tuple[str, str], list[tuple[int, Variant]]] = defaultdict(list)
    for run in board.runs:
        found = training_step(run)
        if found:
            groups[(model_name(run), found[0])].append((found[1], run))
    curves = []
    for (model, name), points in sorted(groups.items()):
        points.sort(key=lambda p: p[0])
        base = next((r for r in board.runs if model_name(r) == model and not r.summary.manifest.get("adapter")
                     and training_step(r) is None and not setup_differences(r, points[0][1])), None)
        if base is not None and points[0][0] > 0:
            points.insert(0, (0, base))
        if len(points) > 1:
            curves.append(Curve(f"{name} ({model})", points))
    return curves


def _cell(run: Variant, metric: str) -> str:
    m = run.summary.metrics.get(metric)
    if m is None:
        return "-"
    if math.isnan(m.ci_low):
        return f"{m.value:.3f}"
    return f"{m.value:.3f} [{m.ci_low:.3f}, {m.ci_high:.3f}]"


def _date(run: Variant) -> str:
    return str(run.summary.manifest.get("created") or "")[:10]


def _git(run: Variant) -> str:
    sha = str(run.summary.manifest.get("git_sha") or "")
    return sha[:8] + ("-dirty" if sha.endswith("-dirty") else "")


# ---------------------------------------------------------------- Markdown


def to_markdown(boards: Sequence[BenchmarkBoard]) -> str:
    """One table per benchmark (every metric with its 95% CI), then deltas vs base with paired CIs."""
    out = ["# Leaderboard", ""]
    for board in boards:
        out += [f"## {board.benchmark}", "", "Values: metric [95% bootstrap CI].", ""]
        setup = ["setup"] if any(board.setups.values()) else []
        header = ["model", "adapter", *setup, *board.metrics, "n", "date", "git"]
        rows = [[model_name(r), adapter_name(r), *([board.setups[id(r)]] if setup else []),
                 *(_cell(r, m) for m in board.metrics), str(r.summary.n), _date(r), _git(r)] for r in board.runs]
        first = 2 + len(setup)
        out += _md_table(header, rows, numeric=range(first, first + 1 + len(board.metrics)))
        notes = [f"- {'**warning:** ' if level == 'warn' else ''}{text}" for level, text in _notes(board)]
        out += ["", *notes] if notes else []
        if board.deltas:
            out += ["", "Adapter minus base model (paired bootstrap 95% CI; McNemar for 0/1 metrics):", ""]
            rows = []
            for comp in board.deltas:
                for mc in comp.metrics.values():
                    rows.append([model_name(comp.b), adapter_name(comp.b), mc.metric, f"{mc.delta.delta:+.3f}",
                                 format_ci(mc.delta, digits=3), f"{mc.mcnemar.p_value:.3g}" if mc.mcnemar else "-"])
            out += _md_table(["model", "adapter", "metric", "delta", "95% CI", "McNemar p"], rows, numeric=range(3, 6))
        for curve in learning_curves(board):
            out += ["", f"Learning curve: {curve.label} (step 0 = base model):", ""]
            rows = [[str(step), *(_cell(r, m) for m in board.metrics), str(r.summary.n)] for step, r in curve.points]
            out += _md_table(["step", *board.metrics, "n"], rows, numeric=range(0, 2 + len(board.metrics)))
        out.append("")
    return "\n".join(out)


def _notes(board: BenchmarkBoard) -> list[tuple[str, str]]:
    """The gold audit and each run's trust warnings (identical to base, contamination, unambiguous subset)."""
    from harness.trust.runs import report_notes

    return report_notes([(board.label(r), r.summary.extra) for r in board.runs])


def _md_table(header: list[str], rows: list[list[str]], *, numeric: range) -> list[str]:
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    rule = ["---:" if i in numeric else "---" for i in range(len(header))]
    return [line(header), "|" + "|".join(rule) + "|", *map(line, rows)]


# ---------------------------------------------------------------- terminal


def print_boards(boards: Sequence[BenchmarkBoard], console: Any = None) -> None:
    from rich.markup import escape
    from rich.table import Table

    from harness.console import make_console

    console = console or make_console()
    for board in boards:
        table = Table(title=f"{board.benchmark}: metric [95% CI]")
        setups = any(board.setups.values())
        for name in ("model", "adapter", *(["setup"] if setups else [])):
            table.add_column(name)
        for name in (*board.metrics, "n"):
            table.add_column(name, justify="right")
        table.add_column("date")
        table.add_column("git")
        for r in board.runs:
            table.add_row(model_name(r), adapter_name(r), *([board.setups[id(r)]] if setups else []),
                          *(_cell(r, m) for m in board.metrics), str(r.summary.n), _date(r), _git(r))
        console.print(table)
        for level, text in _notes(board):
            console.print(f"[yellow]warning:[/] {escape(text)}" if level == "warn" else escape(text))
        if board.deltas:
            deltas = Table(title=f"{board.benchmark}: adapter - base (paired 95% CI)")
            for name in ("model", "adapter", "metric", "delta", "95% CI", "McNemar p"):
                deltas.add_column(name, justify="right" if name in ("delta", "95% CI", "McNemar p") else "left")
            for comp in board.deltas:
                for mc in comp.metrics.values():
                    deltas.add_row(model_name(comp.b), adapter_name(comp.b), mc.metric, f"{mc.delta.delta:+.3f}",
                                   format_ci(mc.delta, digits=3), f"{mc.mcnemar.p_value:.3g}" if mc.mcnemar else "-")
            console.print(deltas)


# ---------------------------------------------------------------- HTML


def to_html(boards: Sequence[BenchmarkBoard], *, title: str = "harness leaderboard") -> str:
    sections = [_html_board(board, k) for k, board in enumerate(boards)]
    nav = " · ".join(f'<a href="#b{k}">{html.escape(b.benchmark)}</a>' for k, b in enumerate(boards))
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{_CSS}</style></head><body><header><h1>{html.escape(title)}</h1><nav>{nav}</nav></header>"
            f"<main>{''.join(sections)}</main><script>{_JS}</script></body></html>\n")


def _html_board(board: BenchmarkBoard, k: int) -> str:
    colors = {id(r): color for r, color in zip(board.runs, palette(len(board.runs)))}
    setup = ["setup"] if any(board.setups.values()) else []
    head = "".join(f"<th>{html.escape(h)}</th>"
                   for h in ("", "model", "adapter", *setup, *board.metrics, "n", "date", "git", "run"))
    rows = []
    for r in board.runs:
        cells = [f"<td><span class='swatch' style='background:{colors[id(r)]}'></span></td>",
                 f"<td>{html.escape(model_name(r))}</td>", f"<td>{html.escape(adapter_name(r))}</td>"]
        if setup:
            cells.append(f"<td>{html.escape(board.setups[id(r)])}</td>")
        for m in board.metrics:
            metric = r.summary.metrics.get(m)
            sort = "" if metric is None else f" data-sort='{metric.value}'"
            ci = "" if metric is None or math.isnan(metric.ci_low) else f"<small>[{metric.ci_low:.3f}, {metric.ci_high:.3f}]</small>"
            cells.append(f"<td class='num'{sort}>{'-' if metric is None else f'{metric.value:.3f}'} {ci}</td>")
        cells += [f"<td class='num'>{r.summary.n}</td>", f"<td>{_date(r)}</td>", f"<td><code>{_git(r)}</code></td>",
                  f"<td class='path'>{html.escape(str(r.path))}</td>"]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    parts = [f"<section id='b{k}'><h2>{html.escape(board.benchmark)}</h2>",
             "<p class='hint'>Each metric with its 95% bootstrap confidence interval. Click a header to sort.</p>",
             f"<table class='sortable'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>",
             *(f"<p class='hint'>{'<b>warning:</b> ' if level == 'warn' else ''}{html.escape(text)}</p>"
               for level, text in _notes(board)),
             "<div class='charts'>", *_curve_charts(board), *_metric_charts(board, colors),
             *_breakdown_charts(board, colors)]
    if board.deltas:
        parts.append(_delta_chart(board, colors))
    parts.append("</div>")
    parts.append(_drilldown(board, colors))
    parts.append("</section>")
    return "".join(parts)


def _series(board: BenchmarkBoard, colors: dict[int, str]) -> list[tuple[str, str]]:
    return [(board.label(r), colors[id(r)]) for r in board.runs]


def _metric_charts(board: BenchmarkBoard, colors: dict[int, str]) -> list[str]:
    """Metrics per run with CI bars; rates (<= 1) and larger-scale scores (BLEU 0-100) in separate charts."""
    def top(m: str) -> float:
        return max(r.summary.metrics[m].value for r in board.runs if m in r.summary.metrics)

    charts = []
    for metrics, title in (([m for m in board.metrics if top(m) <= 1.0], "Metrics per model / adapter"),
                           ([m for m in board.metrics if top(m) > 1.0], "Scores per model / adapter")):
        if not metrics:
            continue
        values = {(m, i): _triple(r.summary.metrics.get(m)) for m in metrics for i, r in enumerate(board.runs)}
        charts.append(bar_chart(metrics, _series(board, colors), values, title=title))
    return charts


def _breakdown_charts(board: BenchmarkBoard, colors: dict[int, str]) -> list[str]:
    headline = board.metrics[0]
    charts = []
    tags = {t for r in board.runs for t in r.summary.breakdowns}
    for tag in sorted(tags):
        groups: dict[str, int] = {}
        for r in board.runs:
            for value, stats in r.summary.breakdowns.get(tag, {}).items():
                groups[value] = int(stats.get("n", 0))
        order = sorted(groups, key=_tag_order)
        values = {(f"{g} (n={groups[g]})", i): _point(r.summary.breakdowns.get(tag, {}).get(g, {}).get(headline))
                  for g in order for i, r in enumerate(board.runs)}
        charts.append(bar_chart([f"{g} (n={groups[g]})" for g in order], _series(board, colors), values,
                                title=f"{headline} per {tag}"))
    return charts


def _delta_chart(board: BenchmarkBoard, colors: dict[int, str]) -> str:
    metrics = [m for m in board.metrics if all(m in c.metrics for c in board.deltas)]
    series = [(f"{board.label(c.b)} - base", colors[id(c.b)]) for c in board.deltas]
    values = {(m, i): (c.metrics[m].delta.delta, c.metrics[m].delta.ci_low, c.metrics[m].delta.ci_high)
              for m in metrics for i, c in enumerate(board.deltas)}
    return bar_chart(metrics, series, values, title="Adapter minus base (paired 95% CI)", signed=True)


def _curve_charts(board: BenchmarkBoard) -> list[str]:
    curves = learning_curves(board)
    if not curves:
        return []
    headline = board.metrics[0]
    series = [(c.label, PALETTE[i % len(PALETTE)],
               [(step, _triple(r.summary.metrics.get(headline))) for step, r in c.points]) for i, c in enumerate(curves)]
    return [line_chart(series, title=f"Learning curve: {headline} by training step (95% CI band)")]


def line_chart(series: Sequence[tuple[str, str, Sequence[tuple[int, tuple[float, float, float] | None]]]], *,
               title: str) -> str:
    """Lines of (step, value) per series with a shaded CI band and a dot per evaluation, as inline SVG."""
    points = [(x, t) for _, _, pts in series for x, t in pts if t is not None]
    finite = [v for _, t in points for v in t if not math.isnan(v)]
    lo, hi = 0.0, max([1.0, *finite])
    xmax = max([1, *(x for x, _ in points)])
    left, width, height, top, bottom = 50, 720, 300, 16, 40
    plot_w, plot_h = width - left - 20, height - top - bottom

    def px(step: float) -> float:
        return left + step / xmax * plot_w

    def py(v: float) -> float:
        return top + (1 - (v - lo) / (hi - lo)) * plot_h

    out = [f"<figure class='chart'><figcaption>{html.escape(title)}</figcaption>",
           f"<svg viewBox='0 0 {width} {height}' width='{width}' height='{height}' role='img' aria-label='{html.escape(title)}'>"]
    for tick in _ticks(lo, hi):
        out.append(f"<line x1='{left}' x2='{width - 20}' y1='{py(tick):.1f}' y2='{py(tick):.1f}' class='grid'/>"
                   f"<text x='{left - 6}' y='{py(tick) + 4:.1f}' class='glabel'>{tick:g}</text>")
    for tick in _ticks(0, xmax):
        if tick == int(tick):
            out.append(f"<text x='{px(tick):.1f}' y='{height - bottom + 16}' class='tick'>{int(tick)}</text>")
    out.append(f"<text x='{left + plot_w / 2:.1f}' y='{height - 6}' class='tick'>training step</text>")
    for name, color, pts in series:
        pts = [(x, t) for x, t in pts if t is not None and not math.isnan(t[0])]
        band = [(x, t) for x, t in pts if not math.isnan(t[1])]
        if len(band) > 1:
            upper = " ".join(f"{px(x):.1f},{py(t[2]):.1f}" for x, t in band)
            lower = " ".join(f"{px(x):.1f},{py(t[1]):.1f}" for x, t in reversed(band))
            out.append(f"<polygon points='{upper} {lower}' fill='{color}' fill-opacity='0.18' stroke='none'/>")
        line = " ".join(f"{px(x):.1f},{py(t[0]):.1f}" for x, t in pts)
        out.append(f"<polyline points='{line}' fill='none' stroke='{color}' stroke-width='2'/>")
        for x, (v, ci_lo, ci_hi) in pts:
            tip = f"{name} step {x}: {v:.3f}" + ("" if math.isnan(ci_lo) else f" [{ci_lo:.3f}, {ci_hi:.3f}]")
            out.append(f"<circle cx='{px(x):.1f}' cy='{py(v):.1f}' r='3.5' fill='{color}'><title>{html.escape(tip)}</title></circle>")
    out.append("</svg><div class='legend'>")
    out += [f"<span><i style='background:{c}'></i>{html.escape(n)}</span>" for n, c, _ in series]
    out.append("</div></figure>")
    return "".join(out)


def _triple(metric: Any) -> tuple[float, float, float] | None:
    return None if metric is None else (metric.value, metric.ci_low, metric.ci_high)


def _point(value: float | None) -> tuple[float, float, float] | None:
    return None if value is None else (value, math.nan, math.nan)


def _tag_order(value: str) -> tuple[int, str]:
    known = ("easy", "medium", "hard", "extra")
    return (known.index(value), value) if value in known else (len(known), value)


def bar_chart(groups: Sequence[str], series: Sequence[tuple[str, str]],
              values: dict[tuple[str, int], tuple[float, float, float] | None], *, title: str,
              signed: bool = False) -> str:
    """Horizontal grouped bars (one bar per series in each group) with CI whiskers, as inline SVG."""
    finite = [v for t in values.values() if t for v in t if not math.isnan(v)]
    if signed:  # the axis spans zero and the data, nothing more
        lo, hi = min([0.0, *finite]), max([0.0, *finite])
        lo, hi = (lo, hi) if hi > lo else (-0.01, 0.01)
    else:
        lo, hi = 0.0, max([1.0, *finite])
    bar, gap, label_w, width, top = 14, 12, 190, 720, 30
    plot_w = width - label_w - 60
    height = top + len(groups) * (len(series) * bar + gap) + 30

    def x(v: float) -> float:
        return label_w + (v - lo) / (hi - lo) * plot_w

    out = [f"<figure class='chart'><figcaption>{html.escape(title)}</figcaption>",
           f"<svg viewBox='0 0 {width} {height}' width='{width}' height='{height}' role='img' aria-label='{html.escape(title)}'>"]
    for tick in _ticks(lo, hi):
        out.append(f"<line x1='{x(tick):.1f}' x2='{x(tick):.1f}' y1='{top - 6}' y2='{height - 24}' class='grid{' zero' if tick == 0 else ''}'/>"
                   f"<text x='{x(tick):.1f}' y='{height - 8}' class='tick'>{tick:g}</text>")
    y = top
    for group in groups:
        out.append(f"<text x='{label_w - 8}' y='{y + len(series) * bar / 2 + 4:.1f}' class='glabel'>{html.escape(group)}</text>")
        for i, (name, color) in enumerate(series):
            triple = values.get((group, i))
            if triple is not None and not math.isnan(triple[0]):
                v, ci_lo, ci_hi = triple
                x0, x1 = sorted((x(0.0), x(v)))
                tip = f"{name}: {v:.3f}" + ("" if math.isnan(ci_lo) else f" [{ci_lo:.3f}, {ci_hi:.3f}]")
                out.append(f"<rect x='{x0:.1f}' y='{y + 1}' width='{max(x1 - x0, 1):.1f}' height='{bar - 2}' fill='{color}'>"
                           f"<title>{html.escape(tip)}</title></rect>")
                if not math.isnan(ci_lo):
                    cy = y + bar / 2
                    out.append(f"<path d='M{x(ci_lo):.1f},{cy} H{x(ci_hi):.1f} M{x(ci_lo):.1f},{cy - 4} V{cy + 4} "
                               f"M{x(ci_hi):.1f},{cy - 4} V{cy + 4}' class='ci'/>")
                label_x = max(x(v), x(ci_hi) if not math.isnan(ci_hi) else 0, x0) + 4
                out.append(f"<text x='{label_x:.1f}' y='{y + bar - 3}' class='val'>{v:+.3f}</text>" if signed else
                           f"<text x='{label_x:.1f}' y='{y + bar - 3}' class='val'>{v:.3f}</text>")
            y += bar
        y += gap
    out.append("</svg><div class='legend'>")
    out += [f"<span><i style='background:{c}'></i>{html.escape(n)}</span>" for n, c in series]
    out.append("</div></figure>")
    return "".join(out)


def _ticks(lo: float, hi: float) -> list[float]:
    span = hi - lo
    step = next(s for s in (0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10, 20, 25, 50, 100) if span / s <= 8)
    start = math.ceil(lo / step - 1e-9)
    return [round(k * step, 10) for k in range(start, int(math.floor(hi / step + 1e-9)) + 1)]


def _drilldown(board: BenchmarkBoard, colors: dict[int, str]) -> str:
    """Per-example table: question, gold, and each run's output and verdict; filters for disagreements."""
    indexed = [{rec.index: rec for rec in r.records} for r in board.runs]
    indices = sorted(set().union(*indexed))
    head = "".join(f"<th><span class='swatch' style='background:{colors[id(r)]}'></span>{html.escape(board.label(r))}</th>"
                   for r in board.runs)
    headline = board.metrics[0]
    rows = []
    for i in indices:
        recs = [ix.get(i) for ix in indexed]
        first = next(rec for rec in recs if rec is not None)
        scores = {rec.scores.get(headline) for rec in recs if rec is not None}
        cells = [f"<td class='num'>{i}</td>", f"<td>{html.escape(example_question(first.inputs))}</td>",
                 f"<td><code>{html.escape(_text(first.target))}</code></td>"]
        for rec in recs:
            if rec is None:
                cells.append("<td>-</td>")
                continue
            ok = rec.scores.get(headline) == 1.0
            verdict = html.escape(rec.verdict)
            cells.append(f"<td class='{'ok' if ok else 'bad'}'><b>{verdict}</b><br><code>{html.escape(_text(example_output(rec)))}</code></td>")
        state = "differ" if len(scores) > 1 else ("allright" if scores == {1.0} else "other")
        rows.append(f"<tr data-state='{state}'>{''.join(cells)}</tr>")
    return (f"<details class='drill'><summary>Per-example drill-down ({len(indices)} examples; "
            f"{headline})</summary><div class='filters'>Show <select class='drill-filter'>"
            "<option value='all'>all examples</option><option value='differ'>runs disagree</option>"
            "<option value='notallright'>some run wrong</option></select> "
            "<input class='drill-search' type='search' placeholder='search text'></div>"
            f"<div class='scroll'><table class='sortable drilltable'><thead><tr><th>#</th><th>question</th><th>gold</th>"
            f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div></details>")


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def write_report(boards: Sequence[BenchmarkBoard], out_dir: str | Path, *, title: str = "harness leaderboard") -> tuple[Path, Path]:
    """Write leaderboard.md and leaderboard.html into `out_dir`; returns both paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    md, page = out / "leaderboard.md", out / "leaderboard.html"
    md.write_text(to_markdown(boards), encoding="utf-8")
    page.write_text(to_html(boards, title=title), encoding="utf-8")
    return md, page


_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#1d2330;color:#fff;padding:14px 28px}header h1{margin:0 0 4px;font-size:20px}
header a{color:#9fc2ff;text-decoration:none}main{padding:8px 28px 40px}
section{background:#fff;border:1px solid #dde1e8;border-radius:8px;padding:6px 20px 18px;margin:18px 0}
h2{margin:12px 0 2px}.hint{color:#667;margin:2px 0 10px;font-size:12.5px}
table{border-collapse:collapse;font-size:13px;margin:6px 0}th,td{padding:5px 9px;border-bottom:1px solid #e6e8ee;
text-align:left;vertical-align:top}th{background:#eef1f6;cursor:pointer;user-select:none;white-space:nowrap}
th.asc::after{content:" \\25B2";font-size:9px}th.desc::after{content:" \\25BC";font-size:9px}
td.num{text-align:right;white-space:nowrap}td small{color:#778}td.path{color:#889;font-size:11.5px}
.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px}
.charts{display:flex;flex-wrap:wrap;gap:16px}.chart{margin:8px 0;border:1px solid #e6e8ee;border-radius:6px;
padding:8px 10px;background:#fff}figcaption{font-weight:600;margin-bottom:4px}
svg text{font-size:11px;fill:#333}.glabel{text-anchor:end}.tick{text-anchor:middle;fill:#889}.val{fill:#333}
.grid{stroke:#e3e6ec}.grid.zero{stroke:#889}.ci{stroke:#1d2330;stroke-width:1.3;fill:none}
.legend{font-size:12px;display:flex;flex-wrap:wrap;gap:12px}.legend i{display:inline-block;width:10px;height:10px;
margin-right:5px;border-radius:2px}
.drill summary{cursor:pointer;font-weight:600;margin:10px 0}.filters{margin:6px 0}
.scroll{overflow-x:auto}.drilltable td{min-width:190px;max-width:340px}.drilltable td:first-child{min-width:0}
.drilltable code{white-space:pre-wrap;overflow-wrap:anywhere;font-size:12px}
td.ok{background:#eaf7ee}td.bad{background:#fdeceb}
"""

_JS = """
document.querySelectorAll('table.sortable').forEach(function(t){
  t.querySelectorAll('th').forEach(function(th,i){th.addEventListener('click',function(){
    var asc=!th.classList.contains('asc');t.querySelectorAll('th').forEach(function(h){h.classList.remove('asc','desc')});
    th.classList.add(asc?'asc':'desc');var body=t.tBodies[0];
    var key=function(r){var c=r.cells[i];var v=c.dataset.sort!==undefined?c.dataset.sort:c.textContent.trim();
      var n=parseFloat(v);return isNaN(n)?v.toLowerCase():n};
    Array.from(body.rows).sort(function(a,b){var x=key(a),y=key(b);return (x<y?-1:x>y?1:0)*(asc?1:-1)})
      .forEach(function(r){body.appendChild(r)});});});});
document.querySelectorAll('details.drill').forEach(function(d){
  var sel=d.querySelector('.drill-filter'),q=d.querySelector('.drill-search');
  function apply(){var f=sel.value,s=q.value.toLowerCase();d.querySelectorAll('tbody tr').forEach(function(r){
    var st=r.dataset.state;var keep=f==='all'||(f==='differ'&&st==='differ')||(f==='notallright'&&st!=='allright');
    r.style.display=keep&&(!s||r.textContent.toLowerCase().indexOf(s)>=0)?'':'none';});}
  sel.addEventListener('change',apply);q.addEventListener('input',apply);});
"""
