// RundownREPL module.
