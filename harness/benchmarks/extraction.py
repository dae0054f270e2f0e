"""JSON extraction: from a complaint text, extract the sender's name, address, email and question.

Data: a JSONL file (or JSON list), or a folder with `test.jsonl` / `train.jsonl`; with none given, the
generated data the project ships in benchmarks/extraction/ (see extraction_data.py). Rows are
`{text, fields, [tier], [lang]}`, Alpaca `{[system], instruction, input, output}` (the text is instruction
then input, either may be empty; the tutorial's 300 rows), or ShareGPT `{conversations: [{from, value}]}` /
`{messages: [{role, content}]}` (text = the last user turn, gold = the assistant turn after it). Gold given
as text may be fenced JSON. The benchmark's own prompt is used for all of them. The schema (field names,
optional and list fields) belongs to the benchmark; counting rules are in harness.metrics.fields.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from harness.benchmarks.base import Aggregator, Benchmark, find_split_file
from harness.errors import DataError
from harness.metrics.fields import Schema, judge, parse_json_object, schema_errors, summarize_judgements
from harness.metrics.text import split_thinking
from harness.io import hash_path, read_json_rows
from harness.options import make_options, option
from harness.types import Example, Message, Record, Scored

SHIPPED_DIR = Path(__file__).resolve().parents[2] / "benchmarks" / "extraction"
SPLIT_FILES = {"test": ("test.jsonl", "dev.jsonl"), "dev": ("test.jsonl", "dev.jsonl"), "train": ("train.jsonl",)}
COMPLAINT_SCHEMA = Schema(fields=("name", "address", "email", "question"),
                          optional=frozenset({"name", "address", "email"}), casefold=frozenset({"email"}))
RATE_METRICS = ("all_fields_exact", "micro_f1", "macro_f1", "micro_precision", "micro_recall", "parse_rate",
                "schema_valid_rate", "missing_rate", "hallucination_rate")
ROW_SHAPES = ("{text, fields}, Alpaca {instruction, input, output}, ShareGPT {conversations: [{from, value}]} "
              "or {messages: [{role, content}]}")
_CHAT_KEYS = {"conversations": ("from", "value"), "messages": ("role", "content")}
_USER_ROLES, _ASSISTANT_ROLES = frozenset({"user", "human"}), frozenset({"assistant", "gpt"})


@dataclass(frozen=True)
class ExtractionConfig:
    schema: Schema | Mapping[str, Any] | None = option(
        None, help="the fields to extract, e.g. {fields: [people], lists: [people]} (default: name, address, email, "
                   "question; the first three may be null)")


class ExtractionBenchmark(Benchmark):
    name = "extraction"
    metric_names = RATE_METRICS + tuple(f"exact_{f}" for f in COMPLAINT_SCHEMA.fields)
    breakdown_tags = ("tier",)
    system_prompt = "You extract information from complaint texts and reply with JSON only."
    user_template = ("Extract {fields} as one JSON object. Copy values exactly from the text; "
                     "use null for what is not there.\n\n{{text}}")

    Config = ExtractionConfig

    def __init__(self, data: str | Path | None = None, split: str = "test", **options: Any):
        """`options`: ExtractionConfig fields."""
        schema = make_options(ExtractionConfig, options, "benchmark 'extraction'").schema
        self.schema = Schema.from_mapping(schema) if isinstance(schema, Mapping) else schema or COMPLAINT_SCHEMA
        self.metric_names = RATE_METRICS + tuple(f"exact_{f}" for f in self.schema.fields)
        self.user_template = ExtractionBenchmark.user_template.format(fields=", ".join(self.schema.fields))
        self.split = split
        self.path = _split_path(Path(data) if data is not None else SHIPPED_DIR, split)

    @cached_property
    def _examples(self) -> list[Example]:
        examples = []
        for where, row in read_json_rows(self.path):
            text, fields = _text_and_fields(row, where)
            errors = schema_errors(fields, self.schema)
            if errors:
                raise DataError(f"{where}: field 'fields' does not match the schema: {'; '.join(errors)}")
            tags = {k: row[k] for k in ("tier", "lang") if isinstance(row.get(k), str)}
            examples.append(Example(index=len(examples), inputs={"text": text},
                                    target={f: fields[f] for f in self.schema.fields}, tags=tags))
        return examples

    def examples(self) -> list[Example]:
        return self._examples

    def messages(self, example: Example) -> list[Message]:
        return [{"role": "system", "content": self.system_prompt},
                {"role": "user", "content": self.user_template.format(text=example.inputs["text"])}]

    def completion(self, example: Example) -> str:
        return json.dumps(example.target, ensure_ascii=False)

    def score(self, examples: Sequence[Example], outputs: Sequence[str], *,
              on_done: Callable[[int], None] | None = None) -> list[Scored]:
        records = []
        for example, output in zip(examples, outputs):
            thinking, answer = split_thinking(output)
            judgement = judge(answer, example.target, self.schema)
            details = {"thinking": thinking, **judgement.to_record()}
            prediction = details.pop("extracted")
            scores = {"all_fields_exact": float(all(judgement.exact.values())),
                      "parse_rate": float(judgement.parsed),
                      "schema_valid_rate": float(judgement.schema_valid),
                      **{f"exact_{k}": float(v) for k, v in judgement.exact.items()}}
            records.append(Scored(prediction, details.pop("verdict"), scores, details=details))
        if on_done:
            on_done(len(records))
        return records

    @classmethod
    def aggregator(cls, options: Mapping[str, Any], extra: Mapping[str, Any]) -> Aggregator:
        """Rates and micro/macro P/R/F1 from the records' per-field counts, for the schema the run recorded."""
        return partial(_aggregate, Schema.from_mapping(extra["schema"]))

    def summary_extra(self) -> dict[str, Any]:
        """The schema and comparison rules, for RunSummary.extra."""
        s = self.schema
        return {"schema": {"fields": list(s.fields), "optional": sorted(s.optional), "lists": sorted(s.lists),
                           "casefold": sorted(s.casefold)},
                "normalisation": "NFKC, whitespace runs collapsed and trimmed, casefold fields lower-cased, "
                                 "empty string = null",
                "answer_parsing": "<think> blocks removed; first parseable ```fenced``` block, else the whole "
                                  "answer, else its outermost {...}"}

    def data_identity(self) -> dict[str, Any]:
        return {"path": str(self.path.resolve()), "split": self.split, "sha256": hash_path(self.path),
                "n_examples": len(self.examples())}


