"""Write the golden predictions for sql2text and extraction: one fixed, hand-reviewable case per example.

    python reports/golden/make_predictions.py            # (re)write both predictions files
    python reports/golden/make_predictions.py --check    # exit 1 if the committed files differ

Deterministic: no randomness, cases are assigned round-robin by example order. Each line holds
`index`, `case` (the name of the rule that made it, for reviewers; `harness score` ignores it) and
`prediction`. The examples are those of the benchmarks' defaults: `harness run sql2text` (the shipped mini
Spider, reversed) and `harness run extraction` (benchmarks/extraction/test.jsonl).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Callable

from harness.benchmarks import get_benchmark
from harness.types import Example

HERE = Path(__file__).resolve().parent
SQL2TEXT_FILE = HERE / "sql2text-mini-dev.predictions.jsonl"
EXTRACTION_FILE = HERE / "extraction-test.predictions.jsonl"

# --- sql2text: example i gets SQL2TEXT_CASES[i % 10] -------------------------------------------------------

UNRELATED = "The weather in Lisbon was sunny and warm all week."
# Hand-written paraphrases of the references of the examples that get the "paraphrase" case (i % 10 == 1).
PARAPHRASES = {
    1: "Which books belong to the Mystery genre? Give their titles.",
    11: ("For every member with at least one loan, what is their name and how much have they paid in fines "
         "altogether?"),
    21: "Among genres that have three or more books, what is each genre's book count and mean price?",
    31: "For every specialty, how much do its doctors earn on average?",
    41: "Which patients had appointments with neurologists, and on what dates? Sort by date.",
    51: "What are the flight numbers of Castile Airways flights?",
    61: "What airline has the largest number of flights?",
    71: "Give the name and stadium of every team established earlier than 1900.",
    81: "Which home teams played matches attended by more than 25000 people, and when? Order by attendance, descending.",
    91: "Count the distinct record labels.",
    101: "What tracks are on Glass Avenue, and how long is each? Keep the album's track order.",
}


def _reference(ex: Example) -> str:
    return ex.target[0]


def _paraphrase(ex: Example) -> str:
    return PARAPHRASES[ex.index]


def _words_dropped(ex: Example) -> str:
    """Every third word of the reference left out."""
    return " ".join(w for k, w in enumerate(_reference(ex).split()) if k % 3 != 2)


def _thinking_then_answer(ex: Example) -> str:
    return (f"<think>\nThe query is `{ex.inputs['sql']}`. I describe what it returns as one question.\n</think>\n\n"
            f"{_reference(ex)}")


def _unclosed_thinking(ex: Example) -> str:
    return f"<think>\nThe query is `{ex.inputs['sql']}`. First I look at the tables it reads, then"


def _question_label(ex: Example) -> str:
    return f"Question: {_reference(ex)}"


def _empty(ex: Example) -> str:
    return ""


def _unrelated(ex: Example) -> str:
    return UNRELATED


def _prefilled_thinking(ex: Example) -> str:
    """A chat template that pre-fills `<think>`: the output has only the closing tag."""
    return f"It counts or lists rows of the tables it names.\n</think>\n{_reference(ex)}"


def _lower_cased(ex: Example) -> str:
    return _reference(ex).lower()


SQL2TEXT_CASES: list[tuple[str, Callable[[Example], str]]] = [
    ("reference", _reference), ("paraphrase", _paraphrase), ("words_dropped", _words_dropped),
    ("thinking_then_answer", _thinking_then_answer), ("unclosed_thinking", _unclosed_thinking),
    ("question_label", _question_label), ("empty", _empty), ("unrelated", _unrelated),
    ("prefilled_thinking", _prefilled_thinking), ("lower_cased", _lower_cased),
]


def sql2text_rows(examples: list[Example]) -> list[dict[str, Any]]:
    rows = []
    for ex in examples:
        case, make = SQL2TEXT_CASES[ex.index % len(SQL2TEXT_CASES)]
        rows.append({"index": ex.index, "case": case, "prediction": make(ex)})
    return rows


# --- extraction: rows with a null gold field cycle through NULL_CASES, the others through CASES ------------

Gold = dict[str, Any]


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


def _full_width(text: str) -> str:
    """ASCII letters, digits, punctuation and spaces as their full-width forms (NFKC maps them back)."""
    return "".join("\u3000" if c == " " else chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _spread(text: str) -> str:
    """Whitespace runs (with newlines and tabs) around and between words (normalisation collapses them)."""
    return "  " + text.replace(" ", " \n  ") + "\t"


def _without_postcode(address: str) -> str:
    head, _, _ = address.rpartition(" ")
    return head or address[: len(address) // 2]


def _address_parts(address: str) -> list[str]:
    head, _, tail = address.rpartition(" ")
    return [head, tail] if head else [address]


def _replace(gold: Gold, **values: Any) -> str:
    return _dumps({**gold, **values})


EXTRACTION_CASES: list[tuple[str, Callable[[Gold], str]]] = [
    ("gold_json", _dumps),
    ("fenced_after_prose", lambda g: f"Here is the extracted information:\n\n```json\n{_dumps(g)}\n```"),
    ("json_inside_prose", lambda g: f"Sure! {_dumps(g)} Let me know if you need anything else."),
    ("thinking_then_json", lambda g: f"<think>\nThe sender gives their details first.\n</think>\n{_dumps(g)}"),
    ("unclosed_thinking", lambda g: "<think>\nThe sender is probably the first person named, but"),
    ("truncated_json", lambda g: _dumps(g)[: len(_dumps(g)) // 2]),
    ("python_dict_repr", repr),
    ("json_list", lambda g: _dumps([g])),
    ("extra_keys", lambda g: _dumps({**g, "phone": None, "confidence": 0.9})),
    ("address_key_missing", lambda g: _dumps({k: v for k, v in g.items() if k != "address"})),
    ("email_null", lambda g: _replace(g, email=None)),
    ("name_empty_string", lambda g: _replace(g, name="")),
    ("question_null", lambda g: _replace(g, question=None)),
    ("address_without_postcode", lambda g: _replace(g, address=_without_postcode(g["address"]))),
    ("fields_shifted", lambda g: _replace(g, name=g["address"], address=g["email"], email=g["question"],
                                          question=g["name"])),
    ("email_upper_case", lambda g: _replace(g, email=g["email"].upper())),
    ("full_width", lambda g: _dumps({k: _full_width(v) for k, v in g.items()})),
    ("extra_whitespace", lambda g: _dumps({k: _spread(v) for k, v in g.items()})),
    ("address_as_list", lambda g: _replace(g, address=_address_parts(g["address"]))),
]
# For rows where gold has a null field (all fields of CASES' rows are non-null).
EXTRACTION_NULL_CASES: list[tuple[str, Callable[[Gold], str]]] = [
    ("gold_json_with_nulls", _dumps),
    ("nulls_as_empty_strings", lambda g: _dumps({k: "" if v is None else v for k, v in g.items()})),
    ("null_keys_omitted", lambda g: _dumps({k: v for k, v in g.items() if v is not None})),
    ("nulls_as_n_a", lambda g: _dumps({k: "N/A" if v is None else v for k, v in g.items()})),
]


def extraction_rows(examples: list[Example]) -> list[dict[str, Any]]:
    rows, seen = [], {"null": 0, "full": 0}
    for ex in examples:
        kind = "null" if any(v is None for v in ex.target.values()) else "full"
        cases = EXTRACTION_NULL_CASES if kind == "null" else EXTRACTION_CASES
        case, make = cases[seen[kind] % len(cases)]
        seen[kind] += 1
        rows.append({"index": ex.index, "case": case, "prediction": make(dict(ex.target))})
    return rows


def render(rows: list[dict[str, Any]]) -> str:
    return "".join(_dumps(row) + "\n" for row in rows)


def expected_files() -> dict[Path, str]:
    """Each predictions file and the text it should hold."""
    return {SQL2TEXT_FILE: render(sql2text_rows(get_benchmark("sql2text").examples())),
            EXTRACTION_FILE: render(extraction_rows(get_benchmark("extraction").examples()))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the files instead of writing them")
    args = parser.parse_args(argv)
    stale = []
    for path, text in expected_files().items():
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(path)
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path} ({text.count(chr(10))} predictions)")
    for path in stale:
        print(f"{path}: differs from what make_predictions.py writes", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
