"""Every extraction counting rule, on hand-written cases."""
from __future__ import annotations

import json

import pytest

from harness.metrics.fields import Schema, judge, normalize, parse_json_object, schema_errors, summarize_judgements

SCHEMA = Schema(fields=("name", "address", "email", "question"), optional=frozenset({"name", "address", "email"}),
                casefold=frozenset({"email"}))
GOLD = {"name": "龙琳", "address": "宁夏回族自治区璐市城东林街g座 955491", "email": "nafan@example.com",
        "question": "小区垃圾堆积成山，怎么办？"}


def answer(**changes: object) -> str:
    return json.dumps({**GOLD, **changes}, ensure_ascii=False)


def test_all_equal_is_correct_with_one_tp_per_field() -> None:
    j = judge(answer(), GOLD, SCHEMA)
    assert j.verdict == "correct" and j.parsed and j.schema_valid
    assert j.counts == {f: {"tp": 1} for f in SCHEMA.fields}


def test_normalisation_nfkc_whitespace_and_email_case() -> None:
    j = judge(answer(email=" NaFan＠Example.COM ", question=" 小区垃圾堆积成山,怎么办? ",
                     address="宁夏回族自治区璐市城东林街ｇ座\t955491"), GOLD, SCHEMA)
    assert j.verdict == "correct"
    assert j.extracted["email"] == "nafan@example.com"
    # case matters outside casefold fields
    assert not judge(answer(name="ann lee"), {**GOLD, "name": "Ann Lee"}, SCHEMA).exact["name"]
    assert normalize("Ab", casefold=False) == "Ab" and normalize("  ") is None and normalize(12) == "12"


def test_wrong_value_is_one_fp_and_one_fn() -> None:
    j = judge(answer(name="张伟"), GOLD, SCHEMA)
    assert j.counts["name"] == {"wrong": 1} and j.verdict == "partial"
    p, r, f = _prf([j])
    assert (p, r) == (3 / 4, 3 / 4)


def test_missing_value_null_absent_or_empty_string() -> None:
    for output in (answer(email=None), answer(email=""),
                   json.dumps({k: v for k, v in GOLD.items() if k != "email"}, ensure_ascii=False)):
        j = judge(output, GOLD, SCHEMA)
        assert j.counts["email"] == {"missing": 1}
        assert not j.exact["email"]
    absent = judge(json.dumps({k: v for k, v in GOLD.items() if k != "email"}, ensure_ascii=False), GOLD, SCHEMA)
    assert not absent.schema_valid and absent.schema_errors == ["missing field 'email'"]
    assert _prf([absent]) == (1.0, 3 / 4, pytest.approx(6 / 7))


def test_hallucinated_value_where_gold_is_null() -> None:
    gold = {**GOLD, "name": None}
    j = judge(answer(name="龙琳"), gold, SCHEMA)
    assert j.counts["name"] == {"hallucinated": 1} and not j.exact["name"]
    assert _prf([j])[:2] == (3 / 4, 1.0)


def test_both_null_is_exact_and_uncounted() -> None:
    gold = {**GOLD, "name": None}
    j = judge(answer(name=None), gold, SCHEMA)
    assert j.exact["name"] and j.counts["name"] == {} and j.verdict == "correct"


def test_unparseable_is_wrong_everywhere_counted_as_unparsed_not_fp() -> None:
    gold = {**GOLD, "name": None}
    j = judge("I cannot help with that.", gold, SCHEMA)
    assert j.verdict == "unparseable" and not j.parsed and not j.schema_valid and j.extracted is None
    assert j.exact == {f: False for f in SCHEMA.fields}  # even the gold-null field
    assert j.counts == {"name": {}, "address": {"unparsed": 1}, "email": {"unparsed": 1}, "question": {"unparsed": 1}}
    metrics = summarize_judgements([j.to_record()], SCHEMA)
    assert metrics["parse_rate"] == 0.0 and metrics["micro_recall"] == 0.0 and metrics["micro_precision"] == 0.0
    assert metrics["missing_rate"] == 0.0  # unparsed is reported by parse_rate, not as missing


@pytest.mark.parametrize("text", [
    "```json\n" + answer() + "\n```",
    "Here you go:\n```\n" + answer() + "\n```\nAnything else?",
    "Sure! " + answer() + " Hope it helps.",
])
def test_fenced_or_wrapped_json_parses(text: str) -> None:
    assert judge(text, GOLD, SCHEMA).verdict == "correct"


