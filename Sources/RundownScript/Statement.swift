/// What one input line means.
public enum Statement: Sendable, Hashable {
    /// A blank line or a comment (`# ...`, and the `#>`, `#!`, `#%` lines rdsh test reads).
    case empty
    /// A routine call.
    case call(Call)
    /// `EX_RUNDOWN_REF NAME` (zero-filled, live) or `EX_RUNDOWN_REF NAME = EX_RUNDOWN_ACTIVE`
    /// (run down: acquires fail until reinitialized). The location's column is the name's.
    case declare(name: String, runDown: Bool, location: SourceLocation)
    /// A `.directive`.
    case directive(Directive)
}
