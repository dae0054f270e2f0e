from harness.runs.cache import GenerationCache, generation_key
from harness.types import Generation

MODEL = {"name": "m", "sha256": "abc"}
MSGS = [{"role": "user", "content": "hi"}]
SAMPLING = {"max_new_tokens": 8, "temperature": 0.0}


def test_key_changes_with_everything_that_determines_a_generation():
    base = generation_key(MODEL, None, MSGS, SAMPLING, {"name": "hf", "precision": "bf16"})
    assert base == generation_key(dict(MODEL), None, list(MSGS), dict(SAMPLING), {"precision": "bf16", "name": "hf"})
    variants = [
        generation_key({**MODEL, "sha256": "abd"}, None, MSGS, SAMPLING, {"name": "hf", "precision": "bf16"}),
        generation_key(MODEL, {"sha256": "1"}, MSGS, SAMPLING, {"name": "hf", "precision": "bf16"}),
        generation_key(MODEL, None, [{"role": "user", "content": "hi!"}], SAMPLING, {"name": "hf", "precision": "bf16"}),
        generation_key(MODEL, None, MSGS, {**SAMPLING, "max_new_tokens": 9}, {"name": "hf", "precision": "bf16"}),
        generation_key(MODEL, None, MSGS, SAMPLING, {"name": "hf", "precision": "fp32"}),
    ]
    assert len({base, *variants}) == 6


def test_cache_round_trip_survives_reopen(tmp_path):
    path = tmp_path / "c.sqlite"
    with GenerationCache(path) as cache:
        cache.put_many([("k1", Generation("SELECT 1", 3, 4, 0.5)), ("k2", Generation("x"))])
    with GenerationCache(path) as cache:
        found = cache.get_many(["k1", "k2", "k3"])
    assert found == {"k1": Generation("SELECT 1", 3, 4, 0.5), "k2": Generation("x", 0, 0, 0.0)}
