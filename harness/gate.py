"""Regression gates: assertions on run results, evaluated with the comparison statistics.

A gates file (TOML or YAML) lists gates; relative paths are relative to the file::

    [[gate]]
    name = "adapter keeps spider accuracy"
    run = "../runs/spider/my-adapter"
    baseline = "baseline/spider-base"     # a run directory (or its summary.json)
    metric = "execution_accuracy"         # default: the run's headline metric
    min_delta = -0.02                     # run - baseline >= -0.02
    no_significant_drop = true            # fail on a drop with McNemar p < 0.05 (binary) / CI below 0

Conditions: `min_value` (absolute floor, no baseline needed), `max_contamination` (evaluation examples the
run's adapter saw in training, from its manifest; no baseline needed), `min_delta`, `max_delta`, `no_significant_drop`
and `max_flips` (examples whose binary metric changed either way; 0 makes a golden-results check).
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from harness.errors import ConfigError
from harness.report.compare import Comparison, IncomparableRuns, compare_runs, flips_text, format_ci
from harness.runs.records import Variant
from harness.trust.runs import contamination_failures

# Floating-point slack: a mean recomputed from the same records may differ in the last bit.
EPS = 1e-12
GATES_KEYS = ("gate", "gates")
_NEEDS_BASELINE = ("min_delta", "max_delta", "no_significant_drop", "max_flips")


class GateError(ConfigError):
    """A gate is misconfigured (bad file, field or metric); the message says where and what was expected."""


@dataclass
class Gate:
    run: Path
    baseline: Path | None = None
    metric: str | None = None  # None: the run's headline metric
    benchmark: str | None = None  # if set, the run must be of this benchmark
    name: str | None = None
    min_value: float | None = None
    min_delta: float | None = None
    max_delta: float | None = None
    no_significant_drop: bool = False
    max_flips: int | None = None
    max_contamination: int | None = None  # evaluation examples the run's adapter was trained on (any overlap kind)
    confidence: float = 0.95
    force: bool = False  # compare even when data/limit/prompt differ
    source: str = ""  # where the gate was defined, for messages

    def __post_init__(self) -> None:
        where = self.source or "gate"
        needing = [k for k in _NEEDS_BASELINE if getattr(self, k) is not None and getattr(self, k) is not False]
        if not needing and self.min_value is None and self.max_contamination is None:
            raise GateError(f"{where}: no condition; set one of min_value, max_contamination, "
                            f"{', '.join(_NEEDS_BASELINE)}")
        if needing and self.baseline is None:
            raise GateError(f"{where}: {', '.join(needing)} compare against a baseline; set `baseline` to a run directory")
        if not 0.0 < self.confidence < 1.0:
            raise GateError(f"{where}: confidence must be between 0 and 1, got {self.confidence}")

    @property
    def label(self) -> str:
        return self.name or f"{self.run.name}:{self.metric or 'headline'}"


@dataclass
class GateResult:
    gate: Gate
    metric: str
    run: Variant
    comparison: Comparison | None
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures

    def report(self, *, max_flips_shown: int = 10) -> str:
        """What was checked, the numbers with their CIs, why it failed, and the examples that flipped."""
        head = "PASS" if self.passed else "FAIL"
        m = self.run.summary.metrics[self.metric]
        lines = [f"{head} {self.gate.label} ({self.gate.source or self.run.path})",
                 f"  run      {self.run.path}: {self.metric} = {m.value:.4f} "
                 f"[{m.ci_low:.4f}, {m.ci_high:.4f}] (n={self.run.summary.n})"]
        comp = self.comparison
        if comp is not None and self.metric in comp.metrics:
            mc = comp.metrics[self.metric]
            base = comp.a.summary.metrics[self.metric]
            lines.append(f"  baseline {comp.a.path}: {self.metric} = {base.value:.4f} [{base.ci_low:.4f}, {base.ci_high:.4f}]")
            line = (f"  delta    {mc.delta.delta:+.4f}, paired {int(round(comp.confidence * 100))}% CI "
                    f"{format_ci(mc.delta)} over {comp.n} examples")
            if mc.mcnemar is not None:
                line += f"; McNemar p = {mc.mcnemar.p_value:.4g}"
            lines.append(line)
            for warning in comp.differences:
                lines.append(f"  forced despite: {warning}")
        lines += [f"  - {f}" for f in self.failures]
        if comp is not None and self.metric in comp.metrics and comp.metrics[self.metric].mcnemar is not None:
            mc = comp.metrics[self.metric]
            if self.failures:
                lines += ["  " + line for line in flips_text(comp, self.metric, limit=max_flips_shown).splitlines()]
            else:
                lines.append(f"  flips    {len(mc.right_to_wrong)} right->wrong, {len(mc.wrong_to_right)} wrong->right")
        return "\n".join(lines)


def load_gates(path: str | Path) -> list[Gate]:
    """Gates from a TOML (`[[gate]]` tables) or YAML (`gates:` list) file; paths resolve against its folder."""
    path = Path(path)
    data = _read_table(path)
    keys = [k for k in GATES_KEYS if k in data]
    if len(keys) != 1 or not isinstance(data[keys[0]], list) or not data[keys[0]]:
        raise GateError(f"{path}: expected one non-empty list of gates under `gate` (TOML [[gate]]) or `gates` "
                        f"(YAML); found keys {sorted(data)}")
    return [_gate_from_mapping(entry, path, k) for k, entry in enumerate(data[keys[0]], start=1)]


def evaluate_gate(gate: Gate, *, n_resamples: int = 1000, seed: int = 0) -> GateResult:
    """Check one gate. Raises GateError for configuration mistakes; returns failures for regressions."""
    run = Variant.load(gate.run)
    where = gate.source or str(gate.run)
    if gate.benchmark is not None and run.summary.benchmark != gate.benchmark:
        raise GateError(f"{where}: {gate.run} is a {run.summary.benchmark!r} run, the gate expects {gate.benchmark!r}")
    metric = gate.metric or run.summary.primary_metric
    if metric not in run.summary.metrics:
        raise GateError(f"{where}: {gate.run} has no metric {metric!r}; it has {', '.join(run.summary.metrics)}")
    result = GateResult(gate, metric, run, None)
    value = run.summary.metrics[metric].value
    if gate.min_value is not None and value < gate.min_value - EPS:
        result.failures.append(f"{metric} {value:.4f} < min_value {gate.min_value}")
    if gate.max_contamination is not None:
        result.failures += contamination_failures(run.summary.extra.get("trust", {}), gate.max_contamination)
    if gate.baseline is None:
        return result
    try:
        comp = compare_runs(gate.baseline, run, force=gate.force, n_resamples=n_resamples,
                            confidence=gate.confidence, seed=seed)
    except IncomparableRuns as err:
        result.failures.append(str(err).replace("\n", "\n    "))
        return result
    result.comparison = comp
    _check_against_baseline(gate, result, comp)
    return result


def _check_against_baseline(gate: Gate, result: GateResult, comp: Comparison) -> None:
    if result.metric not in comp.metrics:
        raise GateError(f"{gate.source or gate.run}: baseline {gate.baseline} has no metric {result.metric!r}")
    mc = comp.metrics[result.metric]
    stored = comp.a.summary.metrics.get(result.metric)
    if stored is not None and comp.n == comp.a.summary.n and abs(stored.value - mc.value_a) > EPS:
        # Both runs are recomputed with today's metric code, so a change to that code moves both sides and
        # leaves the delta at zero; the baseline's stored value is what reveals it.
        result.failures.append(f"baseline {gate.baseline} stored {result.metric} = {stored.value:.4f}, but today's "
                               f"metric code computes {mc.value_a:.4f} from its records: the metric changed; "
                               f"review it, then regenerate the baseline")
    delta = mc.delta.delta
    if gate.min_delta is not None and delta < gate.min_delta - EPS:
        result.failures.append(f"delta {delta:+.4f} < min_delta {gate.min_delta:+}")
    if gate.max_delta is not None and delta > gate.max_delta + EPS:
        result.failures.append(f"delta {delta:+.4f} > max_delta {gate.max_delta:+}")
    if gate.no_significant_drop and delta < 0 and mc.significant(comp.alpha):
        test = (f"McNemar p = {mc.mcnemar.p_value:.4g} < {comp.alpha:.2g}" if mc.mcnemar is not None
                else f"CI {format_ci(mc.delta)} excludes 0")
        result.failures.append(f"significant drop: {test}")
    if gate.max_flips is not None:
        if mc.mcnemar is None:
            raise GateError(f"{gate.source or gate.run}: max_flips needs a binary per-example metric; "
                            f"{result.metric!r} has non-0/1 scores")
        flips = len(mc.right_to_wrong) + len(mc.wrong_to_right)
        if flips > gate.max_flips:
            result.failures.append(f"{flips} examples flipped ({len(mc.right_to_wrong)} right->wrong, "
                                   f"{len(mc.wrong_to_right)} wrong->right) > max_flips {gate.max_flips}")


def _read_table(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise GateError(f"{path}: cannot read gates file ({err.strerror})") from None
    if path.suffix == ".toml":
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as err:
            raise GateError(f"{path}: invalid TOML ({err})") from None
    if path.suffix in (".yaml", ".yml"):
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as err:
            raise GateError(f"{path}: invalid YAML ({err})") from None
        if not isinstance(data, dict):
            raise GateError(f"{path}: expected a mapping with a `gates` list at the top")
        return data
    raise GateError(f"{path}: gates files are .toml, .yaml or .yml")


_TYPES: dict[str, tuple[type, ...]] = {
    "run": (str,), "baseline": (str,), "metric": (str,), "benchmark": (str,), "name": (str,),
    "min_value": (int, float), "min_delta": (int, float), "max_delta": (int, float),
    "no_significant_drop": (bool,), "max_flips": (int,), "max_contamination": (int,), "confidence": (float,), "force": (bool,),
}


def _gate_from_mapping(entry: Any, path: Path, number: int) -> Gate:
    where = f"{path}: gate #{number}"
    if not isinstance(entry, dict):
        raise GateError(f"{where}: expected a table of fields, got {type(entry).__name__}")
    known = {f.name for f in fields(Gate)} - {"source"}
    unknown = sorted(set(entry) - known)
    if unknown:
        raise GateError(f"{where}: unknown field(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    if "run" not in entry:
        raise GateError(f"{where}: missing field `run` (the run directory to check)")
    values: dict[str, Any] = {}
    for key, value in entry.items():
        expected = _TYPES[key]
        if isinstance(value, bool) and bool not in expected or not isinstance(value, expected):
            raise GateError(f"{where}: field `{key}` must be {' or '.join(t.__name__ for t in expected)}, "
                            f"got {value!r}")
        values[key] = (path.parent / value) if key in ("run", "baseline") else value
    return Gate(**values, source=where)
