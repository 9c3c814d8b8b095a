/// What the editor knows about the language: the words completion offers and the parameter
/// lists hints show.
///
/// It is a plain value so the completion and hint functions stay pure and table-testable; the
/// real one is built from the language's routine, directive and diagnostic catalogues
/// (`Vocabulary.standard`), so adding a routine to the catalogue is all it takes to complete it.
public struct Vocabulary: Sendable {
    /// What may be typed in one argument position.
    public enum ArgumentKind: Sendable, Equatable {
        case handle  // a plain or cache-aware reference, or a name bound with `=`
        case count
        case poolType
        case poolTag
        case size  // a number or a name bound to one
        case thread
        case processor
        case irql
        case helpTopic
        case file
        case onOff
        case fileOrOff  // `.record FILE` / `.record off`
        case number
        case text
        /// Exactly one of these words (`.fault alloc`).
        case words([String])
    }

    /// One parameter: the name shown in hints (`<RunRef>`) and what completes there.
    public struct Parameter: Sendable, Equatable {
        public var name: String
        public var kind: ArgumentKind
        public var optional: Bool
        public init(_ name: String, _ kind: ArgumentKind, optional: Bool = false) {
            self.name = name
            self.kind = kind
            self.optional = optional
        }
    }

    /// A routine or directive as the editor sees it.
    public struct Command: Sendable, Equatable {
        public var name: String
        public var parameters: [Parameter]
        /// The C return type shown after the parameters (`BOOLEAN`); nil for directives.
        public var returns: String?
        public init(name: String, parameters: [Parameter], returns: String?) {
            self.name = name
            self.parameters = parameters
            self.returns = returns
        }
    }

    public var routines: [Command]
    /// Directive names include the leading dot.
    public var directives: [Command]
    public var diagnosticCodes: [String]
    public var poolTypes: [String]
    public var irqlNames: [String]
    /// The declaration keyword (`EX_RUNDOWN_REF R [= EX_RUNDOWN_ACTIVE]`).
    public var declarationKeyword: String
    public var activeInitializer: String

    public init(
        routines: [Command], directives: [Command], diagnosticCodes: [String],
        poolTypes: [String] = ["NonPagedPool", "NonPagedPoolNx", "PagedPool"],
        irqlNames: [String] = ["PASSIVE_LEVEL", "APC_LEVEL", "DISPATCH_LEVEL"],
        declarationKeyword: String = "EX_RUNDOWN_REF", activeInitializer: String = "EX_RUNDOWN_ACTIVE"
    ) {
        self.routines = routines
        self.directives = directives
        self.diagnosticCodes = diagnosticCodes
        self.poolTypes = poolTypes
        self.irqlNames = irqlNames
        self.declarationKeyword = declarationKeyword
        self.activeInitializer = activeInitializer
    }

    /// The routine or directive spelled exactly `name`.
    public func command(named name: String) -> Command? {
        if name.hasPrefix(".") { return directives.first { $0.name == name } }
        return routines.first { $0.name == name }
    }

    /// Every `.help` topic: routines, directives and diagnostic codes.
    public var helpTopics: [String] {
        routines.map(\.name) + directives.map(\.name) + diagnosticCodes
    }
}
