"""BIRD: the shipped fixture, the loader and prompt, the official metrics (hand-checked), prediction formats."""
import json
import sqlite3
from pathlib import Path

import pytest

from harness.benchmarks import get_benchmark
from harness.benchmarks.bird import BirdBenchmark, read_descriptions
from harness.benchmarks.bird_mini import MINI_BIRD_DIR, build, content_hash
from harness.cli import main
from harness.errors import DataError
from harness.metrics.bird import sets_match, soft_f1, time_ratio, ves_reward
from harness.predictions import read_predictions
from harness.runs.records import load_run
from harness.sql.execution import ExecItem, score_execution
from harness.sql.sandbox import execute, open_readonly


@pytest.fixture(scope="module")
def mini_bird(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("bird") / "mini")


def official_json(rows: list[dict], sqls: list[str]) -> dict[str, str]:
    return {str(i): f"{sql}\t----- bird -----\t{row['db_id']}" for i, (row, sql) in enumerate(zip(rows, sqls))}


# ------------------------------------------------------------------ fixture
def test_fixture_builds_the_bird_layout(mini_bird):
    dev = json.loads((mini_bird / "dev.json").read_text())
    assert len(dev) == 30 and {r["difficulty"] for r in dev} == {"simple", "moderate", "challenging"}
    assert all(set(r) == {"question_id", "db_id", "question", "evidence", "SQL", "difficulty"} for r in dev)
    for split, db in (("dev", "bank_loans"), ("dev", "formula_one"), ("dev", "school_finance"), ("train", "card_shop")):
        folder = mini_bird / f"{split}_databases" / db
        assert (folder / f"{db}.sqlite").is_file()
        source = MINI_BIRD_DIR / f"{split}_databases" / db / "database_description"
        for csv_file in source.glob("*.csv"):
            assert (folder / "database_description" / csv_file.name).read_bytes() == csv_file.read_bytes()
    gold = (mini_bird / "dev_gold.sql").read_text().splitlines()
    assert gold[0] == f"{dev[0]['SQL']}\t{dev[0]['db_id']}" and len(gold) == 30
    assert content_hash() == content_hash(MINI_BIRD_DIR)


def test_run_without_data_uses_the_cached_fixture(tmp_path, monkeypatch):
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path))
    bench = get_benchmark("bird")
    assert len(bench.examples()) == 30 and bench.root.name.startswith("bird-mini-")
    assert len(get_benchmark("bird", split="train").examples()) == 8


# ------------------------------------------------------------------ loader and prompt
def test_examples_carry_evidence_difficulty_and_question_id(mini_bird):
    bench = BirdBenchmark(mini_bird)
    first = bench.examples()[0]
    assert first.inputs == {"db_id": "school_finance", "question_id": 0, "evidence": "charter schools refers to Charter = 1",
                            "question": "How many schools in Alameda county are charter schools?"}
    assert first.tags == {"db_id": "school_finance", "difficulty": "simple"}
    train = BirdBenchmark(mini_bird, "train").examples()
    assert "difficulty" not in train[0].tags  # BIRD's train.json has no difficulty


def test_evidence_option_shapes_the_prompt_and_its_hash(mini_bird):
    with_ev, without = BirdBenchmark(mini_bird), BirdBenchmark(mini_bird, evidence=False)
    example = with_ev.examples()[0]
    text = with_ev.messages(example)[1]["content"]
    assert text.startswith("Schema:\nschools(CDSCode text pk, School text")
    assert text.endswith("Question: How many schools in Alameda county are charter schools?\n"
                         "Evidence: charter schools refers to Charter = 1")
    assert "Evidence" not in without.messages(example)[1]["content"]
    assert with_ev.prompt_identity()["hash"] != without.prompt_identity()["hash"]
    assert with_ev.chat(example)[-1] == {"role": "assistant", "content": example.target}


