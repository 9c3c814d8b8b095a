/// One block whose transcript differs from its expectations, ready to report.
public struct BlockFailure: Sendable, Equatable {
    /// The block's index in `TestScript.blocks`.
    public var block: Int
    /// The line for the `file:line:` header: the first `-` line, or where the first `+` line goes.
    public var line: Int
    /// The header text after `file:line: error: `.
    public var message: String
    /// The rendered hunk: context lines, then ` `, `-` and `+` lines with line numbers.
    public var hunk: [String]
    /// The block's expectation lines as written.
    public var expected: [String]
    /// The block's actual lines in the script's syntax.
    public var got: [String]
    /// Extra `note:` texts (the state of the handles the command named), filled in by the runner.
    public var notes: [String]
}
