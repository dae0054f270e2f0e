"""Linear layers prepacked for oneDNN, for fp32 generation on a CPU.

torch's fp32 `linear` on a CPU hands the dense weight to a BLAS sgemm at every call, which at decoding sizes (a
batch of a few rows against a large weight) runs far below the CPU's peak. oneDNN can reorder each weight once
into the blocked layout its kernels read, as torch.compile's CPU freezing does; that made SmolLM2-135M's batched
greedy decoding about 1.5x faster on a 2-core AVX2 CPU, with the same greedy text (README, "Speed").
"""
from __future__ import annotations

import torch


class PackedLinear(torch.nn.Linear):
    """An `nn.Linear` whose forward reads a oneDNN-packed copy of its weight. Still an `nn.Linear` with its dense
    `weight`, so peft wraps it like any other and whatever reads `.weight` (DoRA, dtype and device checks) works."""

    packed: torch.Tensor

    @classmethod
    def of(cls, linear: torch.nn.Linear, rows: int) -> PackedLinear:
        packed = cls(linear.in_features, linear.out_features, bias=linear.bias is not None, device="meta")
        packed.weight, packed.bias = linear.weight, linear.bias
        packed.packed = torch.ops.mkldnn._reorder_linear_weight(linear.weight.detach(), rows)
        return packed

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.ops.mkldnn._linear_pointwise(x, self.packed, self.bias, "none", [], "")


def can_pack(model: torch.nn.Module) -> bool:
    """fp32 weights on a CPU, with a torch built with oneDNN."""
    weight = next(model.parameters())
    return weight.device.type == "cpu" and weight.dtype == torch.float32 and torch.backends.mkldnn.is_available()


def pack_linear_layers(model: torch.nn.Module, rows: int) -> int:
    """Replace every plain `nn.Linear` of `model` by a PackedLinear tuned for batches of `rows`; returns how many.
    The weights must not change afterwards (the packed copies would not follow): only for a model loaded to
    generate, never for one being trained."""
    replaced = 0
    for name, module in list(model.named_modules()):
        if type(module) is torch.nn.Linear:
            parent, _, attribute = name.rpartition(".")
            setattr(model.get_submodule(parent), attribute, PackedLinear.of(module, rows))
            replaced += 1
    return replaced