def test_json_that_is_not_an_object_parses_but_is_schema_invalid() -> None:
    j = judge('["龙琳"]', GOLD, SCHEMA)
    assert j.parsed and not j.schema_valid and j.verdict == "wrong"
    assert j.schema_errors == ["expected a JSON object, got list"]
    assert all(c == {"missing": 1} for c in j.counts.values())
    assert parse_json_object("{not json}") == (False, None)


def test_schema_errors_extra_field_wrong_type_required_null() -> None:
    errors = schema_errors({**GOLD, "phone": "138", "name": 5, "question": None}, SCHEMA)
    assert errors == ["unexpected field 'phone'", "field 'name' must be a string", "field 'question' is empty but required"]
    j = judge(answer(phone="138"), GOLD, SCHEMA)
    assert not j.schema_valid and j.verdict == "correct"  # extra keys don't change field scores


def test_list_fields_count_items_as_sets() -> None:
    schema = Schema(fields=("emails",), lists=frozenset({"emails"}), casefold=frozenset({"emails"}))
    gold = {"emails": ["a@x.com", "b@x.com"]}
    j = judge('{"emails": ["B@x.com", "c@x.com", "b@x.com"]}', gold, schema)
    assert j.counts["emails"] == {"tp": 1, "missing": 1, "hallucinated": 1} and not j.exact["emails"]
    assert judge('{"emails": ["b@x.com", "A@X.com"]}', gold, schema).exact["emails"]
    assert judge('{"emails": []}', {"emails": []}, schema).exact["emails"]
    assert schema_errors({"emails": "a@x.com"}, schema) == ["field 'emails' must be a list of strings"]
    assert judge("nope", gold, schema).counts["emails"] == {"unparsed": 2}


def test_micro_and_macro_differ_and_verdict_counts() -> None:
    records = [judge(answer(), GOLD, SCHEMA).to_record(),                       # 4 tp
               judge(answer(name="x", address="y"), GOLD, SCHEMA).to_record(),  # 2 tp, 2 wrong
               judge(answer(email=None), GOLD, SCHEMA).to_record(),             # 3 tp, 1 missing
               judge("garbage", GOLD, SCHEMA).to_record()]                      # 4 unparsed
    m = summarize_judgements(records, SCHEMA)
    assert m["micro_precision"] == pytest.approx(9 / 11)
    assert m["micro_recall"] == pytest.approx(9 / 16)
    per_field_f1 = {"name": _f1(2 / 3, 2 / 4), "address": _f1(2 / 3, 2 / 4), "email": _f1(1.0, 2 / 4),
                    "question": _f1(1.0, 3 / 4)}
    assert m["macro_f1"] == pytest.approx(sum(per_field_f1.values()) / 4)
    assert m["micro_f1"] == pytest.approx(_f1(9 / 11, 9 / 16))
    assert m["all_fields_exact"] == 0.25 and m["parse_rate"] == 0.75
    assert m["missing_rate"] == pytest.approx(1 / 16) and m["hallucination_rate"] == 0.0
    assert m["exact_name"] == 0.5 and m["exact_email"] == 0.5 and m["exact_question"] == 0.75
    assert [r["verdict"] for r in records] == ["correct", "partial", "partial", "unparseable"]


def test_precision_recall_when_nothing_to_find_or_claim() -> None:
    schema = Schema(fields=("name",), optional=frozenset({"name"}))
    both_null = judge('{"name": null}', {"name": None}, schema).to_record()
    assert summarize_judgements([both_null], schema)["micro_f1"] == 1.0
    invented = judge('{"name": "x"}', {"name": None}, schema).to_record()
    m = summarize_judgements([invented], schema)
    assert (m["micro_precision"], m["micro_recall"], m["hallucination_rate"]) == (0.0, 0.0, 1.0)


def test_schema_from_mapping_validates() -> None:
    assert Schema.from_mapping({"fields": ["a", "b"], "optional": ["b"]}) == Schema(("a", "b"), frozenset({"b"}))
    with pytest.raises(ValueError, match="include"):
        Schema.from_mapping({"fields": ["a"], "lists": ["c"]})
    with pytest.raises(ValueError, match="unknown keys"):
        Schema.from_mapping({"fields": ["a"], "list": ["a"]})


def _prf(judgements: list) -> tuple[float, float, float]:
    m = summarize_judgements([j.to_record() for j in judgements], SCHEMA)
    return m["micro_precision"], m["micro_recall"], m["micro_f1"]


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r)


def test_empty_string_for_a_required_field_breaks_the_schema_like_null() -> None:
    assert schema_errors({**GOLD, "question": "  "}, SCHEMA) == ["field 'question' is empty but required"]
    assert schema_errors({**GOLD, "email": ""}, SCHEMA) == []  # optional: empty is allowed
