/// One argument of a directive, with its position; typed views for the checked kinds.
public struct DirectiveArgument: Sendable, Hashable {
    /// The text as written (strings without their quotes).
    public var text: String
    /// 1-based column of the argument.
    public var column: Int
    /// Width in columns.
    public var length: Int

    public init(text: String, column: Int, length: Int) {
        self.text = text
        self.column = column
        self.length = length
    }

    /// The value of an integer argument.
    public var integer: Int? {
        let (negative, magnitude) = Lexer.integerValue(text)
        guard let magnitude, magnitude <= UInt64(Int.max) else { return nil }
        return negative ? -Int(magnitude) : Int(magnitude)
    }

    /// `on` → true, `off` → false (any case).
    public var isOn: Bool? {
        switch text.lowercased() {
        case "on": true
        case "off": false
        default: nil
        }
    }

    /// The level of an IRQL argument.
    public var irql: Irql? { Irql(name: text) }
}
