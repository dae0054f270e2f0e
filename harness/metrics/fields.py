"""Counting rules for structured extraction: a model's JSON object against gold fields.

Values are compared after `normalize` (NFKC, whitespace collapsed, case folded for `casefold` fields such
as email); an empty string counts as null. Per field, a gold/prediction pair is one outcome:

  scalar field        gold value              gold null
  pred equal value    tp (exact)              -
  pred other value    wrong (= 1 fp + 1 fn)   hallucinated (fp)
  pred null/absent    missing (fn)            both null (exact, no count)

List fields compare as sets of normalised items: tp = shared items, missing = gold-only items,
hallucinated = predicted-only items; exact when the sets are equal.
Output that does not parse as JSON is wrong on every field: not exact, and every gold value counts as
`unparsed` (fn); it adds no fp, so precision measures what parsed outputs asserted.
precision = tp / (tp + hallucinated + wrong), recall = tp / (tp + missing + wrong + unparsed).
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable, Mapping, Sequence

_FENCE = re.compile(r"```[A-Za-z0-9_-]*\s*\n?(.*?)```", re.DOTALL)
COUNTS = ("tp", "missing", "hallucinated", "wrong", "unparsed")


@dataclass(frozen=True)
class Schema:
    """Field names in answer order; `optional` fields may be null; `lists` hold lists of strings."""

    fields: tuple[str, ...]
    optional: frozenset[str] = frozenset()
    lists: frozenset[str] = frozenset()
    casefold: frozenset[str] = frozenset()  # compared case-insensitively (emails)

    def __post_init__(self) -> None:
        unknown = (self.optional | self.lists | self.casefold) - set(self.fields)
        if not self.fields or unknown:
            raise ValueError(f"schema: fields must be non-empty and include {sorted(unknown)}")

    @classmethod
    def from_mapping(cls, spec: Mapping[str, Any]) -> "Schema":
        """From `{fields: [...], optional: [...], lists: [...], casefold: [...]}` (e.g. a YAML CLI option)."""
        unknown = set(spec) - {"fields", "optional", "lists", "casefold"}
        if unknown:
            raise ValueError(f"schema: unknown keys {sorted(unknown)}; expected fields, optional, lists, casefold")
        return cls(tuple(spec["fields"]), *(frozenset(spec.get(k, ())) for k in ("optional", "lists", "casefold")))

    def empty(self, name: str) -> Any:
        return [] if name in self.lists else None


@dataclass
class FieldCounts:
    tp: int = 0
    missing: int = 0
    hallucinated: int = 0
    wrong: int = 0
    unparsed: int = 0

    def add(self, other: Mapping[str, int]) -> None:
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + other.get(name, 0))

    def prf(self) -> tuple[float, float, float]:
        predicted = self.tp + self.hallucinated + self.wrong
        gold = self.tp + self.missing + self.wrong + self.unparsed
        # Nothing claimed is perfect precision only when there was nothing to find (and vice versa).
        precision = self.tp / predicted if predicted else float(gold == 0)
        recall = self.tp / gold if gold else float(predicted == 0)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1


@dataclass
class Judgement:
    """One output judged against gold: parse/schema status and per-field outcome."""

    parsed: bool
    schema_valid: bool
    schema_errors: list[str]
    extracted: dict[str, Any] | None  # the parsed object's schema fields (normalised), None if unparseable
    exact: dict[str, bool]
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # field -> non-zero counts

    @property
    def verdict(self) -> str:
        """correct (all fields exact) / partial (some) / wrong (none) / unparseable."""
        if not self.parsed:
            return "unparseable"
        hits = sum(self.exact.values())
        return "correct" if hits == len(self.exact) else "partial" if hits else "wrong"

    def to_record(self) -> dict[str, Any]:
        return {**asdict(self), "verdict": self.verdict}


def normalize(value: Any, *, casefold: bool = False) -> str | None:
    """NFKC, whitespace runs -> one space, trimmed; case folded if asked; empty -> None.

    Non-string values (numbers) compare by their JSON text.
    """
    if value is None:
        return None
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(unicodedata.normalize("NFKC", text).split())
    if casefold:
        text = text.casefold()
    return text or None


def parse_json_object(text: str) -> tuple[bool, Any]:
    """(parsed, value) for a model's answer: code fences stripped, else the outermost {...} span tried."""
    candidates = [m.group(1) for m in _FENCE.finditer(text)] + [text]
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        candidates.append(text[start:end + 1])
    for candidate in candidates:
        try:
            return True, json.loads(candidate.strip())
        except (json.JSONDecodeError, RecursionError):  # deep nesting is unparseable, not a failed run
            continue
    return False, None