def test_descriptions_read_despite_bom_and_windows_1252(mini_bird):
    notes = read_descriptions(mini_bird / "dev_databases" / "bank_loans" / "database_description")
    assert notes[("district", "A3")] == "region; values: Czech names written without diacritics \u2013 e.g. Brno - mesto"
    assert notes[("loan", "status")].startswith("repayment status; values: 'A' stands for contract finished")
    assert ("client", "gender") in notes and ("client", "client_id") in notes
    prompt = BirdBenchmark(mini_bird, descriptions=True, sample_values=2).schema("bank_loans")
    assert "\n\nColumns:\n" in prompt and "loan.status: repayment status; values: 'A' stands for" in prompt
    assert "client.gender: values: F: female; M: male; e.g. 'F', 'M'" in prompt


def test_bad_rows_fail_with_their_location(tmp_path, mini_bird):
    (tmp_path / "dev_databases" / "db").mkdir(parents=True)
    rows = [{"db_id": "db", "question": "q?", "SQL": "SELECT 1", "difficulty": "hard"}]
    (tmp_path / "dev.json").write_text(json.dumps(rows))
    with pytest.raises(DataError, match=r"dev.json: record 0: field 'difficulty' must be one of simple, moderate"):
        BirdBenchmark(tmp_path).examples()
    (tmp_path / "dev.json").write_text(json.dumps([{"db_id": "nope", "question": "q?", "SQL": "SELECT 1"}]))
    with pytest.raises(DataError, match=r"record 0: database folder .*nope does not exist"):
        BirdBenchmark(tmp_path).examples()
    with pytest.raises(DataError, match="ves_repeats=1"):
        BirdBenchmark(mini_bird, ves_repeats=1)


# ------------------------------------------------------------------ metrics, checked by hand
def test_soft_f1_readme_example_and_edge_cases():
    gold = [("Apple", 325), ("Orange", None), ("Banana", 119)]
    pred = [(325, "Apple"), (191, "Orange"), (None, "Banana")]
    # mini_dev's README works this example to 0.8 by treating the blank cells as absent; its script counts
    # None as a value (row 2: gold_only 1, row 3: pred_only 1): tp 4, fp 2, fn 2 -> 2/3, what we reproduce.
    assert soft_f1(gold, pred) == pytest.approx(2 / 3)
    assert soft_f1([], []) == 1.0 and soft_f1([(1,)], []) == 0.0 and soft_f1([], [(1,)]) == 0.0
    # rows pair by position after dropping repeats: the same set in another order scores less than 1
    assert soft_f1([(1,), (2,)], [(2,), (1,)]) == 0.0
    assert soft_f1([(1,), (2,)], [(1,), (1,), (2,)]) == 1.0
    # one extra predicted row: tp 1, fp 1, fn 0 -> precision 1/2, recall 1 -> F1 2/3
    assert soft_f1([(1,)], [(1,), (3,)]) == pytest.approx(2 / 3)


def test_set_equality_ignores_order_and_repeats_but_not_values():
    assert sets_match([(1, "a"), (2, "b")], [(2, "b"), (1, "a"), (1, "a")])
    assert sets_match([(1,)], [(1.0,)])  # Python equality, as the official set() comparison
    assert not sets_match([(1, "a")], [("a", 1)])  # no column permutation search, unlike Spider


def test_ves_reward_buckets_and_outlier_filter():
    assert [ves_reward(r) for r in (0, 0.1, 0.25, 0.5, 1, 1.99, 2, 5)] == [0, 0.25, 0.5, 0.75, 1, 1, 1.25, 1.25]
    # ratios 1 (x19) and 100: the outlier is beyond 3 standard deviations and dropped
    assert time_ratio([1.0] * 19 + [100.0], [1.0] * 20) == 1.0
    assert time_ratio([1.0], [1.0]) == 0.0  # one run: the official filter keeps nothing, reward 0


