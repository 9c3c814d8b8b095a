// RundownCheck module.
