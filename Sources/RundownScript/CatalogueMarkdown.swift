/// Markdown renderings of the catalogues: the generated sections of grammar.md (a test keeps
/// them in sync), also usable by `rdsh doc`.
public enum CatalogueMarkdown {
    /// One `###` section per routine, grouped by family under `####`-free headings in
    /// catalogue order.
    public static func routines() -> String {
        var out: [String] = []
        for family in RoutineFamily.allCases {
            out.append("### Routines: \(family.rawValue)")
            out.append("")
            for routine in RoutineCatalogue.routines(in: family) {
                out.append(contentsOf: routineSection(routine))
            }
        }
        return out.joined(separator: "\n")
    }

    /// The section for one routine.
    public static func routineSection(_ routine: Routine) -> [String] {
        var out: [String] = []
        out.append("#### \(routine.name)")
        out.append("")
        out.append("```c")
        out.append(routine.cSignature)
        out.append("```")
        out.append("")
        out.append("rdsh: `\(routine.usage)`  ")
        let parameters =
            routine.parameters.isEmpty
            ? "none"
            : routine.parameters.map { "`\($0.name)`: \($0.type.phrase)" }.joined(separator: "; ")
        out.append("Parameters: \(parameters).  ")
        out.append("Prints: \(printed(routine.returns)).  ")
        var irql = "IRQL: at most \(routine.maxIrql.name)"
        if let note = routine.irqlNote {
            irql += " (\(note.hasSuffix(".") ? String(note.dropLast()) : note))"
        }
        out.append(irql + ".  ")
        out.append("Reference: <\(routine.docURL)>")
        out.append("")
        out.append(routine.summary + " " + routine.description)
        out.append("")
        out.append("Contract:")
        out.append(contentsOf: routine.contract.map { "- \($0)" })
        out.append("")
        out.append("Misuse and what real Windows does:")
        out.append(contentsOf: routine.misuse.map { "- \($0)" })
        out.append("")
        out.append(
            "See also: " + routine.seeAlso.map { "[\($0)](#\($0.lowercased()))" }.joined(separator: ", ")
                + ".")
        out.append("")
        out.append("```rdsh")
        out.append(contentsOf: routine.example)
        out.append("```")
        out.append("")
        return out
    }

    /// What a routine with this return kind prints.
    public static func printed(_ returns: ReturnKind) -> String {
        switch returns {
        case .void: "nothing (VOID)"
        case .boolean: "`TRUE` or `FALSE` (BOOLEAN)"
        case .sizeT: "the value in decimal (SIZE_T)"
        case .pointer: "nothing on success, `NULL` when the allocation fails (the name is then bound to NULL)"
        }
    }

    /// A table of the directives, then one paragraph each.
    public static func directives() -> String {
        var out: [String] = ["| directive | what it does |", "|---|---|"]
        for spec in DirectiveCatalogue.all {
            // A `|` inside a table cell must be escaped, even in a code span.
            let usage = spec.usage.split(separator: "|", omittingEmptySubsequences: false).joined(
                separator: "\\|")
            out.append("| `\(usage)` | \(spec.summary) |")
        }
        out.append("")
        for spec in DirectiveCatalogue.all {
            out.append("#### \(spec.name)")
            out.append("")
            out.append("`\(spec.usage)`: \(spec.details)")
            let kinds = spec.parameters.map {
                "`\($0.name)` is \(phrase($0.kind))\($0.optional ? " (optional)" : "")"
            }
            if !kinds.isEmpty { out.append("Arguments: " + kinds.joined(separator: "; ") + ".") }
            out.append("")
        }
        return out.joined(separator: "\n")
    }

    /// Words for a directive argument kind.
    public static func phrase(_ kind: DirectiveArgumentKind) -> String {
        switch kind {
        case .topic: "a routine name, a directive (with or without its dot) or a diagnostic code"
        case .handle: "a handle name"
        case .thread: "a thread name"
        case .file: "a path (a word, or a \"double-quoted\" string), relative to the including file"
        case .fileOrOff: "a path, or `off`"
        case .onOff: "`on` or `off`"
        case .processor: "a processor number 0 ... \(DirectiveCatalogue.maximumProcessor)"
        case .processorCount: "a processor count 1 ... \(DirectiveCatalogue.maximumProcessorCount)"
        case .count: "a count 0 ... \(DirectiveCatalogue.maximumFaultCount)"
        case .irql: "`PASSIVE_LEVEL`, `APC_LEVEL` or `DISPATCH_LEVEL` (or 0, 1, 2)"
        case .keyword(let words): words.map { "`\($0)`" }.joined(separator: " or ")
        case .flag(let flag): "the option `\(flag)`"
        }
    }

    /// One `###` heading per category and one paragraph per code.
    public static func codes() -> String {
        var out: [String] = []
        for category in DiagnosticCode.Category.allCases {
            out.append("### \(category.rawValue)")
            out.append("")
            for code in DiagnosticCode.allCases where code.category == category {
                let severity = code.defaultSeverity == .warning ? " (warning)" : ""
                out.append("#### \(code.rawValue)\(severity)")
                out.append("")
                out.append(
                    "*\(code.summary.prefix(1).uppercased() + code.summary.dropFirst()).* \(code.explanation)"
                )
                out.append("")
            }
        }
        return out.joined(separator: "\n")
    }

    /// The generated blocks of grammar.md, by marker name.
    public static let sections: [(name: String, render: @Sendable () -> String)] = [
        ("routines", routines), ("directives", directives), ("codes", codes),
    ]

    /// Replaces every `<!-- BEGIN GENERATED: name -->` ... `<!-- END GENERATED: name -->` block
    /// of `document` with the current rendering (the marker lines stay). Blocks that are
    /// missing are left missing.
    public static func refresh(_ document: String) -> String {
        var lines = document.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (name, render) in sections {
            guard let b = lines.firstIndex(of: "<!-- BEGIN GENERATED: \(name) -->"),
                let e = lines.firstIndex(of: "<!-- END GENERATED: \(name) -->"), b < e
            else { continue }
            var rendered = render().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            while rendered.last == "" { rendered.removeLast() }
            lines.replaceSubrange((b + 1)..<e, with: [""] + rendered + [""])
        }
        return lines.joined(separator: "\n")
    }
}
