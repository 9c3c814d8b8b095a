import RundownScript

/// Renders the script corpus and the routine and diagnostic catalogues as Markdown pages.
///
/// Pure: scripts in, pages out, in a stable order, with no dates or paths of this machine,
/// so `rdsh doc --check` can compare the result with the committed `docs/` byte for byte.
public struct DocGenerator: Sendable {
    /// One generated file: its path relative to the output folder, and its text.
    public struct Page: Sendable, Equatable {
        public let path: String
        public let text: String
    }

    let routines: [Routine]
    let codes: [DiagnosticCode]
    /// How the output folder reaches the scripts folder, for links to script files.
    let scriptsLink: String
    /// Runs a race script's block with `.par schedule="WITNESS"` and returns the block's
    /// transcript (the witness trace shown under each outcome); nil leaves the traces out.
    let witnessTrace: (@Sendable (_ text: String, _ witness: String) -> [String])?

    /// - Parameter scriptsLink: the scripts folder as seen from the output folder (`../scripts`).
    public init(
        routines: [Routine] = RoutineCatalogue.all, codes: [DiagnosticCode] = DiagnosticCode.allCases,
        scriptsLink: String = "../scripts",
        witnessTrace: (@Sendable (_ text: String, _ witness: String) -> [String])? = nil
    ) {
        self.routines = routines
        self.codes = codes
        self.scriptsLink = scriptsLink
        self.witnessTrace = witnessTrace
    }

    /// Every page for these scripts (paths relative to the scripts folder, `/`-separated).
    public func pages(for files: [(path: String, text: String)]) -> [Page] {
        let names = Set(routines.map(\.name))
        let scripts = files.map { DocScript(path: $0.path, text: $0.text, routineNames: names) }
            .sorted { ($0.rank, $0.path) < ($1.rank, $1.path) }
        let corpus = Corpus(scripts: scripts)
        var pages: [Page] = []
        pages.append(Page(path: "README.md", text: index(corpus)))
        pages.append(Page(path: "diagnostics.md", text: diagnostics(corpus)))
        if let tour = corpus.tour {
            pages.append(Page(path: "tour.md", text: scriptPage(tour, corpus, depth: 0)))
        }
        for routine in routines {
            pages.append(Page(path: "routines/\(routine.name).md", text: routinePage(routine, corpus)))
        }
        for script in corpus.scenarios {
            pages.append(
                Page(path: "scenarios/\(script.name).md", text: scriptPage(script, corpus, depth: 1)))
        }
        for script in corpus.races {
            pages.append(Page(path: "races/\(script.name).md", text: racePage(script, corpus)))
        }
        for family in corpus.misuseFamilies {
            pages.append(Page(path: "misuse/\(family.name).md", text: misusePage(family, corpus)))
        }
        return pages.sorted { $0.path < $1.path }
    }

    // MARK: - The corpus, grouped

    struct MisuseFamily {
        let name: String
        let bug: DocScript?
        let fixed: DocScript?
        var scripts: [DocScript] { [bug, fixed].compactMap { $0 } }
        var title: String { bug?.title ?? fixed?.title ?? name }
        var codes: [String] { Array(Set(scripts.flatMap(\.codes))).sorted() }
    }

    struct Corpus {
        let scripts: [DocScript]
        var tour: DocScript? { scripts.first { $0.section == .tour } }
        var scenarios: [DocScript] { scripts.filter { $0.section == .scenario } }
        var races: [DocScript] { scripts.filter { $0.section == .race } }
        var others: [DocScript] { scripts.filter { $0.section == .other } }
        var misuseFamilies: [MisuseFamily] {
            var bugs: [String: DocScript] = [:]
            var fixes: [String: DocScript] = [:]
            for script in scripts {
                if case .misuse(let family, let fixed) = script.section {
                    if fixed { fixes[family] = script } else { bugs[family] = script }
                }
            }
            return Set(bugs.keys).union(fixes.keys).sorted().map {
                MisuseFamily(name: $0, bug: bugs[$0], fixed: fixes[$0])
            }
        }
        func routineScript(_ name: String) -> DocScript? {
            scripts.first { $0.section == .routine(name) }
        }
        func scripts(showing code: String) -> [DocScript] {
            scripts.filter { $0.codes.contains(code) }
        }
    }

