/// Turns one line into a ``Statement``, checking arity and argument kinds against the
/// catalogues. Diagnostics point at the offending token (column and caret width).
///
/// Forms (grammar.md has the EBNF):
/// ```
/// [THREAD ':'] [NAME '='] Routine argument*
/// 'EX_RUNDOWN_REF' NAME ['=' 'EX_RUNDOWN_ACTIVE']
/// '.directive' argument*
/// ```
public enum Parser {
    /// Names that cannot be used for handles, bindings or threads.
    public static let reservedWords: Set<String> = Set(
        RoutineCatalogue.names + ParameterType.poolTypeNames + Irql.allCases.map(\.name)
            + ["EX_RUNDOWN_REF", "EX_RUNDOWN_REF_CACHE_AWARE", "EX_RUNDOWN_ACTIVE", "NULL", "TRUE", "FALSE"])

    /// Parses one line (without its newline). `location` is the line's start; the column is ignored.
    public static func parse(line: String, location: SourceLocation) -> Parsed {
        let tokens: [Token]
        switch Lexer.tokenize(line, location: location) {
        case .success(let lexed): tokens = lexed
        case .failure(let diagnostic): return .failure(diagnostic)
        }
        do {
            return .success(try parse(tokens: tokens, line: line, location: location))
        } catch {
            return .failure(error)
        }
    }

    static func parse(tokens: [Token], line: String, location: SourceLocation) throws(Diagnostic) -> Statement
    {
        guard let first = tokens.first else { return .empty }
        let context = Context(tokens: tokens, location: location, line: line)
        if first.kind == .word, first.text.hasPrefix(".") {
            if first.text == ".par" { return .directive(try context.parDirective()) }
            return .directive(try context.directive())
        }
        if first.kind == .word, first.text == "EX_RUNDOWN_REF" || first.text == "EX_RUNDOWN_REF_CACHE_AWARE" {
            return try context.declaration(at: 0)
        }
        return .call(try context.call())
    }
}

/// Parsing state for one line.
private struct Context {
    let tokens: [Token]
    let location: SourceLocation
    let line: String

    func error(_ code: DiagnosticCode, _ message: String, at token: Token, notes: [String] = []) -> Diagnostic
    {
        Diagnostic(
            code, message, location: location.at(column: token.column), length: token.length, notes: notes)
    }

    /// The column just after the last token: where a missing argument belongs.
    var endColumn: Int { tokens.last.map(\.endColumn) ?? 1 }

    func describe(_ token: Token) -> String {
        switch token.kind {
        case .integer: "the number \(token.text)"
        case .tag: "the pool tag \(token.spelling)"
        case .string: "the string \(token.spelling)"
        case .colon: "':'"
        case .equals: "'='"
        case .word: "'\(token.text)'"
        }
    }

    // MARK: - Names

    /// Checks a token used as a new handle, binding or thread name.
    func checkName(_ token: Token, role: String) throws(Diagnostic) -> String {
        guard token.isIdentifier else {
            throw error(
                .badArgument, "expected a \(role) name, got \(describe(token))", at: token,
                notes: ["names are letters, digits and '_', starting with a letter or '_'"])
        }
        if Parser.reservedWords.contains(token.text) {
            throw error(
                .badArgument, "'\(token.text)' is a reserved word and cannot name a \(role)", at: token)
        }
        return token.text
    }

    // MARK: - Declarations