# ------------------------------------------------------------------ engine: set semantics
def test_engine_set_mode_differs_from_spider_where_set_vs_bag_decides(mini_bird):
    db_dir = mini_bird / "dev_databases"
    gold = ("SELECT T3.name, T3.year FROM results AS T1 INNER JOIN drivers AS T2 ON T1.driverId = T2.driverId "
            "INNER JOIN races AS T3 ON T1.raceId = T3.raceId WHERE T2.nationality = 'British' AND T1.position <= 3")
    deduped = gold.replace("SELECT", "SELECT DISTINCT", 1)
    items = [ExecItem("formula_one", gold, deduped), ExecItem("formula_one", gold, gold + " ORDER BY T3.year DESC"),
             ExecItem("formula_one", gold, "SELECT T3.year, T3.name" + gold.split("T3.year", 1)[1]),
             ExecItem("formula_one", gold, "SELECT nope FROM races"), ExecItem("formula_one", gold, None)]
    bird = score_execution(items, db_dir, workers=1, comparison="set")
    spider = score_execution(items, db_dir, workers=1, keep_distinct=True)
    assert [v.verdict for v in bird] == ["correct", "correct", "wrong_result", "execution_error", "no_sql"]
    assert [v.verdict for v in spider][:3] == ["wrong_result", "correct", "correct"]
    # Soft-F1 ignores column order but pairs rows by position: swapped columns 1.0, reordered rows less
    assert [v.soft_f1 for v in bird][2:] == [1.0, 0.0, 0.0] and bird[0].soft_f1 == 1.0
    assert 0.0 < bird[1].soft_f1 < 1.0
    assert all(v.soft_f1 is None for v in spider)


def test_distinct_fetch_caps_distinct_rows_not_rows(tmp_path):
    db = tmp_path / "big.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE t (x INTEGER)")
        conn.executemany("INSERT INTO t VALUES (?)", [(i % 3,) for i in range(5000)])
    conn = open_readonly(db)
    try:
        assert execute(conn, "SELECT x FROM t", max_rows=100).truncated
        result = execute(conn, "SELECT x FROM t", max_rows=100, distinct=True)
        assert result.rows == [(0,), (1,), (2,)] and not result.truncated
        assert execute(conn, "SELECT rowid FROM t", max_rows=100, distinct=True).truncated
    finally:
        conn.close()
    items = [ExecItem("big", "SELECT DISTINCT x FROM t", "SELECT x FROM t")]
    (tmp_path / "dbs" / "big").mkdir(parents=True)
    db.rename(tmp_path / "dbs" / "big" / "big.sqlite")
    [verdict] = score_execution(items, tmp_path / "dbs", workers=1, comparison="set", max_rows=100)
    assert verdict.verdict == "correct" and verdict.soft_f1 == 1.0


# ------------------------------------------------------------------ prediction formats and the CLI
def test_official_prediction_json_is_read_as_the_official_scripts_read_it(tmp_path):
    path = tmp_path / "pred.json"
    path.write_text(json.dumps({"0": "SELECT 1\t----- bird -----\tdb", "1": "  SELECT 2  ", "2": None,
                                "3": "SELECT '\t----- bird -----\t'\t----- bird -----\tdb"}, indent=4))
    assert read_predictions(path, 4) == ["SELECT 1", "SELECT 2", "", "SELECT '\t----- bird -----\t'\t----- bird -----\tdb"]
    path.write_text(json.dumps({"zero": "SELECT 1"}))
    with pytest.raises(DataError, match=r"key .zero.: expected a question id"):
        read_predictions(path, 1)


def test_score_gold_as_official_predictions_gives_one(mini_bird, tmp_path):
    rows = json.loads((mini_bird / "dev.json").read_text())
    pred = tmp_path / "gold.json"
    pred.write_text(json.dumps(official_json(rows, [r["SQL"] for r in rows]), indent=4))
    out = tmp_path / "run"
    assert main(["score", "bird", "--data", str(mini_bird), "--predictions", str(pred), "--out", str(out),
                 "-O", "ves_repeats=2"]) == 0
    summary, records = load_run(out)
    assert summary.metrics["execution_accuracy"].value == 1.0 and summary.metrics["soft_f1"].value == 1.0
    assert summary.breakdowns["difficulty"]["challenging"]["n"] == 4
    assert summary.manifest["benchmark_options"]["ves_repeats"] == 2
    assert summary.extra["r_ves"]["hardware_dependent"] is True
    assert [r.index for r in records] == list(range(30))
    assert all(r.verdict == "correct" and r.scores["soft_f1"] == 1.0 and r.scores["r_ves"] > 0 for r in records)


