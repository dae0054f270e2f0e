"""The gold audit: a Spider fixture plants every category, the clean tiny Spider reports nothing; caching,
the command, and what runs carry (counts, the unambiguous subset)."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from harness.benchmarks import get_benchmark
from harness.cli import main as cli_main
from harness.trust import audit as audit_module
from harness.trust.audit import SPIDER_CATEGORIES, audit

# (category it plants, question, gold SQL); the index of each example is its position here.
PLANTED = [
    ("limit_tie", "Most expensive item?", "SELECT name FROM item ORDER BY price DESC LIMIT 1"),
    ("order_tie", "Items by group.", "SELECT name FROM item ORDER BY grp"),
    ("empty_gold", "Items over 1000.", "SELECT name FROM item WHERE price > 1000"),
    ("trivial_gold", "How many free items?", "SELECT count(*) FROM item WHERE price < 0"),
    ("nondeterministic", "Any item.", "SELECT name FROM item ORDER BY random() LIMIT 1"),
    ("slow_gold", "Count forever.",
     "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"),
    ("gold_error", "Stock of each item.", "SELECT stock FROM item"),  # the test-suite copy lacks the column
    ("duplicate_question", "How many items?", "SELECT count(*) FROM item"),
    ("duplicate_question", "how many  ITEMS", "SELECT count(name) FROM item"),
    ("duplicate_sql", "Name of item 1.", "SELECT name FROM item WHERE id = 1"),
    ("duplicate_sql", "What is item one called?", "select  NAME from item where id=1"),
    (None, "First two items by id.", "SELECT name FROM item ORDER BY id LIMIT 2"),  # unique key: no tie
    (None, "Highest price (tied rows are identical).", "SELECT price FROM item ORDER BY price DESC LIMIT 1"),
]


def build_planted_spider(root: Path) -> Path:
    folder = root / "database" / "store"
    folder.mkdir(parents=True)
    for name, stock in (("store.sqlite", True), ("store_alt.sqlite", False)):
        con = sqlite3.connect(folder / name)
        con.execute(f"CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT, price REAL, grp INTEGER"
                    f"{', stock INTEGER' if stock else ''})")
        rows = [(1, "pen", 30.0, 1), (2, "book", 30.0, 1), (3, "lamp", 5.0, 2), (4, "cup", 2.0, 3)]
        con.executemany(f"INSERT INTO item (id, name, price, grp{', stock' if stock else ''}) VALUES "
                        f"(?, ?, ?, ?{', 7' if stock else ''})", rows)
        con.commit()
        con.close()
    dev = [{"db_id": "store", "question": q, "query": sql} for _, q, sql in PLANTED]
    (root / "dev.json").write_text(json.dumps(dev, indent=1))
    return root


@pytest.fixture
def planted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    return build_planted_spider(tmp_path / "planted")


def _expected() -> dict[str, list[int]]:
    expected: dict[str, list[int]] = {c: [] for c in SPIDER_CATEGORIES}
    for index, (category, _, _) in enumerate(PLANTED):
        if category:
            expected[category].append(index)
    expected["gold_error"].append(5)  # the endless query also times out: it has no result to compare with
    return expected


def test_every_planted_spider_category_is_found_and_nothing_else(planted: Path) -> None:
    result = audit(get_benchmark("spider", data=str(planted), split="dev", timeout_s=0.3))
    assert result.findings == {c: sorted(v) for c, v in _expected().items()}
    assert result.n == len(PLANTED)
    assert result.slowest[0][0] == 5 and result.slowest[0][1] >= 0.3
    assert "store_alt.sqlite" in result.errors[6] and "no such column: stock" in result.errors[6]
    assert result.sentence().startswith(f"n = {len(PLANTED)}; 2 gold queries fail, 1 return no rows")
    assert "1 gold queries tie at LIMIT" in result.sentence()


def test_clean_data_reports_nothing(tiny_spider: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    result = audit(get_benchmark("spider", data=str(tiny_spider), split="dev"))
    assert result.findings == {c: [] for c in SPIDER_CATEGORIES}
    assert result.sentence() == "n = 6; no findings"


def test_audit_is_cached_per_fingerprint(planted: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    options = {"data": str(planted), "split": "dev", "timeout_s": 0.3}
    first = audit(get_benchmark("spider", **options))

    def fail(_benchmark):
        raise AssertionError("the audit ran again")

    monkeypatch.setitem(audit_module.AUDITS, "spider", fail)
    assert audit(get_benchmark("spider", **options)) == first
    con = sqlite3.connect(planted / "database" / "store" / "store.sqlite")
    con.execute("INSERT INTO item VALUES (5, 'box', 1.0, 4, 1)")
    con.commit()
    con.close()
    with pytest.raises(AssertionError, match="ran again"):  # a changed database file is a new fingerprint
        audit(get_benchmark("spider", **options))


def test_audit_command_writes_audit_json(planted: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert cli_main(["audit", "spider", "--data", str(planted), "--split", "dev", "-O", "timeout_s=0.3",
                     "--out", str(tmp_path / "out")]) == 0
    written = json.loads((tmp_path / "out" / "audit.json").read_text())
    assert written["findings"]["limit_tie"] == [0] and written["n"] == len(PLANTED)
    assert len(written["fingerprint"]) == 64
    out = capsys.readouterr().out
    assert f"n = {len(PLANTED)}; 2 gold queries fail" in out and "limit_tie" in out


def test_scored_run_carries_the_audit_and_the_unambiguous_subset(planted: Path, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture) -> None:
    predictions = tmp_path / "gold.sql"
    predictions.write_text("".join(sql + "\n" for _, _, sql in PLANTED))
    out = tmp_path / "run"
    assert cli_main(["score", "spider", "--data", str(planted), "--split", "dev", "--predictions", str(predictions),
                     "-O", "timeout_s=0.3", "-O", "exclude_ambiguous=true", "--out", str(out)]) == 0
    summary = json.loads((out / "summary.json").read_text())
    trust = summary["extra"]["trust"]
    assert trust["audit"]["counts"]["limit_tie"] == 1 and trust["audit"]["n"] == len(PLANTED)
    ambiguous = {i for c, v in _expected().items() if c in audit_module.AMBIGUOUS for i in v}
    assert trust["unambiguous"]["n"] == len(PLANTED) - len(ambiguous)
    # Gold as predictions: every unambiguous example is correct (the failing and timed-out golds are not).
    assert trust["unambiguous"]["metrics"]["execution_accuracy"]["value"] == 1.0
    assert summary["metrics"]["execution_accuracy"]["value"] < 1.0
    printed = capsys.readouterr().out
    assert "gold audit: n = 13;" in printed and "unambiguous examples" in printed
    from harness.report.leaderboard import load_boards, to_html, to_markdown

    boards = load_boards([out])
    assert "- gold audit: n = 13; 2 gold queries fail" in to_markdown(boards)
    assert "gold audit: n = 13;" in to_html(boards)


def test_exclude_ambiguous_must_be_a_boolean(planted: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    predictions = tmp_path / "p.sql"
    predictions.write_text("SELECT 1\n" * len(PLANTED))
    assert cli_main(["score", "spider", "--data", str(planted), "--split", "dev", "--predictions", str(predictions),
                     "-O", "exclude_ambiguous=maybe"]) == 2
    assert "exclude_ambiguous='maybe': expected true or false" in capsys.readouterr().err


def test_extraction_audit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    fields = {"name": "Ann Lee", "address": None, "email": "ann@example.com", "question": "Where is my parcel?"}
    rows = [
        {"text": "Ann Lee, ann@example.com: Where is my parcel?", "fields": fields},
        {"text": "ann lee,  ANN@example.com: where is my parcel?", "fields": fields},  # duplicate input
        {"text": "Bo Ng asks: refund?", "fields": {"name": "Bo Ng", "address": None, "email": None,
                                                   "question": "Can I get a refund?"}},  # not in the text
        {"text": "Nothing here.", "fields": {"name": None, "address": None, "email": None, "question": ""}},
    ]
    path = _write(tmp_path / "x.jsonl", rows)
    # Every field optional, so that a row with no value at all loads (the default schema requires a question).
    schema = {"fields": list(fields), "optional": list(fields)}
    result = audit(get_benchmark("extraction", data=str(path), schema=schema))
    assert result.findings == {"duplicate_input": [0, 1], "empty_reference": [3], "reference_not_in_text": [2]}
    clean = audit(get_benchmark("extraction", data=str(_write(tmp_path / "clean.jsonl", rows[:1])), schema=schema))
    assert clean.findings == {"duplicate_input": [], "empty_reference": [], "reference_not_in_text": []}


def test_sql2text_audit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    context = "CREATE TABLE t (a INTEGER, b TEXT)"
    rows = [{"question": "All b?", "context": context, "answer": "SELECT b FROM t"},
            {"question": "Every b value?", "context": context, "answer": "select  B from T"},
            {"question": "Broken?", "context": context, "answer": "SELEC b FROM t"},
            {"question": "Large a?", "context": context, "answer": "SELECT a FROM t WHERE a > 3"}]
    result = audit(get_benchmark("sql2text", data=str(_write(tmp_path / "s.jsonl", rows))))
    assert result.findings == {"duplicate_input": [0, 1], "gold_unparsed": [2]}
    clean = audit(get_benchmark("sql2text", data=str(_write(tmp_path / "c.jsonl", rows[3:]))))
    assert clean.findings == {"duplicate_input": [], "gold_unparsed": []}


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path
