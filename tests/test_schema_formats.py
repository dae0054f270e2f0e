"""Schema prompt formats (harness/sql/schema.py): compact, CREATE TABLE DDL, M-Schema; the Spider option."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from harness.benchmarks import get_benchmark
from harness.benchmarks.spider import SpiderBenchmark
from harness.errors import ConfigError
from harness.evaluate import prompt_hash
from harness.sql.schema import read_tables, render_schema, sqlalchemy_type
from harness.train.recipe import load_recipe


def _db(path: Path, script: str) -> Path:
    con = sqlite3.connect(path)
    con.executescript(script)
    con.commit()
    con.close()
    return path


@pytest.fixture
def superhero(tmp_path: Path) -> Path:
    """The two tables of M-Schema's README example (BIRD's superhero database), with its example values."""
    return _db(tmp_path / "superhero.sqlite", """
        CREATE TABLE hero_power (hero_id INTEGER, power_id INTEGER, FOREIGN KEY (power_id) REFERENCES superpower(id));
        CREATE TABLE superpower (id INTEGER PRIMARY KEY, power_name TEXT);
        INSERT INTO hero_power VALUES (1, 1), (1, 18), (2, 26), (3, 1), (4, 18), (5, 40), (6, 41);
        INSERT INTO superpower VALUES (1, 'Agility'), (2, 'Accelerated Healing'), (3, 'Lantern Power Ring'),
                                      (4, 'Dimensional Awareness');
    """)


def test_mschema_matches_the_readme_example(superhero: Path) -> None:
    # M-Schema's README (schema_representation.png) shows this example with BIRD's column descriptions
    # ("the id of the hero Maps to superhero(id)"): SQLite has no column comments, so they are absent here.
    # It also marks hero_id "Primary Key", which the same figure's DDL does not declare; we follow the DDL.
    assert render_schema(superhero, "mschema") == """\
【DB_ID】 superhero
【Schema】
# Table: hero_power
[
(hero_id:INTEGER, Examples: [1, 2, 3]),
(power_id:INTEGER, Examples: [1, 18, 26])
]
# Table: superpower
[
(id:INTEGER, Primary Key, Examples: [1, 2, 3]),
(power_name:TEXT, Examples: [Agility, Accelerated Healing, Lantern Power Ring])
]
【Foreign keys】
hero_power.power_id=superpower.id"""


def test_mschema_types_and_example_rules_follow_sqlalchemy_and_m_schema(tmp_path: Path) -> None:
    db = _db(tmp_path / "shop.sqlite", """
        CREATE TABLE "zeta" (code varchar(20), n number, price DECIMAL(10,2), flag bool, born date,
                             mail text, note text, essay text, blob_col, odd "double precision");
        CREATE TABLE alpha (id int primary key);
        INSERT INTO zeta VALUES ('A1', 5, 3.14159, 1, '2020-01-05', 'a@example.com', 'twenty-one characters',
                                 'a text that is clearly much longer than fifty characters in all', NULL, 2.5);
        INSERT INTO zeta VALUES ('', 7, 2, 0, '2021-02-06', 'b@example.com', 'short', 'x', NULL, 1.0);
    """)
    text = render_schema(db, "mschema", "shop")
    assert text.splitlines()[2] == "# Table: alpha"  # tables in name order
    assert "\n".join(text.splitlines()[6:]) == """\