def test_gold_results_are_kept_across_runs(mini_bird, tmp_path, monkeypatch):
    """A second scoring reads the gold results the first stored: rewritten in the store, they decide the verdicts."""
    import marshal

    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    bench = BirdBenchmark(mini_bird, workers=1)
    examples = bench.examples()[:6]
    golds = [e.target for e in examples]
    predictions = [f"{gold}\n-- the gold query, run as a prediction" for gold in golds]
    assert [s.verdict for s in bench.score(examples, predictions)] == ["correct"] * 6
    store = sqlite3.connect(tmp_path / "cache" / "derived.sqlite")
    with store:
        stored = store.execute("UPDATE blobs SET value = ? WHERE key LIKE 'gold:%'",
                               (marshal.dumps(([("not the gold result",)], 0.0)),)).rowcount
    store.close()
    assert stored == len(set(golds))
    assert [s.verdict for s in bench.score(examples, predictions)] == ["wrong_result"] * 6


def test_score_mixed_jsonl_predictions(mini_bird, tmp_path):
    rows = json.loads((mini_bird / "dev.json").read_text())
    outputs = {0: f"```sql\n{rows[0]['SQL']}\n```", 1: rows[1]["SQL"].replace("DISTINCT ", ""),
               2: "I don't know.", 3: "SELECT County FROM schools"}
    pred = tmp_path / "pred.jsonl"
    pred.write_text("".join(json.dumps({"index": i, "prediction": p}) + "\n" for i, p in outputs.items()))
    out = tmp_path / "run"
    assert main(["score", "bird", "--data", str(mini_bird), "--predictions", str(pred), "--out", str(out),
                 "--limit", "4"]) == 0
    _, records = load_run(out)
    assert [r.verdict for r in records] == ["correct", "correct", "no_sql", "wrong_result"]
    assert [r.scores["soft_f1"] for r in records][:3] == [1.0, 1.0, 0.0]
    assert "r_ves" not in records[0].scores


def test_training_recipe_uses_the_same_prompt(mini_bird, tmp_path, tiny_model_dir):
    from harness.train.recipe import load_recipe
    from harness.train.sft import load_benchmark, sft_rows, training_examples

    path = tmp_path / "bird.yaml"
    path.write_text(f"model: {tiny_model_dir}\noutput_dir: {tmp_path / 'adapter'}\n"
                    f"data: {{benchmark: bird, split: train, path: {mini_bird}, options: {{descriptions: true}}}}\n"
                    "lora: {r: 4, lora_alpha: 8, target_modules: [q_proj]}\n")
    recipe = load_recipe(path, [])
    bench = load_benchmark(recipe)
    rows = sft_rows(bench, training_examples(recipe, bench), {})
    example = BirdBenchmark(mini_bird, "train", descriptions=True).examples()[1]
    assert rows[1]["prompt"] == BirdBenchmark(mini_bird, "train", descriptions=True).messages(example)
    assert rows[1]["completion"][0]["content"] == "SELECT name FROM cards WHERE colors = 'B'"
    assert "cards.colors: color of the card; values: W: White" in rows[1]["prompt"][1]["content"]


def test_run_path_generates_from_bird_prompts_and_scores(mini_bird, tmp_path, tiny_model_dir):
    from harness.evaluate import GenerationSpec, run
    from harness.models import resolve_model
    from harness.runs.cache import GenerationCache
    from harness.types import Generation, Sampling

    bench = BirdBenchmark(mini_bird, workers=1)
    gold = {e.inputs["question"]: e.target for e in bench.examples()}

    class Scripted:
        def generate(self, requests, sampling):
            for i, request in enumerate(requests):
                question = request.messages[-1]["content"].split("Question: ", 1)[1].split("\nEvidence: ")[0]
                answer = gold[question] if i % 2 == 0 else "SELECT 1"
                yield i, Generation(f"```sql\n{answer}\n```", 10, 5, 0.01)

    spec = GenerationSpec(model=resolve_model(str(tiny_model_dir)), sampling=Sampling(max_new_tokens=8))
    with GenerationCache(tmp_path / "cache.sqlite") as cache:
        [variant] = run(bench, spec, tmp_path / "out", cache, backend_factory=Scripted)
    assert variant.summary.metrics["execution_accuracy"].value == 0.5
    assert [r.correct for r in variant.records[:4]] == [True, False, True, False]
