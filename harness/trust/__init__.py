"""Trust checks: is the benchmark's gold sound (audit), does an adapter change anything (adapters, merged),
and has the training data seen the evaluation split (contamination)."""
