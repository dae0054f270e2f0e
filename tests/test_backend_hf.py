"""The HF backend's batching (prompts that share a schema compute it once, in a prefix cache, and generate exactly
what each prompt generates alone) and its oneDNN-packed linear layers on a CPU."""
from __future__ import annotations

import pytest
import torch

from harness.backends import hf
from harness.backends.hf import HFBackend, _batch_order, _pad_after_prefix, _shared_prefix
from harness.backends.packed import PackedLinear
from harness.models import from_loaded, resolve_adapter, resolve_model
from harness.types import GenerationRequest, Sampling
from tiny_training import make_adapter

SCHEMA = "Schema:\nsinger(id INTEGER, name TEXT, age INTEGER, country TEXT)\ncountry(code TEXT, name TEXT)\n\n"
QUESTIONS = ["How many singers are there?", "Names of singers older than 40, by name.", "Average age?",
             "Which singers come from France, and how old are they, ordered by age?"]


def requests(schema: str = SCHEMA) -> list[GenerationRequest]:
    return [GenerationRequest(({"role": "system", "content": "You write SQLite queries."},
                               {"role": "user", "content": f"{schema}Question: {q}"})) for q in QUESTIONS]


def test_a_shared_prefix_generates_what_each_prompt_generates_alone(tiny_model_dir, monkeypatch) -> None:
    sampling = Sampling(max_new_tokens=12)
    alone = HFBackend(resolve_model(str(tiny_model_dir)), precision="fp32", batch_size=1)
    expected = dict(alone.generate(requests(), sampling))

    batched = HFBackend(resolve_model(str(tiny_model_dir)), precision="fp32", batch_size=4)
    prefixes = []
    compute = batched._cache
    monkeypatch.setattr(batched, "_cache", lambda prefix, rows, width: prefixes.append(prefix.shape[1]) or
                        compute(prefix, rows, width))
    got = dict(batched.generate(requests(), sampling))
    assert len(prefixes) == 1 and prefixes[0] >= hf.MIN_SHARED_PREFIX  # the schema was computed once
    assert [got[i].text for i in range(4)] == [expected[i].text for i in range(4)]
    assert [got[i].prompt_tokens for i in range(4)] == [expected[i].prompt_tokens for i in range(4)]


def test_prefix_layout_and_order() -> None:
    ids = [[1] * 20 + [2, 3], [1] * 20 + [4], [1] * 20 + [5, 6, 7]]
    assert _shared_prefix(ids) == 20
    assert _shared_prefix([[1] * 5 + [2], [1] * 5 + [3]]) == 0  # under MIN_SHARED_PREFIX: not worth a pass
    assert _shared_prefix([[1] * 30, [1] * 30]) == 29  # each row keeps a token of its own
    layout = _pad_after_prefix(ids, 20, pad_id=0, device="cpu")
    assert layout["input_ids"][1].tolist() == [1] * 20 + [0, 0, 4]
    assert layout["attention_mask"][1].tolist() == [1] * 20 + [0, 0, 1]
    # Two schemas interleaved: sorting by tokens batches each schema together (two prefix passes, short rows)
    # where longest-first would mix them.
    mixed = [[7] * 40 + [1] * (i % 3 + 1) if i % 2 else [8] * 60 + [1] * (i % 3 + 1) for i in range(8)]
    order = _batch_order(list(range(8)), mixed, batch_size=4)
    assert {mixed[i][0] for i in order[:4]} == {mixed[order[0]][0]}


@pytest.mark.parametrize("batch_size", [3])
def test_prompts_with_nothing_shared_still_left_pad(tiny_model_dir, batch_size) -> None:
    backend = HFBackend(resolve_model(str(tiny_model_dir)), precision="fp32", batch_size=batch_size)
    reqs = [GenerationRequest(({"role": "user", "content": q},)) for q in QUESTIONS[:3]]
    alone = HFBackend(resolve_model(str(tiny_model_dir)), precision="fp32", batch_size=1)
    sampling = Sampling(max_new_tokens=8)
    got, expected = dict(backend.generate(reqs, sampling)), dict(alone.generate(reqs, sampling))
    assert [got[i].text for i in range(3)] == [expected[i].text for i in range(3)]


def linear_kinds(backend: HFBackend) -> set[str]:
    """The classes of the model's own linear layers (not LoRA's small A and B, which stay plain)."""
    return {type(m).__name__ for name, m in backend.model.named_modules()
            if isinstance(m, torch.nn.Linear) and ".lora_" not in name}


def test_packed_layers_generate_what_plain_layers_generate(tiny_model_dir, tmp_path) -> None:
    """On a CPU, base and adapter rows batched: the packed model gives the plain model's greedy text, peft's LoRA
    layers still apply on top of the packed ones, and the plain backend packs nothing."""
    adapter = resolve_adapter(make_adapter(tiny_model_dir, tmp_path / "lora", std=1.0))
    reqs = [*requests(), *(GenerationRequest(r.messages, adapter="lora") for r in requests())]
    sampling = Sampling(max_new_tokens=12)
    model = resolve_model(str(tiny_model_dir))
    packed = HFBackend(model, [adapter], precision="fp32", batch_size=4, device="cpu")
    plain = HFBackend(model, [adapter], precision="fp32", batch_size=4, device="cpu", pack_weights=False)
    assert linear_kinds(packed) == {"PackedLinear"} and linear_kinds(plain) == {"Linear"}
    # 2 layers x 7 projections and the head (tied to the embedding, which stays dense)
    assert sum(isinstance(m, PackedLinear) for m in packed.model.modules()) == 15
    got, expected = dict(packed.generate(reqs, sampling)), dict(plain.generate(reqs, sampling))
    assert [got[i].text for i in range(8)] == [expected[i].text for i in range(8)]
    assert [got[i].text for i in range(4)] != [got[i].text for i in range(4, 8)]  # the adapter changed something


def test_only_fp32_models_the_backend_loads_are_packed(tiny_model_dir) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    assert linear_kinds(HFBackend(resolve_model(str(tiny_model_dir)), precision="bf16", device="cpu")) == {"Linear"}
    # A model passed in memory may be trained further: it is used as it is.
    model, _ = from_loaded(AutoModelForCausalLM.from_pretrained(tiny_model_dir),
                           AutoTokenizer.from_pretrained(tiny_model_dir))
    assert linear_kinds(HFBackend(model, precision="fp32")) == {"Linear"}
