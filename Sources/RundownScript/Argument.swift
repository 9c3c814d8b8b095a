/// One argument of a routine call, checked against the routine's parameter kind.
public enum Argument: Sendable, Hashable {
    /// A handle name, a name bound to a number, or a pool type name (`NonPagedPoolNx`).
    case name(String, column: Int)
    /// An integer literal (decimal or 0x hex), already range-checked for its parameter.
    case integer(Int, column: Int)
    /// A pool tag: its 32-bit value (first character in the low byte, as the pool shows it),
    /// the spelling as written (`'RdTg'` with quotes, or the integer text), and its column.
    case tag(UInt32, text: String, column: Int)

    /// 1-based column of the argument.
    public var column: Int {
        switch self {
        case .name(_, let column), .integer(_, let column), .tag(_, _, let column): column
        }
    }

    /// The name, for `.name` arguments.
    public var name: String? {
        if case .name(let name, _) = self { name } else { nil }
    }

    /// The value, for `.integer` arguments.
    public var integer: Int? {
        if case .integer(let value, _) = self { value } else { nil }
    }

    /// The tag value, for `.tag` arguments.
    public var tag: UInt32? {
        if case .tag(let value, _, _) = self { value } else { nil }
    }
}
