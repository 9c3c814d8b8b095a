/// A parsed directive line: `.cpu T 1`.
public struct Directive: Sendable, Hashable {
    /// The directive's name with its dot.
    public var name: String
    /// Its catalogue row.
    public var spec: DirectiveSpec
    /// The arguments, already checked against ``spec``.
    public var arguments: [DirectiveArgument]
    /// Where the directive name starts.
    public var location: SourceLocation

    public init(name: String, spec: DirectiveSpec, arguments: [DirectiveArgument], location: SourceLocation) {
        self.name = name
        self.spec = spec
        self.arguments = arguments
        self.location = location
    }

    /// The line in normal form: `.cpu T 1`.
    public var text: String { ([name] + arguments.map(\.text)).joined(separator: " ") }
}