def schema_errors(value: Any, schema: Schema) -> list[str]:
    """Why a parsed value breaks the schema (empty list: valid)."""
    if not isinstance(value, dict):
        return [f"expected a JSON object, got {type(value).__name__}"]
    errors = [f"unexpected field {k!r}" for k in value if k not in schema.fields]
    for name in schema.fields:
        if name not in value:
            errors.append(f"missing field {name!r}")
            continue
        v = value[name]
        if v is None or (isinstance(v, str) and not v.strip()):  # "" counts as null everywhere
            if name not in schema.optional:
                errors.append(f"field {name!r} is empty but required")
        elif name in schema.lists:
            if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
                errors.append(f"field {name!r} must be a list of strings")
        elif not isinstance(v, str):
            errors.append(f"field {name!r} must be a string")
    return errors


def judge(output: str, gold: Mapping[str, Any], schema: Schema) -> Judgement:
    """Apply the counting rules to one answer (thinking already stripped)."""
    parsed, value = parse_json_object(output)
    if not parsed:
        counts = {name: _nonzero(unparsed=len(_norm_set(gold.get(name), name, schema))) for name in schema.fields}
        return Judgement(False, False, ["not JSON"], None, {n: False for n in schema.fields}, counts)
    errors = schema_errors(value, schema)
    obj = value if isinstance(value, dict) else {}
    extracted, exact, counts = {}, {}, {}
    for name in schema.fields:
        if name in schema.lists:
            pred_items, gold_items = _norm_set(obj.get(name), name, schema), _norm_set(gold.get(name), name, schema)
            extracted[name] = sorted(pred_items)
            exact[name] = pred_items == gold_items
            counts[name] = _nonzero(tp=len(pred_items & gold_items), missing=len(gold_items - pred_items),
                                    hallucinated=len(pred_items - gold_items))
        else:
            pred = normalize(obj.get(name), casefold=name in schema.casefold)
            want = normalize(gold.get(name), casefold=name in schema.casefold)
            extracted[name] = pred
            exact[name] = pred == want
            counts[name] = _scalar_counts(pred, want)
    return Judgement(True, not errors, errors, extracted, exact, counts)


def summarize_judgements(records: Sequence[Mapping[str, Any]], schema: Schema) -> dict[str, float]:
    """Rates and micro/macro P/R/F1 over records holding `Judgement.to_record()` keys."""
    n = len(records)
    if not n:
        return {}
    per_field = {name: FieldCounts() for name in schema.fields}
    for record in records:
        for name, counts in record["counts"].items():
            per_field[name].add(counts)
    total = FieldCounts()
    for counts in per_field.values():
        total.add(asdict(counts))
    micro_p, micro_r, micro_f = total.prf()
    macro = [c.prf() for c in per_field.values()]
    predicted_values = total.tp + total.hallucinated + total.wrong
    gold_values = total.tp + total.missing + total.wrong + total.unparsed
    result = {
        "all_fields_exact": sum(all(r["exact"].values()) for r in records) / n,
        "micro_f1": micro_f,
        "macro_f1": sum(f for _, _, f in macro) / len(macro),
        "micro_precision": micro_p,
        "micro_recall": micro_r,
        "parse_rate": sum(bool(r["parsed"]) for r in records) / n,
        "schema_valid_rate": sum(bool(r["schema_valid"]) for r in records) / n,
        "missing_rate": total.missing / gold_values if gold_values else 0.0,
        "hallucination_rate": total.hallucinated / predicted_values if predicted_values else 0.0,
    }
    for name in schema.fields:
        result[f"exact_{name}"] = sum(bool(r["exact"][name]) for r in records) / n
    return result


def _scalar_counts(pred: str | None, want: str | None) -> dict[str, int]:
    if pred is None:
        return _nonzero(missing=int(want is not None))
    if want is None:
        return {"hallucinated": 1}
    return {"tp": 1} if pred == want else {"wrong": 1}


def _norm_set(value: Any, name: str, schema: Schema) -> set[str]:
    items: Iterable[Any] = value if isinstance(value, list) else [] if value is None else [value]
    normalised = (normalize(x, casefold=name in schema.casefold) for x in items)
    return {x for x in normalised if x is not None}


def _nonzero(**counts: int) -> dict[str, int]:
    return {k: v for k, v in counts.items() if v}
