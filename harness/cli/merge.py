"""harness merge ADAPTER --out DIR: fold a LoRA adapter into its base model (for serving or GGUF export)."""
from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("merge", help="merge a LoRA adapter into its base model and save a standalone model")
    p.add_argument("adapter", help="adapter folder (adapter_config.json + weights)")
    p.add_argument("--out", required=True, help="folder for the merged model and tokenizer")
    p.add_argument("--model", help="base model (default: the adapter's base_model_name_or_path)")
    p.add_argument("--parity-n", type=int, default=3, metavar="N",
                   help="check the merged model against base + adapter on N prompts of the adapter's benchmark "
                        "and record it in the merged folder's harness_manifest.json (default 3; 0 skips)")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from harness.console import make_console

    from harness.api import merge

    console = make_console()
    out = merge(args.adapter, args.out, model=args.model)
    console.print(f"merged model: {out}  (score it: harness run BENCHMARK --model {out})")
    if args.parity_n > 0:
        result = record_merge_parity(args.adapter, out, args.model, args.parity_n)
        ok = result.identical == result.n
        console.print(("" if ok else "[yellow]warning:[/] ") + result.sentence(), highlight=False)
    return 0


def record_merge_parity(adapter: str | Path, out: Path, model: str | None, n: int):
    """Merged vs base + adapter on the first `n` prompts of the adapter's training data (from its
    harness_manifest.json; else the shipped extraction split), written to out/harness_manifest.json."""
    import json

    from harness.models import resolve_adapter
    from harness.runs.manifest import now_iso
    from harness.trust.merged import merged_parity
    from harness.trust.runs import ADAPTER_MANIFEST

    benchmark = _training_benchmark(Path(adapter) / ADAPTER_MANIFEST)
    prompts = [benchmark.messages(e) for e in benchmark.examples()[:n]]
    result = merged_parity(out, adapter, prompts, base=model)
    record = {"merged_from": {"adapter": resolve_adapter(adapter).identity, "model": model},
              "parity": {"benchmark": benchmark.name, **result.to_json()}, "created": now_iso()}
    (out / ADAPTER_MANIFEST).write_text(json.dumps(record, indent=1, default=str))
    return result


def _training_benchmark(manifest: Path):
    import json

    from harness.benchmarks import get_benchmark
    from harness.errors import HarnessError

    data = json.loads(manifest.read_text()).get("recipe", {}).get("data", {}) if manifest.is_file() else {}
    try:
        return get_benchmark(data["benchmark"], data=data.get("path"), split=data.get("split", "train"),
                             **data.get("options", {}))
    except (KeyError, HarnessError, ValueError, FileNotFoundError):  # not trained by harness, or data moved
        return get_benchmark("extraction")
