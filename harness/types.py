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
