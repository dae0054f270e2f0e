"""The nouns data flows through: benchmark -> prompts -> generation -> scoring -> records."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Mapping

Message = dict[str, str]
"""One chat turn: {"role": "system" | "user" | "assistant", "content": ...}."""


@dataclass(frozen=True)
class Example:
    """One benchmark item.

    `index` is the position in the split, the order official prediction files use. `inputs` is what the
    prompt is built from, `target` the gold (SQL, reference texts, fields), `tags` the keys results are
    broken down by (hardness, tier, db_id).
    """

    index: int
    inputs: Mapping[str, Any]
    target: Any
    tags: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Sampling:
    """Decoding settings; temperature 0 means greedy."""

    max_new_tokens: int = 256
    temperature: float = 0.0
    top_p: float = 1.0
    seed: int = 0

    @property
    def greedy(self) -> bool:
        return self.temperature <= 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class GenerationRequest:
    """A prompt for one model variant: `adapter` names a loaded LoRA adapter, None is the base model."""

    messages: tuple[Message, ...]
    adapter: str | None = None


@dataclass(frozen=True)
class Generation:
    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0  # wall time of its batch divided by the batch size


@dataclass
class Scored:
    """A benchmark's judgement of one output: what `Benchmark.score` returns per example.

    `prediction` is the answer that was scored (Spider: the extracted SQL, sql2text: the cleaned question,
    extraction: the parsed object), None when the output held none. `details` holds what only this benchmark
    reads (its aggregation inputs, thinking text, timings).
    """

    prediction: Any
    verdict: str
    scores: dict[str, float]
    error: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


# Schema-1 record keys that held the prediction, by benchmark: read when loading old run directories.
_V1_PREDICTION_KEYS = ("extracted_sql", "answer", "extracted")


@dataclass
class Record:
    """One example's result, the same shape for every benchmark: one line of a run's records.jsonl."""

    index: int
    inputs: dict[str, Any]
    target: Any
    raw_output: str | None
    prediction: Any
    verdict: str
    scores: dict[str, float]
    error: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    prompt_hash: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    gen_seconds: float = 0.0
    details: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_scored(cls, example: Example, raw_output: str | None, scored: Scored, *,
                    prompt_hash: str | None = None) -> "Record":
        return cls(index=example.index, inputs=dict(example.inputs), target=example.target, raw_output=raw_output,
                   prediction=scored.prediction, verdict=scored.verdict, scores=dict(scored.scores),
                   error=scored.error, tags=dict(example.tags), prompt_hash=prompt_hash, details=dict(scored.details))

    @property
    def correct(self) -> bool:
        """The example's verdict is `correct` (execution accuracy's per-example value for SQL benchmarks)."""
        return self.verdict == "correct"

    def to_json(self) -> dict[str, Any]:
        # The fields themselves, not asdict()'s deep copy (a third of a second per 1,000 records)
        return {**{name: getattr(self, name) for name in self.__dataclass_fields__}, "correct": self.correct}

    @classmethod
    def from_json(cls, data: Mapping[str, Any], schema_version: int) -> "Record":
        """A record as written by `schema_version` (1: benchmark keys at the top level, no `prediction`)."""
        if schema_version >= 2:
            return cls(**{k: v for k, v in data.items() if k != "correct"})
        known = {f for f in cls.__dataclass_fields__ if f not in ("prediction", "details")}
        prediction_key = next((k for k in _V1_PREDICTION_KEYS if k in data), None)
        details = {k: v for k, v in data.items() if k not in known and k != prediction_key and k != "correct"}
        return cls(**{k: v for k, v in data.items() if k in known},
                   prediction=data.get(prediction_key) if prediction_key else None, details=details)
