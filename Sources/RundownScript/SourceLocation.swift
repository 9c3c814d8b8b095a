/// A position in a script: the file, the 1-based line and the 1-based column.
///
/// Columns count Unicode scalars from the start of the line, so a caret printed under the
/// line lines up with the token on terminals (tabs are reproduced in the caret line).
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    /// The file as the user named it (`-` or `<stdin>` for standard input, `<repl>` interactively).
    public var file: String
    /// 1-based line number.
    public var line: Int
    /// 1-based column (Unicode scalars).
    public var column: Int

    public init(file: String, line: Int, column: Int = 1) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// The same line, another column.
    public func at(column: Int) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column)
    }

    /// `file:line:col`, the GNU form editors can jump to.
    public var description: String { "\(file):\(line):\(column)" }
}