    // MARK: - Links

    /// The page that shows a script in full, relative to the output folder; nil when the script
    /// has no page of its own (it is linked as a file instead).
    func pagePath(of script: DocScript) -> String? {
        switch script.section {
        case .tour: "tour.md"
        case .routine(let name): routines.contains { $0.name == name } ? "routines/\(name).md" : nil
        case .scenario: "scenarios/\(script.name).md"
        case .race: "races/\(script.name).md"
        case .misuse(let family, _): "misuse/\(family).md"
        case .other: nil
        }
    }

    /// A Markdown link to a script from a page `depth` folders below the output folder.
    func link(to script: DocScript, depth: Int) -> String {
        let up = String(repeating: "../", count: depth)
        if let page = pagePath(of: script) {
            return "[\(script.path)](\(up)\(page))"
        }
        return "[\(script.path)](\(up)\(scriptsLink)/\(script.path))"
    }

    func routineLink(_ name: String, depth: Int) -> String {
        "[\(name)](\(String(repeating: "../", count: depth))routines/\(name).md)"
    }

    func codeLink(_ code: String, depth: Int) -> String {
        "[\(code)](\(String(repeating: "../", count: depth))diagnostics.md#\(code.lowercased()))"
    }

    // MARK: - Pages

    func index(_ corpus: Corpus) -> String {
        var out = Markdown()
        out.heading(1, "rdsh: the run-down protection API, by example")
        out.paragraph(
            "Every page here is generated by `rdsh doc scripts/ -o docs/` from the scripts under "
                + "`scripts/` and the routine and diagnostic catalogues; edit those, not these pages. "
                + "Every script is a test: `rdsh test scripts/` runs it and compares what it prints with "
                + "the `#>` (output) and `#!` (diagnostic) lines written in it.")
        if corpus.tour != nil {
            out.paragraph("Start with the [five-minute tour](tour.md).")
        }
        out.heading(2, "Routines")
        for family in RoutineFamily.allCases {
            let members = routines.filter { $0.family == family }
            guard !members.isEmpty else { continue }
            out.heading(3, family.rawValue.prefix(1).uppercased() + family.rawValue.dropFirst())
            out.table(
                ["routine", "IRQL", "what it does"],
                members.map { [routineLink($0.name, depth: 0), "≤ \($0.maxIrql.name)", $0.summary] })
        }
        let scenarios = corpus.scenarios
        if !scenarios.isEmpty {
            out.heading(2, "Driver patterns")
            out.paragraph("Real drivers' use of run-down protection, each with its threads.")
            out.list(scenarios.map { "[\($0.title)](scenarios/\($0.name).md)" })
        }
        let races = corpus.races
        if !races.isEmpty {
            out.heading(2, "Races")
            out.paragraph(
                "`.par` blocks: every interleaving of the threads' lines explored on the real threads, "
                    + "every distinct outcome listed with a witness schedule and its trace.")
            out.list(races.map { "[\($0.title)](races/\($0.name).md)" })
        }
        let families = corpus.misuseFamilies
        if !families.isEmpty {
            out.heading(2, "Misuse")
            out.paragraph(
                "Classic bugs, each with the diagnostic rdsh gives, what real Windows does, and the "
                    + "corrected script.")
            out.table(
                ["bug", "diagnostics"],
                families.map { family in
                    [
                        "[\(shortTitle(family.title))](misuse/\(family.name).md)",
                        family.codes.map { codeLink($0, depth: 0) }.joined(separator: ", "),
                    ]
                })
        }
        out.heading(2, "Diagnostics")
        out.paragraph("[Every diagnostic code](diagnostics.md), what it means, and the scripts that show it.")
        let others = corpus.others
        if !others.isEmpty {
            out.heading(2, "Other scripts")
            out.list(
                others.map { script in
                    let title = script.title.isEmpty ? "" : ": \(script.title)"
                    return link(to: script, depth: 0) + title
                })
        }
        return out.text
    }