    func declaration(at index: Int) throws(Diagnostic) -> Statement {
        let keyword = tokens[index]
        if keyword.text == "EX_RUNDOWN_REF_CACHE_AWARE" {
            throw error(
                .syntax, "EX_RUNDOWN_REF_CACHE_AWARE cannot be declared: the structure is opaque",
                at: keyword,
                notes: [
                    "allocate one: C = ExAllocateCacheAwareRundownProtection NonPagedPoolNx 'RdTg'",
                    "or lay one out in storage: n = ExSizeOfRundownProtectionCacheAware, then ExInitializeRundownProtectionCacheAware C n",
                ])
        }
        let usage = "usage: EX_RUNDOWN_REF NAME [= EX_RUNDOWN_ACTIVE]"
        guard index + 1 < tokens.count else {
            throw Diagnostic(
                .syntax, "expected a name after EX_RUNDOWN_REF", location: location.at(column: endColumn),
                notes: [usage])
        }
        let nameToken = tokens[index + 1]
        let name = try checkName(nameToken, role: "handle")
        let nameLocation = location.at(column: nameToken.column)
        if index + 2 == tokens.count {
            return .declare(name: name, runDown: false, location: nameLocation)
        }
        let equals = tokens[index + 2]
        guard equals.kind == .equals else {
            throw error(
                .syntax, "unexpected \(describe(equals)) after the declared name", at: equals, notes: [usage])
        }
        guard index + 3 < tokens.count else {
            throw Diagnostic(
                .syntax, "expected EX_RUNDOWN_ACTIVE after '='", location: location.at(column: endColumn),
                notes: [usage])
        }
        let value = tokens[index + 3]
        guard value.kind == .word, value.text == "EX_RUNDOWN_ACTIVE" else {
            throw error(
                .syntax, "the only initializer is EX_RUNDOWN_ACTIVE, got \(describe(value))", at: value,
                notes: [usage, "without an initializer the storage is zero-filled: live, no holders"])
        }
        if index + 4 < tokens.count {
            let extra = tokens[index + 4]
            throw error(
                .syntax, "unexpected \(describe(extra)) after EX_RUNDOWN_ACTIVE", at: extra, notes: [usage])
        }
        return .declare(name: name, runDown: true, location: nameLocation)
    }

    // MARK: - Calls

    func call() throws(Diagnostic) -> Call {
        var index = 0
        var thread: String?
        var threadColumn: Int?
        var binding: String?
        var bindingColumn: Int?

        // T: ...
        if tokens.count > 1, tokens[1].kind == .colon {
            thread = try checkName(tokens[0], role: "thread")
            threadColumn = tokens[0].column
            index = 2
            guard index < tokens.count else {
                throw Diagnostic(
                    .syntax, "expected a command after '\(tokens[0].text):'",
                    location: location.at(column: endColumn),
                    notes: ["usage: THREAD: Routine arguments..."])
            }
            let next = tokens[index]
            if next.kind == .word, next.text.hasPrefix(".") {
                throw error(
                    .syntax, "directives run in the shell, not on a thread", at: next,
                    notes: ["write '\(next.text) ...' without the '\(tokens[0].text):' prefix"])
            }
            if next.kind == .word, next.text.hasPrefix("EX_RUNDOWN_REF") {
                throw error(
                    .syntax, "declarations take no thread prefix", at: next,
                    notes: ["write '\(next.text) ...' without the '\(tokens[0].text):' prefix"])
            }
            if index + 1 < tokens.count, tokens[index + 1].kind == .colon {
                throw error(.syntax, "only one thread prefix is allowed", at: tokens[index + 1])
            }
        }

        // if NAME / if !NAME
        var guardName: String?
        var guardNegated = false
        var guardColumn: Int?
        if index + 1 < tokens.count, tokens[index].kind == .word, tokens[index].text == "if",
            tokens[index + 1].kind != .equals
        {
            let nameToken = tokens[index + 1]
            var text = nameToken.text
            var column = nameToken.column
            if nameToken.kind == .word, text.hasPrefix("!") {
                guardNegated = true
                text.removeFirst()
                column += 1
            }
            guard nameToken.kind == .word, Token.isIdentifier(text), !Parser.reservedWords.contains(text)
            else {
                throw error(
                    .badGuard, "expected a boolean binding after 'if', got \(describe(nameToken))",
                    at: nameToken, notes: ["usage: [T:] if NAME Routine args... or if !NAME Routine args..."])
            }
            guardName = text
            guardColumn = column
            index += 2
            guard index < tokens.count else {
                throw Diagnostic(
                    .syntax, "expected a routine after 'if \(nameToken.text)'",
                    location: location.at(column: endColumn),
                    notes: ["usage: [T:] if NAME Routine args..."])
            }
        }

        // NAME = ...
        if index + 1 < tokens.count, tokens[index + 1].kind == .equals {
            binding = try checkName(tokens[index], role: "binding")
            bindingColumn = tokens[index].column
            index += 2
            guard index < tokens.count else {
                throw Diagnostic(
                    .syntax, "expected a routine after '='", location: location.at(column: endColumn),
                    notes: ["only a routine's result can be bound: NAME = Routine arguments..."])
            }
            let next = tokens[index]
            if next.kind != .word || !next.isIdentifier {
                throw error(
                    .syntax, "only a routine's result can be bound, got \(describe(next))", at: next,
                    notes: ["example: n = ExSizeOfRundownProtectionCacheAware"])
            }
        }

        let routineToken = tokens[index]
        let routine = try lookUpRoutine(routineToken, first: index == 0)

        if let binding, !routine.canBind {
            throw error(
                .syntax, "\(routine.name) returns VOID: there is nothing to bind to '\(binding)'",
                at: routineToken, notes: ["usage: \(routine.usage)"])
        }
        if binding == nil, routine.mustBind {
            throw error(
                .syntax, "the result of \(routine.name) must be bound to a name", at: routineToken,
                notes: ["usage: \(routine.usage)", "example: C = \(routine.name) NonPagedPoolNx 'RdTg'"])
        }

        let argumentTokens = Array(tokens[(index + 1)...])
        let arguments = try checkArguments(argumentTokens, of: routine, routineToken: routineToken)
        var text = routine.name
        var lengths: [Int] = []
        lengths.reserveCapacity(argumentTokens.count)
        for token in argumentTokens {
            text += " "
            text += token.spelling
            lengths.append(token.length)
        }
        var call = Call(
            thread: thread, binding: binding, routine: routine, arguments: arguments,
            location: location.at(column: routineToken.column), text: text, threadColumn: threadColumn,
            bindingColumn: bindingColumn, argumentLengths: lengths)
        call.guardName = guardName
        call.guardNegated = guardNegated
        call.guardColumn = guardColumn
        return call
    }

