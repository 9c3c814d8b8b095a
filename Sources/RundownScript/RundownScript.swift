// RundownScript module.
