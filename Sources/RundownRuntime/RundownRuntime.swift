// RundownRuntime module.