    func lookUpRoutine(_ token: Token, first: Bool) throws(Diagnostic) -> Routine {
        if token.kind == .word, let routine = RoutineCatalogue.named(token.text) { return routine }
        guard token.kind == .word else {
            throw error(
                .syntax, "expected a routine name, got \(describe(token))", at: token,
                notes: [
                    "a command starts with a routine name, a thread prefix 'T:', a binding 'NAME =', EX_RUNDOWN_REF or a .directive"
                ])
        }
        var notes: [String] = []
        if let open = token.text.firstIndex(of: "("),
            RoutineCatalogue.named(String(token.text[..<open])) != nil
        {
            let name = String(token.text[..<open])
            notes.append(
                "arguments follow the routine name, separated by blanks, without parentheses or '&': \(name) R"
            )
            throw error(.syntax, "C call syntax is not rdsh syntax", at: token, notes: notes)
        }
        if token.text.uppercased() == "EX_RUNDOWN_REF" {
            notes.append("a declaration is spelled EX_RUNDOWN_REF NAME")
        }
        let suggestions = RoutineCatalogue.suggestions(for: token.text)
        if let note = NameSuggester.didYouMean(suggestions) { notes.append(note) }
        if first, let directive = DirectiveCatalogue.named("." + token.text.lowercased()) {
            notes.append("directives start with a dot: \(directive.usage)")
        }
        if first, tokens.count == 1 {
            notes.append("`.help` lists the routines and directives")
        }
        throw error(.unknownRoutine, "unknown routine '\(token.text)'", at: token, notes: notes)
    }

    func checkArguments(_ given: [Token], of routine: Routine, routineToken: Token) throws(Diagnostic)
        -> [Argument]
    {
        var usage: String { "usage: \(routine.usage)" }
        let parameters = routine.parameters
        if let stray = given.first(where: { $0.kind == .colon || $0.kind == .equals }) {
            throw error(.syntax, "unexpected \(describe(stray)) in the arguments", at: stray, notes: [usage])
        }
        if given.count > parameters.count {
            let extra = given[parameters.count]
            let last = given[given.count - 1]
            let takes =
                parameters.isEmpty
                ? "takes no arguments"
                : "takes \(parameters.count) argument\(parameters.count == 1 ? "" : "s") (\(parameters.map(\.name).joined(separator: " ")))"
            throw Diagnostic(
                .syntax, "too many arguments: \(routine.name) \(takes)",
                location: location.at(column: extra.column), length: last.endColumn - extra.column,
                notes: [usage])
        }
        var arguments: [Argument] = []
        for (position, parameter) in parameters.enumerated() {
            guard position < given.count else {
                let missing = parameters[position...].map(\.name)
                let what =
                    missing.count == 1
                    ? "argument \(missing[0])" : "arguments \(missing.joined(separator: " "))"
                throw Diagnostic(
                    .syntax, "missing \(what) for \(routine.name)", location: location.at(column: endColumn),
                    notes: [usage])
            }
            arguments.append(try checkArgument(given[position], for: parameter, usage: usage))
        }
        return arguments
    }

