// RundownBench module.
