"""What `harness run` asks of the trust checks: adapter weights before generating, then per variant the
audit counts, the unambiguous-subset metrics, the same-as-base flag and the adapter's recorded contamination.
Everything lands in `summary.extra["trust"]`; `lines` turns it into the sentences the terminal and the report
print."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Sequence

from harness.benchmarks.base import Benchmark
from harness.models import ADAPTER_MANIFEST, AdapterRef
from harness.trust.adapters import SAME_AS_BASE_THRESHOLD, check_adapter_weights, same_as_base
from harness.trust.audit import Audit, audit
from harness.trust.contamination import summary_line
from harness.types import Example



@dataclass(frozen=True)
class TrustOptions:
    exclude_ambiguous: bool = False  # also report every metric on the examples the audit finds unambiguous
    same_as_base_threshold: float = SAME_AS_BASE_THRESHOLD


def check_adapters(adapters: Sequence[AdapterRef]) -> None:
    """Before generating: adapters whose weights cannot change the model are errors."""
    for adapter in adapters:
        if adapter.path is not None:
            check_adapter_weights(adapter.path)


def run_audit(benchmark: Benchmark, data_identity: dict[str, Any]) -> Audit | None:
    return audit(benchmark, data_identity=data_identity)


def variant_notes(benchmark: Benchmark, examples: Sequence[Example], records: Sequence[Any], outputs: Sequence[str],
                  base_outputs: Sequence[str], adapter: AdapterRef | None, result: Audit | None,
                  options: TrustOptions) -> dict[str, Any]:
    """The `trust` entry of one variant's summary.extra; `records` are aligned with `examples`."""
    notes: dict[str, Any] = {}
    if result is not None:
        notes["audit"] = result.summary()
        if options.exclude_ambiguous:
            notes["unambiguous"] = unambiguous_metrics(benchmark, examples, records, result.ambiguous())
    if adapter is not None:
        notes["same_as_base"] = same_as_base(outputs, base_outputs, options.same_as_base_threshold)
        contamination = recorded_contamination(adapter)
        if contamination is not None:
            notes["contamination"] = _matched(contamination, result)
    return notes


def unambiguous_metrics(benchmark: Benchmark, examples: Sequence[Example], records: Sequence[Any],
                        ambiguous: set[int]) -> dict[str, Any]:
    from harness.metrics.stats import bootstrap_ci

    kept = [r for e, r in zip(examples, records, strict=True) if e.index not in ambiguous]
    values = benchmark.aggregate(kept)
    cis = bootstrap_ci(kept, benchmark.aggregate)
    return {"n": len(kept), "excluded": len(examples) - len(kept),
            "metrics": {m: {"value": v, "ci_low": cis.get(m, (v, v))[0], "ci_high": cis.get(m, (v, v))[1]}
                        for m, v in values.items()}}


def recorded_contamination(adapter: AdapterRef) -> dict[str, Any] | None:
    """The contamination `harness train` stored in the adapter's manifest, if any."""
    path = adapter.path / ADAPTER_MANIFEST if adapter.path is not None else None
    if path is None or not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8")).get("contamination")


def _matched(contamination: dict[str, Any], result: Audit | None) -> dict[str, Any]:
    """Counts, and whether they were computed on this run's evaluation data (same fingerprint)."""
    if "counts" not in contamination:  # training could not compute it (e.g. no evaluation split found)
        return {"error": contamination.get("error", "not computed")}
    same = result is not None and contamination["eval"].get("fingerprint") == result.fingerprint
    return {"counts": contamination["counts"], "n": contamination["eval"]["n"], "same_data": same,
            "eval": {k: contamination["eval"].get(k) for k in ("benchmark", "options")},
            "sentence": summary_line(contamination)}


def lines(variant: str, trust: dict[str, Any]) -> list[tuple[str, str]]:
    """(level, text) sentences for one variant: level "warn" for what should stop a reader, else "info"."""
    out: list[tuple[str, str]] = []
    if "unambiguous" in trust:
        u = trust["unambiguous"]
        values = ", ".join(f"{m} {v['value']:.3f} [{v['ci_low']:.3f}, {v['ci_high']:.3f}]" for m, v in u["metrics"].items())
        out.append(("info", f"{variant} on the {u['n']} unambiguous examples ({u['excluded']} excluded): {values}"))
    same = trust.get("same_as_base")
    if same and same["flagged"]:
        out.append(("warn", f"{variant}: outputs identical to the base model's on {same['identical']} of {same['n']} "
                            f"examples ({same['fraction']:.0%} >= {same['threshold']:.0%}): the adapter may not be applied "
                            f"or may not have learned anything"))
    contamination = trust.get("contamination")
    if contamination:
        if "error" in contamination:
            out.append(("info", f"{variant}: no contamination check in its manifest ({contamination['error']})"))
        elif contamination["counts"]["any"]:
            where = "this run's data" if contamination["same_data"] else \
                f"{contamination['eval']['benchmark']} {contamination['eval']['options']} (not this run's data)"
            out.append(("warn", f"{variant}: training data overlap, measured on {where}: {contamination['sentence']}"))
    return out


def contamination_failures(trust: dict[str, Any], limit: int) -> list[str]:
    """Why a run fails a `max_contamination` gate: too much overlap, or none recorded for this run's data."""
    contamination = trust.get("contamination")
    if not contamination or "error" in contamination:
        why = contamination["error"] if contamination else "its adapter's harness_manifest.json has none"
        return [f"max_contamination: no contamination check for this run ({why}); train with `harness train` "
                f"or run `harness contamination`"]
    if not contamination["same_data"]:
        return [f"max_contamination: the recorded check was on {contamination['eval']['benchmark']} "
                f"{contamination['eval']['options']}, not this run's evaluation data"]
    count = contamination["counts"]["any"]
    return [f"contamination {count} > max_contamination {limit}: {contamination['sentence']}"] if count > limit else []


def report_notes(runs: Sequence[tuple[str, dict[str, Any]]]) -> list[tuple[str, str]]:
    """Notes for a leaderboard section from (run label, summary.extra): each distinct gold audit once, then
    every run's own sentences."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for _, extra in runs:
        audit_notes = extra.get("trust", {}).get("audit")
        if audit_notes and audit_notes["fingerprint"] not in seen:
            seen.add(audit_notes["fingerprint"])
            out.append(("info", f"gold audit: {audit_notes['sentence']}"))
    for label, extra in runs:
        out += lines(label, extra.get("trust", {}))
    return out