    func checkArgument(_ token: Token, for parameter: Parameter, usage makeUsage: @autoclosure () -> String)
        throws(Diagnostic) -> Argument
    {
        var usage: String { makeUsage() }
        var expected: String { "expected \(parameter.name): \(parameter.type.phrase)" }
        switch token.kind {
        case .colon, .equals:
            throw error(.syntax, "unexpected \(describe(token)) in the arguments", at: token, notes: [usage])
        case .string:
            throw error(.badArgument, "\(expected), got \(describe(token))", at: token, notes: [usage])
        default:
            break
        }
        switch parameter.type {
        case .runRef, .cacheAwareRef:
            guard token.isIdentifier else {
                var notes = [usage]
                if token.kind == .word {
                    notes.insert(
                        token.text.hasPrefix("&") || token.text.hasPrefix("*")
                            ? "handles are plain names: no '&' or '*'"
                            : "names are letters, digits and '_', starting with a letter or '_'", at: 0)
                }
                throw error(.badArgument, "\(expected), got \(describe(token))", at: token, notes: notes)
            }
            return .name(token.text, column: token.column)

        case .count:
            if token.isIdentifier { return .name(token.text, column: token.column) }
            guard token.kind == .integer else {
                throw error(.badArgument, "\(expected), got \(describe(token))", at: token, notes: [usage])
            }
            let (negative, magnitude) = Lexer.integerValue(token.text)
            guard let magnitude, !negative || magnitude == 0, magnitude <= 0xFFFF_FFFF else {
                let why = negative ? "is negative" : "does not fit a ULONG"
                throw error(
                    .countOutOfRange, "Count \(token.text) \(why)", at: token,
                    notes: ["Count is a ULONG; the routines accept 1 ... 0x7FFFFFFF (2147483647)", usage])
            }
            return .integer(Int(magnitude), column: token.column)

        case .size:
            if token.isIdentifier { return .name(token.text, column: token.column) }
            guard token.kind == .integer else {
                throw error(.badArgument, "\(expected), got \(describe(token))", at: token, notes: [usage])
            }
            let (negative, magnitude) = Lexer.integerValue(token.text)
            guard let magnitude, !negative || magnitude == 0, magnitude <= UInt64(Int.max) else {
                throw error(
                    .badArgument,
                    "size \(token.text) \(negative ? "is negative" : "is too large for a SIZE_T")", at: token,
                    notes: ["bind the right size with: n = ExSizeOfRundownProtectionCacheAware", usage])
            }
            return .integer(Int(magnitude), column: token.column)

        case .poolType:
            if token.kind == .word, ParameterType.poolTypeNames.contains(token.text) {
                return .name(token.text, column: token.column)
            }
            var notes: [String] = []
            if token.kind == .word,
                let note = NameSuggester.didYouMean(
                    NameSuggester.suggestions(for: token.text, among: ParameterType.poolTypeNames))
            {
                notes.append(note)
            }
            notes.append("pool types: " + ParameterType.poolTypeNames.joined(separator: ", "))
            throw error(
                .badArgument, "\(describe(token)) is not a pool type", at: token, notes: notes + [usage])

        case .poolTag:
            switch token.kind {
            case .tag:
                guard let value = PoolTag.value(of: token.text) else {
                    let count = token.text.unicodeScalars.count
                    let why =
                        count == 4
                        ? "must be printable ASCII characters"
                        : "has \(count) character\(count == 1 ? "" : "s")"
                    throw error(
                        .badArgument, "a pool tag is exactly four characters; \(token.spelling) \(why)",
                        at: token,
                        notes: ["example: 'RdTg'", usage])
                }
                return .tag(value, text: token.spelling, column: token.column)
            case .integer:
                let (negative, magnitude) = Lexer.integerValue(token.text)
                guard let magnitude, !negative || magnitude == 0, magnitude <= 0xFFFF_FFFF else {
                    throw error(
                        .badArgument, "pool tag \(token.text) does not fit a ULONG", at: token,
                        notes: [
                            "a pool tag is four characters in single quotes, e.g. 'RdTg', or an integer 0 ... 0xFFFFFFFF"
                        ])
                }
                return .tag(UInt32(magnitude), text: token.text, column: token.column)
            default:
                throw error(.badArgument, "\(expected), got \(describe(token))", at: token, notes: [usage])
            }
        }
    }

