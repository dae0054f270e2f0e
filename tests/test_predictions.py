import json

import pytest

from harness.errors import DataError
from harness.predictions import read_predictions


def test_jsonl_any_order_and_records_format(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps({"index": 1, "prediction": "b"}) + "\n" + json.dumps({"index": 0, "raw_output": "a"}) + "\n")
    assert read_predictions(path, 2) == ["a", "b"]


def test_plain_lines_strip_official_db_suffix(tmp_path):
    path = tmp_path / "p.sql"
    path.write_text("SELECT 1\tconcert\nSELECT 2\nSELECT x FROM t WHERE y = 'a\t'\tdb_1\n")
    assert read_predictions(path, 3) == ["SELECT 1", "SELECT 2", "SELECT x FROM t WHERE y = 'a\t'"]


@pytest.mark.parametrize("content, message", [
    ('{"index": 0, "prediction": "a"}\n{"index": 0, "prediction": "b"}\n', "line 2: index 0 appears twice"),
    ('{"index": 0, "prediction": "a"}\n{"index": "1", "prediction": "b"}\n', "line 2: field 'index'"),
    ('{"index": 0, "prediction": 5}\n', "line 1: field 'prediction' must be a string"),
    ('{"index": 0, "prediction": "a"}\n{oops\n', "line 2: invalid JSON"),
    ('{"index": 0, "prediction": "a"}\n', "no prediction for 1 of 2 examples (index 1)"),
    ('{"index": 0, "prediction": "a"}\n{"index": 1, "prediction": "a"}\n{"index": 2, "prediction": "a"}\n',
     "1 predictions beyond the 2 examples"),
])
def test_bad_files_name_the_line_and_field(tmp_path, content, message):
    path = tmp_path / "p.jsonl"
    path.write_text(content)
    with pytest.raises(DataError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_predictions(path, 2)


def test_extra_lines_allowed_when_scoring_a_prefix(tmp_path):
    path = tmp_path / "p.sql"
    path.write_text("a\nb\nc\n")
    assert read_predictions(path, 2, allow_extra=True) == ["a", "b"]
    with pytest.raises(DataError):
        read_predictions(path, 2)


def test_official_lines_split_on_newline_only(tmp_path):
    # a form feed, \x1c and a Unicode line separator inside SQL must not shift later predictions
    path = tmp_path / "p.sql"
    path.write_text("SELECT 1\x0cFROM t\r\nSELECT '\x1c\u2028\x85'\nSELECT 3\n", encoding="utf-8")
    assert read_predictions(path, 3) == ["SELECT 1\x0cFROM t", "SELECT '\x1c\u2028\x85'", "SELECT 3"]


def test_surrounding_whitespace_and_trailing_blank_lines(tmp_path):
    path = tmp_path / "p.sql"
    path.write_text("  SELECT 1;  \n\tSELECT 2 ;\tconcert_singer \n\n  \n")
    assert read_predictions(path, 2) == ["SELECT 1;", "SELECT 2 ;"]


@pytest.mark.parametrize("data", [{"1": "SELECT 2\tdb", "0": " SELECT 1 "}, ["SELECT 1", "SELECT 2"]])
def test_json_keyed_by_question_id_or_list(tmp_path, data):
    path = tmp_path / "p.json"
    path.write_text(json.dumps(data, indent=1))
    assert read_predictions(path, 2) == ["SELECT 1", "SELECT 2"]


@pytest.mark.parametrize("name, content, message", [
    ("p.json", '{"q1": "SELECT 1"}', "key 'q1': expected a question id"),
    ("p.jsonl", '{"index": 0, "prediction": "a"}\n{"index": 1, "prediction": "\\udc80"}\n',
     "line 2: prediction holds a lone surrogate"),
    ("p.json", '{"0": "SELECT \\ud800"}', "key '0': prediction holds a lone surrogate"),
])
def test_bad_json_names_the_key_or_line(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(DataError, match=message):
        read_predictions(path, 2)


def test_invalid_utf8_names_the_line(tmp_path):
    path = tmp_path / "p.sql"
    path.write_bytes(b"SELECT 1\nSELECT '\xff'\n")
    with pytest.raises(DataError, match=r"p.sql: line 2: not valid UTF-8"):
        read_predictions(path, 2)
