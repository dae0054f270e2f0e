"""Does a merged model behave like base + adapter? Greedy outputs and logits on the same prompts (peft #1836)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Sequence

from harness.types import Message


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