    // MARK: - .par options

    /// `.par [budget=N] [seed=S] [schedule="A.1 W.1 ..."]`: each option becomes one argument
    /// whose text is `key=value` (the value without quotes).
    func parDirective() throws(Diagnostic) -> Directive {
        let spec = DirectiveCatalogue.named(".par")!
        let usage = "usage: \(spec.usage)"
        var arguments: [DirectiveArgument] = []
        var seen: Set<String> = []
        var index = 1
        while index < tokens.count {
            let key = tokens[index]
            guard key.kind == .word, ParOptions.keys.contains(key.text) else {
                throw error(
                    .syntax, "unknown .par option \(describe(key))", at: key,
                    notes: ["options: " + ParOptions.keys.joined(separator: ", "), usage])
            }
            guard index + 2 < tokens.count, tokens[index + 1].kind == .equals else {
                throw error(.syntax, "expected \(key.text)=VALUE", at: key, notes: [usage])
            }
            if !seen.insert(key.text).inserted {
                throw error(.syntax, "\(key.text)= is given twice", at: key, notes: [usage])
            }
            let value = tokens[index + 2]
            let end = value.endColumn
            let argument = DirectiveArgument(
                text: key.text + "=" + value.text, column: key.column, length: end - key.column)
            switch key.text {
            case "budget":
                let (negative, magnitude) = Lexer.integerValue(value.text)
                guard value.kind == .integer, let magnitude, !negative, magnitude >= 1,
                    magnitude <= UInt64(ParOptions.maximumBudget)
                else {
                    throw error(
                        .badBudget,
                        "budget must be a number of schedules 1 ... \(ParOptions.maximumBudget), got \(describe(value))",
                        at: value, notes: [usage])
                }
            case "seed":
                let (negative, magnitude) = Lexer.integerValue(value.text)
                guard value.kind == .integer, let magnitude, !negative, magnitude <= UInt64(UInt32.max) else {
                    throw error(
                        .badArgument, "seed must be a number 0 ... \(UInt32.max), got \(describe(value))",
                        at: value, notes: [usage])
                }
            case "granularity":
                guard value.kind == .word, ParOptions.Granularity(rawValue: value.text) != nil else {
                    throw error(
                        .badGranularity,
                        "granularity must be call or atomic, got \(describe(value))", at: value,
                        notes: [usage])
                }
            case "preemptions":
                let (negative, magnitude) = Lexer.integerValue(value.text)
                guard value.kind == .integer, let magnitude, !negative,
                    magnitude <= UInt64(ParOptions.maximumPreemptions)
                else {
                    throw error(
                        .badPreemptions,
                        "preemptions must be a number 0 ... \(ParOptions.maximumPreemptions), got \(describe(value))",
                        at: value, notes: [usage])
                }
            default:
                guard value.kind == .string || value.kind == .word else {
                    throw error(
                        .badSchedule, "expected a quoted schedule, got \(describe(value))", at: value,
                        notes: ["example: schedule=\"A.1 W.1 A.2\"", usage])
                }
                if let bad = ParOptions.badScheduleStep(value.text) {
                    throw error(
                        .badSchedule, "'\(bad)' is not a step: steps are THREAD.N, N counting from 1",
                        at: value, notes: ["example: schedule=\"A.1 W.1 A.2\"", usage])
                }
            }
            arguments.append(argument)
            index += 3
        }
        return Directive(
            name: spec.name, spec: spec, arguments: arguments, location: location.at(column: tokens[0].column)
        )
    }

    // MARK: - Directives