    func diagnostics(_ corpus: Corpus) -> String {
        var out = Markdown()
        out.heading(1, "Diagnostic codes")
        out.paragraph(
            "rdsh prints a diagnostic as `error[CODE]: message` or `warning[CODE]: message`, followed by "
                + "`note:` lines (in `rdsh run`, prefixed by `file:line:col:`). The codes are stable.")
        for category in DiagnosticCode.Category.allCases {
            let members = codes.filter { $0.category == category }
            guard !members.isEmpty else { continue }
            out.heading(2, category.rawValue)
            for code in members {
                out.heading(3, code.rawValue)
                out.paragraph("*\(code.defaultSeverity == .warning ? "warning" : "error")*: \(code.summary).")
                out.paragraph(code.explanation)
                let shown = corpus.scripts(showing: code.rawValue)
                if shown.isEmpty {
                    out.paragraph("No script shows it yet.")
                } else {
                    if let first = shown.first, let example = first.example(of: code.rawValue) {
                        out.paragraph("For example, in \(link(to: first, depth: 0)):")
                        out.code(
                            example.map { numbered($0.line, $0.text) }.joined(separator: "\n"),
                            language: "rdsh")
                    }
                    out.paragraph(
                        "Shown in: " + shown.map { link(to: $0, depth: 0) }.joined(separator: ", ") + ".")
                }
            }
        }
        return out.text
    }

    func routinePage(_ routine: Routine, _ corpus: Corpus) -> String {
        var out = Markdown()
        out.heading(1, routine.name)
        out.paragraph(routine.summary)
        out.code(routine.cSignature, language: "c")
        var facts: [[String]] = [
            ["Returns", returnsText(routine.returns)],
            ["IRQL", "≤ \(routine.maxIrql.name)" + (routine.irqlNote.map { ": \($0)" } ?? "")],
            ["Object", kindText(routine.kind)],
            ["rdsh", "`\(routine.usage)`"],
        ]
        facts.append(["Reference", "[\(routine.docURL)](\(routine.docURL))"])
        out.table(["", ""], facts)
        out.paragraph(routine.description)
        if !routine.contract.isEmpty {
            out.heading(2, "Contract")
            out.list(routine.contract)
        }
        if !routine.misuse.isEmpty {
            out.heading(2, "Misuse, and what real Windows does")
            out.list(routine.misuse)
        }
        if !routine.seeAlso.isEmpty {
            out.heading(2, "See also")
            out.list(routine.seeAlso.map { routineLink($0, depth: 1) })
        }
        if let own = corpus.routineScript(routine.name) {
            out.heading(2, "The script: `scripts/\(own.path)`")
            out.script(own)
        }
        let users = corpus.scripts.filter {
            $0.section != .routine(routine.name) && $0.routines.contains(routine.name)
        }
        if !users.isEmpty {
            out.heading(2, "Every other script that calls it")
            out.paragraph("Each call with the output written below it; the link leads to the whole script.")
            for script in users {
                out.heading(3, link(to: script, depth: 1) + (script.title.isEmpty ? "" : ": \(script.title)"))
                var excerpt: [String] = []
                for call in script.calls where call.routine == routine.name {
                    excerpt.append(numbered(call.line, script.lines[call.line - 1]))
                    for line in script.expectations(after: call.line) {
                        excerpt.append(numbered(nil, line))
                    }
                }
                out.code(excerpt.joined(separator: "\n"), language: "rdsh")
            }
        }
        return out.text
    }

    func scriptPage(_ script: DocScript, _ corpus: Corpus, depth: Int) -> String {
        var out = Markdown()
        out.heading(1, script.title.isEmpty ? script.name : script.title)
        for paragraph in script.paragraphs { out.paragraph(paragraph) }
        out.heading(2, "The script: `scripts/\(script.path)`")
        out.script(script)
        footer(for: [script], into: &out, depth: depth)
        return out.text
    }

