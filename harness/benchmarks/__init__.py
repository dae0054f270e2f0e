"""Benchmark registry. Entries are "module:attr" strings so a benchmark's imports load only when used."""
from __future__ import annotations

import inspect
from typing import Any

from harness.benchmarks.base import Benchmark
from harness.errors import DataError
from harness.registry import load

BENCHMARKS: dict[str, str] = {
    "spider": "harness.benchmarks.spider:SpiderBenchmark",
    "sql2text": "harness.benchmarks.sql2text:Sql2TextBenchmark",
    "extraction": "harness.benchmarks.extraction:ExtractionBenchmark",
    "bird": "harness.benchmarks.bird:BirdBenchmark",
}


def get_benchmark(name: str, **options: Any) -> Benchmark:
    """Instantiate a registered benchmark; options are its constructor arguments (data, split, ...)."""
    cls = load(BENCHMARKS, name, "benchmark")
    accepted = inspect.signature(cls).parameters
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        raise ValueError(f"benchmark {name!r} has no option {', '.join(unknown)}; "
                         f"its options are: {', '.join(accepted)}")
    benchmark = cls(**options)
    benchmark.options = {k: v for k, v in options.items() if k != "data"}
    return benchmark


__all__ = ["BENCHMARKS", "Benchmark", "DataError", "get_benchmark"]