    func directive() throws(Diagnostic) -> Directive {
        let nameToken = tokens[0]
        guard let spec = DirectiveCatalogue.named(nameToken.text) else {
            var notes: [String] = []
            if let note = NameSuggester.didYouMean(DirectiveCatalogue.suggestions(for: nameToken.text)) {
                notes.append(note)
            }
            notes.append("`.help` lists the directives")
            throw error(
                .unknownDirective, "unknown directive '\(nameToken.text)'", at: nameToken, notes: notes)
        }
        var usage: String { "usage: \(spec.usage)" }
        let given = Array(tokens.dropFirst())
        if let stray = given.first(where: { $0.kind == .colon || $0.kind == .equals }) {
            throw error(.syntax, "unexpected \(describe(stray))", at: stray, notes: [usage])
        }
        // A leading option word (`.record -f FILE`) is either given or its parameter is dropped.
        var parameters = spec.parameters
        if let first = parameters.first, case .flag(let flag) = first.kind {
            if given.first?.kind == .word, given.first?.text == flag {
                parameters[0] = DirectiveParameter(first.name, first.kind)
            } else {
                parameters.removeFirst()
            }
        }
        let requiredCount = parameters.filter { !$0.optional }.count
        if given.count > parameters.count {
            let extra = given[parameters.count]
            let last = given[given.count - 1]
            throw Diagnostic(
                .syntax, "too many arguments for \(spec.name)", location: location.at(column: extra.column),
                length: last.endColumn - extra.column, notes: [usage])
        }
        if given.count < requiredCount {
            let missing = parameters[given.count..<requiredCount].map(\.name)
            throw Diagnostic(
                .syntax, "missing \(missing.joined(separator: " ")) for \(spec.name)",
                location: location.at(column: endColumn), notes: [usage])
        }
        var arguments: [DirectiveArgument] = []
        for (token, parameter) in zip(given, parameters) {
            try checkDirectiveArgument(token, parameter, usage: usage)
            arguments.append(DirectiveArgument(text: token.text, column: token.column, length: token.length))
        }
        return Directive(
            name: spec.name, spec: spec, arguments: arguments, location: location.at(column: nameToken.column)
        )
    }

    func checkDirectiveArgument(
        _ token: Token, _ parameter: DirectiveParameter, usage makeUsage: @autoclosure () -> String
    ) throws(Diagnostic) {
        var usage: String { makeUsage() }
        func bad(_ message: String, _ extra: [String] = []) -> Diagnostic {
            error(.badArgument, message, at: token, notes: extra + [usage])
        }
        switch token.kind {
        case .colon, .equals:
            throw error(.syntax, "unexpected \(describe(token))", at: token, notes: [usage])
        case .tag:
            throw bad("expected \(parameter.name), got \(describe(token))")
        default:
            break
        }
        if token.kind == .string, parameter.kind != .file, parameter.kind != .fileOrOff {
            throw bad("expected \(parameter.name), got \(describe(token))")
        }
        func number(_ range: ClosedRange<Int>, _ what: String) throws(Diagnostic) {
            guard token.kind == .integer else { throw bad("expected \(what), got \(describe(token))") }
            let (negative, magnitude) = Lexer.integerValue(token.text)
            guard let magnitude, magnitude <= UInt64(range.upperBound), !negative || magnitude == 0,
                range.contains(Int(magnitude))
            else {
                throw bad("\(what) must be \(range.lowerBound) ... \(range.upperBound), got \(token.text)")
            }
        }
        switch parameter.kind {
        case .topic, .file, .fileOrOff:
            return
        case .handle, .thread:
            guard token.isIdentifier else {
                throw bad(
                    "expected a \(parameter.kind == .handle ? "handle" : "thread") name, got \(describe(token))"
                )
            }
        case .onOff:
            guard token.kind == .word, ["on", "off"].contains(token.text.lowercased()) else {
                throw bad("expected on or off, got \(describe(token))")
            }
        case .processor:
            try number(0...DirectiveCatalogue.maximumProcessor, "a processor number")
        case .processorCount:
            try number(1...DirectiveCatalogue.maximumProcessorCount, "the processor count")
        case .count:
            try number(0...DirectiveCatalogue.maximumFaultCount, "the count")
        case .irql:
            guard Irql(name: token.text) == nil else { return }
            let names = Irql.allCases.map(\.name)
            var notes: [String] = []
            if let note = NameSuggester.didYouMean(NameSuggester.suggestions(for: token.text, among: names)) {
                notes.append(note)
            }
            notes.append("levels: " + names.joined(separator: ", "))
            throw bad("\(describe(token)) is not an IRQL", notes)
        case .keyword(let words):
            guard token.kind == .word, words.contains(token.text) else {
                throw bad("expected \(words.joined(separator: " or ")), got \(describe(token))")
            }
        case .flag(let flag):
            guard token.kind == .word, token.text == flag else {
                throw bad("expected \(flag), got \(describe(token))")
            }
        }
    }
}

/// What ``Parser/parse(line:location:)`` gives: the statement, or the diagnostic. A plain enum
/// rather than `Result<Statement, Diagnostic>`, for the reason ``Lexed`` gives.
public enum Parsed: Sendable {
    case success(Statement)
    case failure(Diagnostic)
}