def _aggregate(schema: Schema, records: Sequence[Record]) -> dict[str, float]:
    return summarize_judgements([r.details for r in records], schema)


def _split_path(data: Path, split: str) -> Path:
    if data.is_file():
        return data
    if not data.is_dir():
        raise DataError(f"--data {data}: no such file or folder")
    return find_split_file(data, split, SPLIT_FILES, ".jsonl")


def _text_and_fields(row: dict[str, Any], where: str) -> tuple[str, Any]:
    """(text, gold fields) of a row in any of ROW_SHAPES."""
    if "text" in row:
        text, fields, what = row["text"], row.get("fields"), "field 'text'"
        if not isinstance(fields, dict):
            raise DataError(f"{where}: field 'fields' must be a JSON object of gold values")
    elif "output" in row and ("instruction" in row or "input" in row):
        text, what = _alpaca_text(row, where), "Alpaca text"
        fields = _gold_object(row["output"], where, "field 'output'")
    elif chat_key := next((k for k in _CHAT_KEYS if k in row), None):
        text, answer = _chat_turns(row[chat_key], where, chat_key)
        what = f"the last user turn of {chat_key!r}"
        fields = _gold_object(answer, where, f"the last assistant turn of {chat_key!r}")
    else:
        raise DataError(f"{where}: unknown row shape (fields found: {', '.join(sorted(row)) or 'none'}); "
                        f"expected {ROW_SHAPES}")
    if not isinstance(text, str) or not text.strip():
        raise DataError(f"{where}: {what} must be a non-empty string")
    return text, fields


def _alpaca_text(row: dict[str, Any], where: str) -> str:
    """Alpaca's text: `instruction` then `input`, either of which may be empty (the tutorial's input is)."""
    parts = []
    for key in ("instruction", "input"):
        value = row.get(key, "")
        if not isinstance(value, str):
            raise DataError(f"{where}: field {key!r} must be a string, got {type(value).__name__}")
        if value.strip():
            parts.append(value.strip())
    if not parts:
        raise DataError(f"{where}: fields 'instruction' and 'input' are both empty; one must hold the text")
    return "\n".join(parts)


def _chat_turns(turns: Any, where: str, key: str) -> tuple[str, Any]:
    """(the last user turn before the last assistant turn, that assistant turn) of a chat row."""
    role_key, content_key = _CHAT_KEYS[key]
    if not isinstance(turns, list) or not all(isinstance(t, dict) for t in turns):
        raise DataError(f"{where}: field {key!r} must be a list of {{{role_key}, {content_key}}} objects")
    roles = [t.get(role_key) for t in turns]
    last_answer = max((i for i, r in enumerate(roles) if r in _ASSISTANT_ROLES), default=None)
    last_user = max((i for i, r in enumerate(roles[:last_answer]) if r in _USER_ROLES), default=None) \
        if last_answer is not None else None
    if last_user is None:
        raise DataError(f"{where}: field {key!r} needs a user turn followed by an assistant turn "
                        f"({role_key} found: {', '.join(map(str, roles)) or 'none'})")
    return turns[last_user].get(content_key), turns[last_answer].get(content_key)


def _gold_object(output: Any, where: str, what: str) -> dict[str, Any]:
    """The gold fields: a JSON object, or a string holding one (fenced or not)."""
    if isinstance(output, dict):
        return output
    if isinstance(output, str):
        parsed, fields = parse_json_object(output)
        if parsed and isinstance(fields, dict):
            return fields
        raise DataError(f"{where}: {what} must hold a JSON object (fenced or not)")
    raise DataError(f"{where}: {what} must be a JSON object or a string holding one")
