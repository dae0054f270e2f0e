"""Benchmark registry. Entries are "module:attr" strings so a benchmark's imports load only when used."""
from __future__ import annotations

from typing import Any

from harness.benchmarks.base import Benchmark
from harness.errors import DataError
from harness.options import check_options
from harness.registry import Registry, load

BENCHMARKS = Registry({
    "spider": "harness.benchmarks.spider:SpiderBenchmark",
    "sql2text": "harness.benchmarks.sql2text:Sql2TextBenchmark",
    "extraction": "harness.benchmarks.extraction:ExtractionBenchmark",
    "bird": "harness.benchmarks.bird:BirdBenchmark",
}, "harness.benchmarks")


def get_benchmark(name: str, **options: Any) -> Benchmark:
    """Instantiate a registered benchmark from `data`, `split` and its Config options, checked first."""
    cls = load(BENCHMARKS, name, "benchmark")
    check_options(cls.Config, {k: v for k, v in options.items() if k not in ("data", "split")}, f"benchmark {name!r}")
    benchmark = cls(**options)
    benchmark.options = {k: v for k, v in options.items() if k != "data"}
    return benchmark


__all__ = ["BENCHMARKS", "Benchmark", "DataError", "get_benchmark"]
