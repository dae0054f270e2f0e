"""`--precision auto`: bf16 only where it is fast (a CUDA GPU, or a CPU with AVX-512 BF16 or AMX), else fp32.

On a CPU without bf16 instructions (e.g. AVX2-only AMD EPYC) bf16 is emulated and generation runs slower than
in fp32; with them it runs about 2.4x faster. bf16 also changes greedy output after a few tokens, so the
resolved precision (never "auto") is what goes into the manifest and the generation cache key.
"""
from __future__ import annotations

from pathlib import Path

PRECISIONS = ("auto", "bf16", "fp16", "fp32")
FAST_BF16_CPU_FLAGS = frozenset({"avx512_bf16", "amx_bf16"})


def cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> frozenset[str]:
    """The CPU feature flags Linux reports (empty where /proc/cpuinfo does not exist)."""
    try:
        text = cpuinfo.read_text()
    except OSError:
        return frozenset()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "flags":
            return frozenset(value.split())
    return frozenset()


def resolve_precision(precision: str, *, cuda: bool | None = None, flags: frozenset[str] | None = None) -> str:
    """`precision` itself unless it is "auto"; then bf16 on CUDA or a fast-bf16 CPU, fp32 otherwise."""
    if precision != "auto":
        return precision
    if cuda is None:
        import torch

        cuda = torch.cuda.is_available()
    if cuda:
        return "bf16"
    return "bf16" if FAST_BF16_CPU_FLAGS & (cpu_flags() if flags is None else flags) else "fp32"
