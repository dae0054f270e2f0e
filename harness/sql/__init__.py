"""SQL scoring core: sandboxed execution, official Spider equivalence, hardness, extraction, normalisation."""
