/// One directive of the shell (`.show`, `.cpu`, ...): a row of ``DirectiveCatalogue``.
public struct DirectiveSpec: Sendable, Hashable {
    /// The name with its dot, e.g. `.show`.
    public let name: String
    /// Parameters in order; optional ones come last, except a leading `.flag`.
    public let parameters: [DirectiveParameter]
    /// One line for lists and hints.
    public let summary: String
    /// A paragraph for `.help .NAME` and grammar.md.
    public let details: String
    /// True when only the interactive REPL acts on it (`.record`).
    public let interactiveOnly: Bool

    public init(
        name: String, parameters: [DirectiveParameter], summary: String, details: String,
        interactiveOnly: Bool = false
    ) {
        self.name = name
        self.parameters = parameters
        self.summary = summary
        self.details = details
        self.interactiveOnly = interactiveOnly
    }

    /// `.cpu T N`, `.help [NAME]`: how to write it.
    public var usage: String {
        ([name] + parameters.map { $0.optional ? "[\($0.name)]" : $0.name }).joined(separator: " ")
    }

    /// How many arguments are required.
    public var requiredCount: Int { parameters.filter { !$0.optional }.count }
}

/// One parameter of a directive.
public struct DirectiveParameter: Sendable, Hashable {
    /// The placeholder shown in usage lines (`FILE`, `T`, `on|off`).
    public let name: String
    /// What may be written there.
    public let kind: DirectiveArgumentKind
    /// True when it may be left out.
    public let optional: Bool

    public init(_ name: String, _ kind: DirectiveArgumentKind, optional: Bool = false) {
        self.name = name
        self.kind = kind
        self.optional = optional
    }
}

/// The kinds of directive argument the parser checks.
public enum DirectiveArgumentKind: Sendable, Hashable {
    /// A routine, directive (with or without the dot) or diagnostic code; checked by `.help`.
    case topic
    /// A handle name.
    case handle
    /// A thread name.
    case thread
    /// A file path (a word, or a "double-quoted" string).
    case file
    /// A file path, or the word `off`.
    case fileOrOff
    /// `on` or `off`.
    case onOff
    /// A virtual processor number, 0 ... 1023 (slot = processor mod slot count).
    case processor
    /// A processor count, 1 ... 1024.
    case processorCount
    /// A non-negative count, 0 ... 1000000 (`.fault alloc N`).
    case count
    /// PASSIVE_LEVEL, APC_LEVEL or DISPATCH_LEVEL (or 0, 1, 2).
    case irql
    /// Exactly one of these words.
    case keyword([String])
    /// An option word (`-f`) that may stand before the other arguments, or be left out.
    case flag(String)
}