# Table: zeta
[
(code:VARCHAR, Examples: [A1]),
(n:NUMERIC, Examples: [5.0, 7.0]),
(price:DECIMAL, Examples: [3.14, 2.0]),
(flag:BOOLEAN, Examples: [True, False]),
(born:DATE, Examples: [2020-01-05]),
(mail:TEXT),
(note:TEXT, Examples: [twenty-one characters]),
(essay:TEXT),
(blob_col:NULL),
(odd:REAL, Examples: [2.5, 1.0])
]"""
    assert [sqlalchemy_type(t) for t in ("int", "UNSIGNED BIG INT", "nvarchar(5)", "CLOB", "year", "")] == \
        ["INTEGER", "INTEGER", "NVARCHAR(5)", "TEXT", "NUMERIC", "NULL"]


def test_mschema_drops_a_column_s_examples_when_sqlalchemy_cannot_read_them(tmp_path: Path) -> None:
    db = _db(tmp_path / "d.sqlite", "CREATE TABLE t (d date, n numeric); INSERT INTO t VALUES ('05/01/2020', 'n/a');")
    assert render_schema(db, "mschema").splitlines()[4:6] == ["(d:DATE),", "(n:NUMERIC)"]


def test_ddl_has_types_primary_and_foreign_keys(tmp_path: Path) -> None:
    db = _db(tmp_path / "school.sqlite", """
        CREATE TABLE student (id INTEGER PRIMARY KEY, "full name" varchar(50));
        CREATE TABLE enrolled (student_id INTEGER REFERENCES student, course TEXT, grade,
                               PRIMARY KEY (student_id, course));
    """)
    assert render_schema(db, "ddl") == """\
CREATE TABLE student (
  id INTEGER,
  "full name" varchar(50),
  PRIMARY KEY (id)
);

CREATE TABLE enrolled (
  student_id INTEGER,
  course TEXT,
  grade,
  PRIMARY KEY (student_id, course),
  FOREIGN KEY (student_id) REFERENCES student(id)
);"""
    assert read_tables(db)[1].foreign_keys == [("student_id", "student", "id")]  # `REFERENCES student` = its pk


def test_compact_lists_keys_and_foreign_keys(tiny_spider: Path) -> None:
    assert render_schema(tiny_spider / "database/concert/concert.sqlite", "compact").splitlines() == [
        "country(code text pk, name text)",
        "singer(id integer pk, name text, age integer, country text -> country.code)",
    ]


def test_spider_option_changes_prompt_identity_and_is_recorded(tiny_spider: Path) -> None:
    benches = {f: get_benchmark("spider", data=tiny_spider, split="dev", schema_format=f)
               for f in ("compact", "ddl", "mschema")}
    example = benches["compact"].examples()[0]
    users = {f: b.messages(example)[1]["content"] for f, b in benches.items()}
    assert users["compact"].startswith("Schema:\ncountry(code text pk")
    assert users["ddl"].startswith("Schema:\nCREATE TABLE country (\n  code TEXT,")
    assert users["mschema"].startswith("Schema:\n【DB_ID】 concert\n【Schema】\n# Table: country")
    assert len({prompt_hash(b.messages(example)) for b in benches.values()}) == 3  # so the cache keys differ
    identities = {f: b.prompt_identity() for f, b in benches.items()}
    assert len({i["hash"] for i in identities.values()}) == 3 and identities["ddl"]["schema_format"] == "ddl"
    assert identities["compact"]["hash"] == super(SpiderBenchmark, benches["compact"]).prompt_identity()["hash"]
    assert benches["mschema"].options["schema_format"] == "mschema"  # the manifest's benchmark_options
    with pytest.raises(ConfigError, match=r"-O schema_format=xml: expected one of compact, ddl, mschema"):
        SpiderBenchmark(tiny_spider, "dev", schema_format="xml")


def test_xiyan_recipe_trains_on_mschema(tiny_spider: Path) -> None:
    from harness.train.sft import load_benchmark, sft_rows

    recipe = load_recipe(Path(__file__).parents[1] / "adapters/recipes/spider-xiyan-qwencoder-7b.yaml",
                         [f"data.path={tiny_spider}", "data.options.exclude_dbs=[]"])
    assert recipe.data.options["schema_format"] == "mschema"
    benchmark = load_benchmark(recipe)
    [row] = sft_rows(benchmark, benchmark.examples()[:1], {})
    assert row["prompt"][1]["content"].startswith("Schema:\n【DB_ID】 ")  # what evaluation sends, too
    assert row["prompt"] == benchmark.messages(benchmark.examples()[0])
