import RundownRuntime

/// The runtime's session is what the REPL drives.
extension Session: InteractiveSession {}
