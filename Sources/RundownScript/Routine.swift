/// One documented routine: a row of ``RoutineCatalogue``.
///
/// The parser, the contract checker, `.help`, completion, hints and `rdsh doc` all read the
/// same row, so adding a routine is one table entry. A class with constant fields, so that
/// every parsed call shares its row instead of copying fifteen fields (the parser runs once
/// per command, 200 000 times a second in the benchmark). Equality is by name.
public final class Routine: Sendable, Hashable {
    /// The exact WDK name, e.g. `ExAcquireRundownProtectionEx`.
    public let name: String
    /// The `.help` group.
    public let family: RoutineFamily
    /// Parameters in order, with their WDK names.
    public let parameters: [Parameter]
    /// What the routine returns (decides what rdsh prints).
    public let returns: ReturnKind
    /// The highest IRQL at which the routine may be called.
    public let maxIrql: Irql
    /// Where ``maxIrql`` comes from, when the documentation is not plain about it: a clause
    /// starting in lower case without a final period, to be shown in parentheses.
    public let irqlNote: String?
    /// The C prototype as in the WDK reference.
    public let cSignature: String
    /// One line for lists and hints.
    public let summary: String
    /// A paragraph: what the routine does, and what rdsh prints for it.
    public let description: String
    /// Preconditions the contract checker enforces.
    public let contract: [String]
    /// Misuse and what real Windows does then.
    public let misuse: [String]
    /// Related routines.
    public let seeAlso: [String]
    /// A short rdsh example, one script line per element (may include `#>` lines).
    public let example: [String]
    /// The learn.microsoft.com reference page. Made when asked for (`.help`, `rdsh doc`): the
    /// catalogue is built before a script's first line is parsed, and with nineteen Unicode
    /// lowercasings in it that took 36-92 µs of every `rdsh run` (16-52 µs without).
    public var docURL: String {
        "https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-\(name.lowercased())"
    }
    /// Plain, cache-aware, or no object.
    public let kind: RoutineKind

    public init(
        name: String, family: RoutineFamily, parameters: [Parameter], returns: ReturnKind,
        maxIrql: Irql, irqlNote: String? = nil, cSignature: String, summary: String,
        description: String, contract: [String], misuse: [String], seeAlso: [String],
        example: [String], kind: RoutineKind
    ) {
        self.name = name
        self.family = family
        self.parameters = parameters
        self.returns = returns
        self.maxIrql = maxIrql
        self.irqlNote = irqlNote
        self.cSignature = cSignature
        self.summary = summary
        self.description = description
        self.contract = contract
        self.misuse = misuse
        self.seeAlso = seeAlso
        self.example = example
        self.kind = kind
    }

    /// `ExAcquireRundownProtectionEx RunRef Count`: how to call it in rdsh.
    public var usage: String {
        let prefix = mustBind ? "NAME = " : ""
        return ([prefix + name] + parameters.map(\.name)).joined(separator: " ")
    }

    /// True when `NAME = Routine ...` is allowed (the routine returns something).
    public var canBind: Bool { returns != .void }

    /// True when the result must be bound: an unbound allocation would leak at once.
    public var mustBind: Bool { returns == .pointer }

    public static func == (lhs: Routine, rhs: Routine) -> Bool { lhs === rhs || lhs.name == rhs.name }

    public func hash(into hasher: inout Hasher) { hasher.combine(name) }

    /// The handle parameter, if the routine takes one (always the first parameter).
    public var handleParameter: Parameter? { parameters.first { $0.type.isHandle } }
}
