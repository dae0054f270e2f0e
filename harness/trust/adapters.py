"""Adapters that change nothing: caught from the weights before generating, and from the outputs after."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Sequence

from harness.errors import ModelError

SAME_AS_BASE_THRESHOLD = 0.95


def check_adapter_weights(adapter_dir: str | Path) -> None:
    """ModelError naming the file when the adapter cannot change the model: every LoRA B matrix is zero
    (LoRA's initial state: nothing was trained or saved), or its scaling (lora_alpha) is zero."""
    folder = Path(adapter_dir)
    config_path = folder / "adapter_config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    alphas = [config.get("lora_alpha"), *(config.get("alpha_pattern") or {}).values()]
    if config.get("peft_type", "LORA") == "LORA" and all(a == 0 for a in alphas if a is not None) \
            and any(a is not None for a in alphas):
        raise ModelError(f"{config_path}: lora_alpha is 0, so the LoRA scaling is 0 and the adapter changes "
                         f"nothing; expected a positive lora_alpha")
    weights = _weights_file(folder)
    if weights is None:
        return
    tensors = _load(weights)
    b_matrices = [t for name, t in tensors.items() if "lora_B" in name]
    if b_matrices and all(not t.any() for t in b_matrices):
        raise ModelError(f"{weights}: all {len(b_matrices)} LoRA B matrices are zero, so the adapter changes "
                         f"nothing (an untrained or wrongly saved adapter); retrain or save the trained weights")


def _weights_file(folder: Path) -> Path | None:
    for name in ("adapter_model.safetensors", "adapter_model.bin"):
        if (folder / name).is_file():
            return folder / name
    return None


def _load(path: Path) -> dict[str, Any]:
    if path.suffix == ".safetensors":
        from safetensors.numpy import load_file

        try:
            return load_file(str(path))
        except (TypeError, ValueError):  # bf16 has no numpy dtype
            from safetensors.torch import load_file as load_torch

            return load_torch(str(path))
    import torch

    return torch.load(path, map_location="cpu", weights_only=True)


def same_as_base(outputs: Sequence[str], base: Sequence[str], threshold: float = SAME_AS_BASE_THRESHOLD) -> dict[str, Any]:
    """How often a variant's outputs equal the base model's, and whether that reaches `threshold`."""
    same = sum(a == b for a, b in zip(outputs, base, strict=True))
    fraction = same / len(outputs) if outputs else 0.0
    return {"identical": same, "n": len(outputs), "fraction": round(fraction, 4), "threshold": threshold,
            "flagged": bool(outputs) and fraction >= threshold}
