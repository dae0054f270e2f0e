"""pytest plugin: regression gates on harness results, as test items.

- Gates files named `harness_gates*.toml|yaml|yml` are collected like test modules (one test per gate), and so
  is any gates file passed on the command line (`pytest reports/golden/gates.toml`).
- The `harness_gate` fixture checks a gate from Python code (useful when the run is produced by the test):
  `harness_gate(run=out_dir, baseline="reports/golden/x", max_flips=0)`.

A failing gate prints the metric, its CI, the delta with its paired CI and McNemar p, and the flipped examples.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from harness.api import gate as check_gate
from harness.errors import HarnessError
from harness.gate import Gate, GateError, GateResult, load_gates

GATE_SUFFIXES = (".toml", ".yaml", ".yml")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix not in GATE_SUFFIXES:
        return None
    if file_path.name.startswith("harness_gates") or parent.session.isinitpath(file_path):
        return GatesFile.from_parent(parent, path=file_path)
    return None


class GatesFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        try:
            gates = load_gates(self.path)
        except GateError as err:  # a typo is one failing item with the one-line error, not a collection traceback
            yield UnreadableGates.from_parent(self, name="gates", error=str(err))
            return
        for number, gate in enumerate(gates, start=1):
            yield GateItem.from_parent(self, name=f"gate{number}[{gate.label}]", gate=gate)


class UnreadableGates(pytest.Item):
    def __init__(self, *, error: str, **kwargs: Any):
        super().__init__(**kwargs)
        self.error = error

    def runtest(self) -> None:
        raise GateError(self.error)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        return self.error

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, "harness gates file"


class GateFailed(AssertionError):
    def __init__(self, result: GateResult):
        super().__init__(result.report())
        self.result = result


class GateItem(pytest.Item):
    def __init__(self, *, gate: Gate, **kwargs: Any):
        super().__init__(**kwargs)
        self.gate = gate

    def runtest(self) -> None:
        result = check_gate(self.gate)
        if not result.passed:
            raise GateFailed(result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, (GateFailed, HarnessError)):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"harness gate: {self.gate.label}"


@pytest.fixture
def harness_gate() -> Callable[..., GateResult]:
    """Call with Gate fields (run, baseline, metric, min_delta, ...); fails the test with the gate's report."""

    def check(run: str | Path, baseline: str | Path | None = None, **conditions: Any) -> GateResult:
        result = check_gate(run, baseline, **conditions)
        if not result.passed:
            pytest.fail(result.report(), pytrace=False)
        return result

    return check
