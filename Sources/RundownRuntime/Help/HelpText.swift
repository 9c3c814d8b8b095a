import RundownScript

/// The text of `.help`, rendered from the routine, directive and diagnostic catalogues.
///
/// One place for it, so `.help` reads the same in scripts, in the REPL and in `rdsh doc`.
public enum HelpText {
    /// `.help` without an argument: every routine by family, the other forms, every directive.
    public static func overview() -> [String] {
        var lines: [String] = ["Routines (.help NAME for the signature, contract and an example):"]
        // One column for every group, so the summaries line up down the whole screen.
        let otherForms = [
            (
                "EX_RUNDOWN_REF NAME [= EX_RUNDOWN_ACTIVE]",
                "declare a zero-filled (or run-down) plain reference"
            ),
            ("T: COMMAND", "run COMMAND on the real thread T (default: main)"),
            ("NAME = ROUTINE ARGS...", "bind the result (a handle, a number or a boolean)"),
            ("# text", "a comment (#> and #! lines are expectations)"),
        ]
        let width = max(
            RoutineCatalogue.all.map(\.name.count).max() ?? 0,
            otherForms.map(\.0.count).max() ?? 0,
            DirectiveCatalogue.all.map(\.usage.count).max() ?? 0)
        for family in RoutineFamily.allCases {
            let routines = RoutineCatalogue.routines(in: family)
            guard !routines.isEmpty else { continue }
            lines.append("  \(family.rawValue):")
            for routine in routines {
                lines.append("    \(pad(routine.name, width))  \(routine.summary)")
            }
        }
        lines.append("Other forms:")
        for (form, meaning) in otherForms {
            lines.append("    \(pad(form, width))  \(meaning)")
        }
        lines.append("Directives:")
        for directive in DirectiveCatalogue.all {
            lines.append("    \(pad(directive.usage, width))  \(directive.summary)")
        }
        lines.append("Diagnostics: .help CODE explains one (e.g. .help RELEASE_WITHOUT_ACQUIRE); codes:")
        lines.append(
            contentsOf: wrap(DiagnosticCode.allCases.map(\.rawValue).joined(separator: " "), indent: "    "))
        return lines
    }

    /// `.help NAME`: nil when NAME is no routine, directive or code.
    public static func lines(for name: String) -> [String]? {
        guard let topic = HelpTopic.resolve(name) else { return nil }
        switch topic {
        case .routine(let routine): return routineLines(routine)
        case .directive(let directive): return directiveLines(directive)
        case .code(let code): return codeLines(code)
        }
    }

    /// The full help of one routine.
    public static func routineLines(_ routine: Routine) -> [String] {
        var lines = [routine.usage, "  \(routine.cSignature)", "  \(routine.summary)"]
        lines.append("  returns: \(returnsText(routine.returns))")
        var irql = "  IRQL: <= \(routine.maxIrql.name)"
        if let note = routine.irqlNote { irql += " (\(note))" }
        lines.append(irql)
        lines.append(contentsOf: wrap(routine.description, indent: "  "))
        if !routine.contract.isEmpty {
            lines.append("  contract:")
            for item in routine.contract {
                lines.append(contentsOf: wrap(item, indent: "    - ", continuation: "      "))
            }
        }
        if !routine.misuse.isEmpty {
            lines.append("  misuse (what real Windows does):")
            for item in routine.misuse {
                lines.append(contentsOf: wrap(item, indent: "    - ", continuation: "      "))
            }
        }
        if !routine.seeAlso.isEmpty { lines.append("  see also: " + routine.seeAlso.joined(separator: ", ")) }
        if !routine.example.isEmpty {
            lines.append("  example:")
            for line in routine.example { lines.append("    " + line) }
        }
        lines.append("  docs: \(routine.docURL)")
        return lines
    }

    /// Usage, summary and details of one directive.
    public static func directiveLines(_ directive: DirectiveSpec) -> [String] {
        var lines = [directive.usage, "  \(directive.summary)"]
        lines.append(contentsOf: wrap(directive.details, indent: "  "))
        if directive.interactiveOnly { lines.append("  (interactive shell only)") }
        return lines
    }

    /// Severity, summary and explanation of one diagnostic code.
    public static func codeLines(_ code: DiagnosticCode) -> [String] {
        var lines = ["\(code.rawValue) (\(code.defaultSeverity.rawValue)): \(code.summary)"]
        lines.append(contentsOf: wrap(code.explanation, indent: "  "))
        return lines
    }

    static func returnsText(_ kind: ReturnKind) -> String {
        switch kind {
        case .void: "VOID (prints nothing)"
        case .boolean: "BOOLEAN (prints TRUE or FALSE)"
        case .sizeT: "SIZE_T (prints the number in decimal)"
        case .pointer: "a pointer (bind it: NAME = ...; prints NULL when the allocation fails)"
        }
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    /// Greedy word wrap at 100 columns. A `code span` is one word: a line never breaks inside
    /// code, so a command can be copied from the help as written.
    static func wrap(_ text: String, indent: String, continuation: String? = nil, width: Int = 100)
        -> [String]
    {
        var lines: [String] = []
        var current = indent
        var empty = true
        let next = continuation ?? indent
        for word in words(text) {
            if !empty && current.count + 1 + word.count > width {
                lines.append(current)
                current = next
                empty = true
            }
            current += (empty ? "" : " ") + word
            empty = false
        }
        if !empty { lines.append(current) }
        return lines
    }

    /// Blank-separated words, except that a backtick span stays one word with its blanks.
    static func words(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        var inCode = false
        for character in text {
            if character == "`" { inCode.toggle() }
            if !inCode && (character == " " || character == "\n") {
                if !current.isEmpty { result.append(current) }
                current = ""
            } else {
                current.append(character == "\n" ? " " : character)
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }
}
