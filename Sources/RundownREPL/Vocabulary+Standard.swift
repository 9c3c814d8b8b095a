import RundownScript

extension Vocabulary {
    /// The vocabulary of the language as the catalogues define it: every routine with its WDK
    /// parameter names and C return type, every directive with its parameters, every
    /// diagnostic code. Nothing here is written twice: a new catalogue row completes at once.
    public static let standard = Vocabulary(
        routines: RoutineCatalogue.all.map { routine in
            Command(
                name: routine.name,
                parameters: routine.parameters.map { Parameter($0.name, kind(of: $0.type)) },
                returns: routine.returns.cType)
        },
        directives: DirectiveCatalogue.all.map { directive in
            Command(
                name: directive.name,
                // A leading option (`.record -f`) is left out: Tab and the hint then serve the
                // usual form, `.record FILE`.
                parameters: directive.parameters.compactMap {
                    if case .flag = $0.kind { return nil }
                    return Parameter($0.name, kind(of: $0.kind), optional: $0.optional)
                },
                returns: nil)
        },
        diagnosticCodes: DiagnosticCode.allCases.map(\.rawValue))

    static func kind(of type: ParameterType) -> ArgumentKind {
        switch type {
        case .runRef, .cacheAwareRef: .handle
        case .count: .count
        case .poolType: .poolType
        case .poolTag: .poolTag
        case .size: .size
        }
    }

    static func kind(of kind: DirectiveArgumentKind) -> ArgumentKind {
        switch kind {
        case .topic: .helpTopic
        case .handle: .handle
        case .thread: .thread
        case .file: .file
        case .fileOrOff: .fileOrOff
        case .onOff: .onOff
        case .processor: .processor
        case .processorCount, .count: .number
        case .irql: .irql
        case .keyword(let words): .words(words)
        case .flag(let flag): .words([flag])
        }
    }
}