    /// A race: the script with its outcome table, then one witness trace per outcome.
    func racePage(_ script: DocScript, _ corpus: Corpus) -> String {
        var out = Markdown()
        out.heading(1, script.title.isEmpty ? script.name : script.title)
        for paragraph in script.paragraphs { out.paragraph(paragraph) }
        out.heading(2, "The script: `scripts/\(script.path)`")
        out.script(script)
        let outcomes = script.outcomes
        if let witnessTrace, !outcomes.isEmpty {
            out.heading(2, "One schedule per outcome")
            out.paragraph(
                "Each witness replayed with `.par schedule=\"...\"`: one line per step, then what that step printed."
            )
            let text = script.lines.joined(separator: "\n")
            for (index, entry) in outcomes.enumerated() {
                out.heading(3, "Outcome \(index + 1): `\(entry.witness)`")
                out.paragraph(entry.outcome.isEmpty ? "(nothing observed)" : entry.outcome)
                out.code(witnessTrace(text, entry.witness).joined(separator: "\n"), language: "text")
            }
        }
        footer(for: [script], into: &out, depth: 1)
        return out.text
    }

    func misusePage(_ family: MisuseFamily, _ corpus: Corpus) -> String {
        var out = Markdown()
        out.heading(1, family.title)
        if let bug = family.bug {
            for paragraph in bug.paragraphs { out.paragraph(paragraph) }
            out.heading(2, "The bug: `scripts/\(bug.path)`")
            out.script(bug)
        }
        if let fixed = family.fixed {
            out.heading(2, "The fix: `scripts/\(fixed.path)`")
            for paragraph in ([fixed.title] + fixed.paragraphs) where !paragraph.isEmpty {
                out.paragraph(paragraph)
            }
            out.script(fixed)
        }
        footer(for: family.scripts, into: &out, depth: 1)
        return out.text
    }

    func footer(for scripts: [DocScript], into out: inout Markdown, depth: Int) {
        let codes = Array(Set(scripts.flatMap(\.codes))).sorted()
        if !codes.isEmpty {
            out.paragraph(
                "Diagnostics shown: " + codes.map { codeLink($0, depth: depth) }.joined(separator: ", ") + "."
            )
        }
        let used = Array(Set(scripts.flatMap(\.routines))).sorted()
        if !used.isEmpty {
            out.paragraph(
                "Routines called: " + used.map { routineLink($0, depth: depth) }.joined(separator: ", ") + "."
            )
        }
    }

    // MARK: - Words

    /// A misuse title without its leading "Bug: " (the table is all bugs), capitalized.
    func shortTitle(_ title: String) -> String {
        if title.hasPrefix("Bug (in the script): ") {
            return "In the script: " + title.dropFirst("Bug (in the script): ".count)
        }
        if title.hasPrefix("Bug: ") {
            let rest = title.dropFirst("Bug: ".count)
            return rest.prefix(1).uppercased() + rest.dropFirst()
        }
        return title
    }

    func returnsText(_ kind: ReturnKind) -> String {
        switch kind {
        case .void: "VOID: rdsh prints nothing."
        case .boolean: "BOOLEAN: rdsh prints `TRUE` or `FALSE`."
        case .sizeT: "SIZE_T: rdsh prints the number in decimal."
        case .pointer:
            "a pointer to the new object: rdsh binds it to a name (`C = ...`) and prints `NULL` when the allocation fails."
        }
    }

    func kindText(_ kind: RoutineKind) -> String {
        switch kind {
        case .plain: "a plain `EX_RUNDOWN_REF`"
        case .cacheAware: "a cache-aware `EX_RUNDOWN_REF_CACHE_AWARE`"
        case .none: "none"
        }
    }

    func numbered(_ line: Int?, _ text: String) -> String {
        let number = line.map(String.init) ?? ""
        return String(repeating: " ", count: max(0, 4 - number.count)) + number + " | " + text
    }
}
