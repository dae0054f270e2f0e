"""What every benchmark provides: examples, prompts (shared by training and evaluation), and scoring."""
from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from functools import partial
from pathlib import Path
from typing import Any, Callable, ClassVar, Mapping, Sequence

from harness.errors import DataError
from harness.options import NoOptions
from harness.types import Example, Message, Record, Scored


Aggregator = Callable[[Sequence[Record]], dict[str, float]]


def mean_scores(records: Sequence[Record], metrics: Sequence[str]) -> dict[str, float]:
    """Mean of each per-example score present in every record."""
    if not records:
        return {}
    return {m: sum(r.scores[m] for r in records) / len(records) for m in metrics if all(m in r.scores for r in records)}


def find_split_file(folder: Path, split: str, known: Mapping[str, tuple[str, ...]], suffix: str,
                    label: str | None = None) -> Path:
    """The file holding `split` in a data folder: one of its known names, else `<split><suffix>`.

    `label` names the data in errors instead of the folder (the shipped data lives in an internal cache path).
    """
    names = known.get(split, (f"{split}{suffix}",))
    for name in names:
        if (folder / name).is_file():
            return folder / name
    available = sorted(s for s, files in known.items() if any((folder / f).is_file() for f in files))
    available += sorted(p.name[: -len(suffix)] for p in folder.glob(f"*{suffix}")
                        if not any(p.name in files for files in known.values()) and p.name != "tables.json")
    where = label or str(folder)
    raise DataError(f"--split {split}: {where} has no such split (needs {' or '.join(names)}); "
                    f"available: {', '.join(available) or 'none'}")


class Benchmark(ABC):
    """One task. Subclasses set the class attributes and implement the four abstract methods.

    `Config` is a dataclass of the benchmark's options (`-O key=value`; fields made with `harness.options.option`);
    the constructor takes `data`, `split` and those options by keyword.

    The first entry of `metric_names` is the headline metric. `score` returns one `Scored` per example: the
    prediction it judged, a verdict, per-example `scores` ({metric: float}) and its own `details`.
    """

    name: ClassVar[str]
    metric_names: ClassVar[tuple[str, ...]]
    breakdown_tags: ClassVar[tuple[str, ...]] = ()
    tag_order: ClassVar[dict[str, tuple[str, ...]]] = {}  # display order of tag values; others sort after
    system_prompt: ClassVar[str]
    user_template: ClassVar[str]
    Config: ClassVar[type] = NoOptions
    options: dict[str, Any] = {}  # constructor options besides `data`, set by get_benchmark, kept in manifests

    def summary_extra(self) -> dict[str, Any]:
        """Benchmark notes for the run summary (e.g. metric signatures)."""
        return {}

    @abstractmethod
    def examples(self) -> list[Example]:
        """The split's examples, in file order (index = position)."""

    @abstractmethod
    def messages(self, example: Example) -> list[Message]:
        """The prompt turns (system + user) for one example."""

    @abstractmethod
    def completion(self, example: Example) -> str:
        """The assistant answer a model is trained to give."""

    @abstractmethod
    def score(
        self, examples: Sequence[Example], outputs: Sequence[str], *, on_done: Callable[[int], None] | None = None
    ) -> list[Scored]:
        """One judgement per raw model output, aligned with `examples`."""

    @abstractmethod
    def data_identity(self) -> dict[str, Any]:
        """Where the data came from and a content hash, for the manifest."""

    @classmethod
    def aggregator(cls, options: Mapping[str, Any], extra: Mapping[str, Any]) -> Aggregator:
        """The metrics of any subset of records (bootstrap resamples call it), configured only by what a run
        summary holds: the benchmark's options and its `summary_extra()`. It reads no data, so comparisons and
        reports recompute metrics without rebuilding the benchmark. Default: means of per-example scores;
        corpus metrics (BLEU, micro F1) override it.
        """
        return partial(mean_scores, metrics=cls.metric_names)

    def aggregate(self, records: Sequence[Record]) -> dict[str, float]:
        """This benchmark's metrics over `records`."""
        return self.aggregator(self.options, self.summary_extra())(records)

    def prompt_identity(self) -> dict[str, str]:
        text = json.dumps({"system": self.system_prompt, "user": self.user_template}, sort_keys=True)
        return {"system": self.system_prompt, "user_template": self.user_template,
                "hash": hashlib.sha256(text.encode()).hexdigest()[:16]}

    def chat(self, example: Example) -> list[Message]:
        """Prompt turns plus the gold answer: one training conversation."""
        return [*self.messages(example), {"role": "assistant", "content": self.completion(example)}]
