"""Does a merged model behave like base + adapter? Greedy outputs and logits on the same prompts (peft #1836)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from harness.types import Message

if TYPE_CHECKING:
    from harness.benchmarks.base import Benchmark


@dataclass
class MergedParity:
    n: int
    identical: int  # prompts whose greedy continuations are token-for-token equal
    max_logit_diff: float  # largest |logit difference| over every position of every prompt + continuation
    max_new_tokens: int
    differing: list[int] = field(default_factory=list)  # prompt positions whose continuations differ

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def sentence(self) -> str:
        return (f"merged vs base + adapter: {self.identical}/{self.n} identical greedy outputs "
                f"({self.max_new_tokens} new tokens), largest logit difference {self.max_logit_diff:.3g}")


def merged_parity(merged_dir: str | Path, adapter_dir: str | Path, prompts: Sequence[Sequence[Message]], *,
                  base: str | None = None, max_new_tokens: int = 32) -> MergedParity:
    """Generate greedily with the merged model and with base + adapter (unmerged, in fp32) from each prompt,
    and compare logits of both models on the unmerged model's full sequence."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from harness.models import resolve_adapter, resolve_model

    adapter = resolve_adapter(adapter_dir)
    spec = base or adapter.identity["base_model"]
    if not spec:
        raise ValueError(f"{adapter.path}/adapter_config.json names no base_model_name_or_path; pass --model")
    tokenizer = AutoTokenizer.from_pretrained(merged_dir)
    unmerged = PeftModel.from_pretrained(
        AutoModelForCausalLM.from_pretrained(resolve_model(spec).path, dtype=torch.float32), str(adapter.path)).eval()
    merged = AutoModelForCausalLM.from_pretrained(merged_dir, dtype=torch.float32).eval()
    result = MergedParity(n=len(prompts), identical=0, max_logit_diff=0.0, max_new_tokens=max_new_tokens)
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    with torch.no_grad():
        for k, messages in enumerate(prompts):
            text = tokenizer.apply_chat_template(list(messages), add_generation_prompt=True, tokenize=False)
            ids = tokenizer(text, return_tensors="pt", add_special_tokens=False)["input_ids"]
            outputs = [m.generate(input_ids=ids, attention_mask=torch.ones_like(ids), max_new_tokens=max_new_tokens,
                                  do_sample=False, pad_token_id=pad) for m in (unmerged, merged)]
            if torch.equal(outputs[0], outputs[1]):
                result.identical += 1
            else:
                result.differing.append(k)
            logits = [m(input_ids=outputs[0]).logits for m in (unmerged, merged)]
            result.max_logit_diff = max(result.max_logit_diff, float((logits[0] - logits[1]).abs().max()))
    return result


def record_merge_parity(adapter: str | Path, out: Path, model: str | None, n: int) -> MergedParity:
    """Merged vs base + adapter on the first `n` prompts of the adapter's training data (from its
    harness_manifest.json; else the shipped extraction split), written to out/harness_manifest.json."""
    import json

    from harness.models import ADAPTER_MANIFEST, resolve_adapter
    from harness.runs.manifest import now_iso

    benchmark = _training_benchmark(Path(adapter) / ADAPTER_MANIFEST)
    prompts = [benchmark.messages(e) for e in benchmark.examples()[:n]]
    result = merged_parity(out, adapter, prompts, base=model)
    record = {"merged_from": {"adapter": resolve_adapter(adapter).identity, "model": model},
              "parity": {"benchmark": benchmark.name, **result.to_json()}, "created": now_iso()}
    (out / ADAPTER_MANIFEST).write_text(json.dumps(record, indent=1, default=str))
    return result


def _training_benchmark(manifest: Path) -> Benchmark:
    import json

    from harness.benchmarks import get_benchmark
    from harness.errors import HarnessError

    data = json.loads(manifest.read_text()).get("recipe", {}).get("data", {}) if manifest.is_file() else {}
    try:
        return get_benchmark(data["benchmark"], data=data.get("path"), split=data.get("split", "train"),
                             **data.get("options", {}))
    except (KeyError, HarnessError, ValueError, FileNotFoundError):  # not trained by harness, or data moved
        return get_benchmark("extraction")
