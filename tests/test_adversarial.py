"""Hundreds of hostile predictions on the shipped mini Spider: nothing changes on disk, nothing is created,
every query stops within its bound, and every example gets a verdict (issue 13)."""
import sys
import time
from pathlib import Path

import pytest

from harness.benchmarks.mini_spider import build
from harness.benchmarks.spider import SpiderBenchmark
from harness.sql.execution import ExecItem, score_execution
from harness.types import Example

sys.path.insert(0, str(Path(__file__).parent))
from hostile_sql import SLOW, as_model_outputs, first_table_column, hostile, score_cases, snapshot  # noqa: E402

TIMEOUT_S = 0.25
ALLOWED = {"execution_error", "timeout", "resource_limit", "wrong_result", "no_sql", "unparseable"}


@pytest.fixture(scope="module")
def spider(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("spider-mini"))


def test_hostile_predictions_change_nothing_and_all_get_verdicts(spider, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    bench = SpiderBenchmark(spider, "dev", timeout_s=TIMEOUT_S, sql_only=True)
    golds = {}
    for example in bench.examples():
        golds.setdefault(example.inputs["db_id"], example.target)
    cases = []  # (db_id, category, output, sql_only)
    for k, db_id in enumerate(sorted(golds)):
        table, column = first_table_column(spider / "database" / db_id / f"{db_id}.sqlite")
        pairs = hostile(table, column, outside, slow=k == 0)
        cases += [(db_id, category, sql, True) for category, sql in pairs]
        if k == 0:
            cases += [(db_id, category, text, False) for category, text in as_model_outputs(pairs)]
    assert len(cases) > 400
    before = snapshot(spider, outside)

    start = time.monotonic()
    records = score_cases(bench, cases, golds)
    elapsed = time.monotonic() - start

    assert snapshot(spider, outside) == before          # byte-identical databases, no file created anywhere
    assert len(records) == len(cases)
    verdicts = {r.verdict for r in records}
    assert verdicts <= ALLOWED, verdicts - ALLOWED
    assert {"execution_error", "timeout", "resource_limit"} <= verdicts
    for (db_id, category, _, _), record in zip(cases, records):
        assert record.details["exec_seconds"] <= 1.5 * TIMEOUT_S, (category, record)
        if category in ("write", "attach", "pragma", "vacuum", "extension", "transaction", "multi_statement"):
            assert record.scores["execution_accuracy"] == 0.0, (category, record)
    # 16 runaway queries (8 in each mode) on 2+ workers, each stopped within 1.5x its limit; the rest is quick
    assert elapsed < 16 * 1.5 * TIMEOUT_S + 10


@pytest.mark.parametrize("sql", SLOW)
def test_expensive_query_stops_within_one_and_a_half_times_its_limit(spider, sql):
    db_id = "library"
    table, _ = first_table_column(spider / "database" / db_id / f"{db_id}.sqlite")
    start = time.monotonic()
    [verdict] = score_execution([ExecItem(db_id, f"SELECT 1 FROM {table}", sql.format(t=table))],
                                spider / "database", timeout_s=TIMEOUT_S)
    elapsed = time.monotonic() - start
    assert verdict.verdict in ("timeout", "resource_limit")
    assert elapsed < 1.5 * TIMEOUT_S + 0.2   # + starting the worker process


HOSTILE_TEXT = {
    "deep_json": "[" * 100_000, "deep_json_fenced": "```json\n" + '{"name": ' * 50_000 + "\n```",
    "think_loop": "<think>" * 10_000, "think_loop_closed": "<think>" * 10_000 + "</think>SELECT 1",
    "lone_surrogate": "SELECT '\udc80'", "nul": "\x00", "open_comments": "SELECT 1 " + "/*" * 20_000,
}


@pytest.mark.parametrize("name", ["spider", "bird", "sql2text", "extraction"])
def test_hostile_model_text_gets_a_verdict_in_every_benchmark(name, spider, tmp_path):
    """A looping or hostile model must not fail a run (a RecursionError in json.loads did, for extraction)
    nor make one output cost seconds (a `<think>` loop made the block regexes quadratic: 6-14 s)."""
    from harness.benchmarks import get_benchmark
    from harness.benchmarks.bird_mini import build as build_bird

    data = {"spider": spider, "sql2text": spider, "bird": build_bird(tmp_path / "bird")}.get(name)
    bench = get_benchmark(name, **({"data": data} if data else {}))
    examples = bench.examples()[:1] * len(HOSTILE_TEXT)
    examples = [Example(i, e.inputs, e.target, e.tags) for i, e in enumerate(examples)]
    for (kind, text), example in zip(HOSTILE_TEXT.items(), examples):
        start = time.monotonic()
        [scored] = bench.score([example], [text])
        assert scored.verdict, kind
        assert not kind.startswith("think") or time.monotonic() - start < 1.0, kind


def _issue_inputs(t: str, c: str) -> dict[str, str]:
    """The inputs issue 13 found crashing a whole run, each as given there."""
    nested = f"SELECT * FROM {t} WHERE {c} IN " + f"(SELECT {c} FROM {t} WHERE {c} IN " * 100 + "(1)" + ")" * 100
    parens = "SELECT " + "(" * 60 + "1" + ")" * 60
    return {"60 parentheses": parens, "100 nested subqueries": nested,
            "60 parentheses, fenced": f"```sql\n{parens}\n```", "100 nested subqueries, fenced": f"```sql\n{nested}\n```",
            "zeroblob(1e9)": f"SELECT zeroblob(1e9) FROM {t}", "1 MB statement": "SELECT " + "1+" * 500_000 + "1"}


@pytest.mark.parametrize("kind", list(_issue_inputs("t", "c")))
def test_each_input_that_crashed_a_run_is_one_quick_verdict(spider, kind):
    table, column = first_table_column(spider / "database" / "clinic" / "clinic.sqlite")
    text = _issue_inputs(table, column)[kind]
    example = next(e for e in SpiderBenchmark(spider, "dev").examples() if e.inputs["db_id"] == "clinic")
    for sql_only in (True, False):
        start = time.monotonic()
        [scored] = SpiderBenchmark(spider, "dev", timeout_s=TIMEOUT_S, sql_only=sql_only).score([example], [text])
        assert scored.verdict in ALLOWED, (kind, sql_only, scored.verdict)
        assert time.monotonic() - start < 2.0, (kind, sql_only)   # the 1 MB statement's normalisation took 63 s
