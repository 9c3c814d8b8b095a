import Foundation
import RundownScript
import Testing

/// The documentation corpus under `scripts/`: it covers every routine and every diagnostic
/// code, keeps its promised shape, and the committed `docs/` matches it.
@Suite(.timeLimit(.minutes(1))) struct ScriptCorpusTests {
    /// The package root, found from this file's path (Tests/EndToEndTests/ScriptCorpusTests.swift).
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Script {
        let path: String  // relative to scripts/
        let lines: [String]

        /// Lines that are commands (not blank, not comments), with their comment cut off.
        var commands: [String] {
            lines.compactMap { line in
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { return nil }
                return trimmed
            }
        }

        /// The `#!` expectation lines.
        var diagnosticLines: [String] {
            lines.filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("#!") }
        }

        /// The routine names this script calls (the first routine-named word of each command).
        func calls(among names: Set<String>) -> Set<String> {
            var found: Set<String> = []
            for command in commands {
                let words = command.split(whereSeparator: { " \t:=".contains($0) }).map(String.init)
                if let routine = words.first(where: names.contains) { found.insert(routine) }
            }
            return found
        }
    }

    static func scripts() throws -> [Script] {
        let base = root.appendingPathComponent("scripts")
        guard let walker = FileManager.default.enumerator(atPath: base.path) else { return [] }
        var result: [Script] = []
        for case let relative as String in walker where relative.hasSuffix(".rdsh") {
            let text = try String(contentsOf: base.appendingPathComponent(relative), encoding: .utf8)
            result.append(Script(path: relative, lines: text.components(separatedBy: "\n")))
        }
        return result.sorted { $0.path < $1.path }
    }

    @Test func everyRoutineIsCalledBySomeScript() throws {
        let names = Set(RoutineCatalogue.all.map(\.name))
        #expect(names.count == 19)
        let called = try Self.scripts().reduce(into: Set<String>()) { $0.formUnion($1.calls(among: names)) }
        let missing = names.subtracting(called).sorted()
        #expect(missing.isEmpty, "routines no script calls: \(missing)")
    }

    /// Codes no script can show, and why. Each must stay unshowable: if a script starts to show
    /// one, it comes off this list.
    static let unshowable: [String: String] = [
        "THREAD_LIMIT": "needs a script that names 10000 threads; EndToEndTests/SafetyTests shows it",
        "WATCHDOG":
            "reports a bug in rdsh itself (a thread that neither finished nor parked); no correct run produces it",
        "RECORD_FAILED":
            "belongs to the REPL's .record, which a script cannot run (UNKNOWN_DIRECTIVE there); ReplPolishTests shows it",
    ]

    @Test func everyDiagnosticCodeIsShownBySomeScript() throws {
        let shown = try Self.scripts().flatMap(\.diagnosticLines).joined(separator: "\n")
        let isShown: (String) -> Bool = { code in
            shown.contains("error[\(code)]") || shown.contains("warning[\(code)]")
        }
        let codes = DiagnosticCode.allCases.map(\.rawValue)
        let missing = codes.filter { !isShown($0) && Self.unshowable[$0] == nil }
        #expect(missing.isEmpty, "codes no script shows in a #! line: \(missing)")
        let nowShown = Self.unshowable.keys.filter(isShown).sorted()
        #expect(nowShown.isEmpty, "codes listed as unshowable that a script shows: \(nowShown)")
        let stale = Self.unshowable.keys.filter { DiagnosticCode(rawValue: $0) == nil }.sorted()
        #expect(stale.isEmpty, "unshowable codes that no longer exist: \(stale)")
    }

    @Test func everyRoutineHasItsOwnScriptWithItsReferenceLink() throws {
        let scripts = try Self.scripts()
        for routine in RoutineCatalogue.all {
            let path = "routines/\(routine.name).rdsh"
            guard let script = scripts.first(where: { $0.path == path }) else {
                Issue.record("missing scripts/\(path)")
                continue
            }
            let header = script.lines.prefix { $0.hasPrefix("#") }.joined(separator: "\n")
            #expect(header.contains(routine.docURL), "scripts/\(path) does not link \(routine.docURL)")
            #expect(
                script.calls(among: [routine.name]) == [routine.name],
                "scripts/\(path) never calls \(routine.name)")
        }
        let extra = scripts.filter { $0.path.hasPrefix("routines/") }
            .map { String($0.path.dropFirst("routines/".count).dropLast(".rdsh".count)) }
            .filter { RoutineCatalogue.named($0) == nil }
        #expect(extra.isEmpty, "scripts/routines/ files named after no routine: \(extra)")
    }

    @Test func tourAndScenariosAreThere() throws {
        let scripts = try Self.scripts()
        let tour = try #require(scripts.first { $0.path == "tour.rdsh" })
        #expect(tour.commands.count >= 20)
        let scenarios = scripts.filter { $0.path.hasPrefix("scenarios/") }
        #expect(scenarios.count >= 10)
        for scenario in scenarios {
            // A driver pattern has threads: at least two distinct `T:` prefixes.
            let threads = Set(
                scenario.commands.compactMap { command -> String? in
                    guard let colon = command.firstIndex(of: ":") else { return nil }
                    let name = command[..<colon]
                    return name.contains(" ") ? nil : String(name)
                })
            #expect(threads.count >= 2, "scripts/\(scenario.path) uses fewer than two threads")
        }
    }

    @Test func everyMisuseHasAFixedTwinAndShowsItsDiagnostic() throws {
        let scripts = try Self.scripts().filter { $0.path.hasPrefix("misuse/") }
        let bugs = scripts.filter { !$0.path.hasSuffix("-fixed.rdsh") }
        #expect(bugs.count >= 15)
        for bug in bugs {
            let twin = String(bug.path.dropLast(".rdsh".count)) + "-fixed.rdsh"
            guard let fixed = scripts.first(where: { $0.path == twin }) else {
                Issue.record("scripts/\(bug.path) has no twin scripts/\(twin)")
                continue
            }
            #expect(
                bug.diagnosticLines.contains { $0.contains("error[") || $0.contains("warning[") },
                "scripts/\(bug.path) shows no diagnostic")
            #expect(
                bug.diagnosticLines.contains { $0.contains("note:") },
                "scripts/\(bug.path) shows no note on what real Windows does")
            #expect(fixed.diagnosticLines.isEmpty, "scripts/\(twin) still reports \(fixed.diagnosticLines)")
        }
        let orphans = scripts.filter { script in
            script.path.hasSuffix("-fixed.rdsh")
                && !bugs.contains { $0.path == String(script.path.dropLast("-fixed.rdsh".count)) + ".rdsh" }
        }
        #expect(orphans.isEmpty, "fixed scripts without a bug: \(orphans.map(\.path))")
    }

    @Test func committedDocsAreUpToDate() throws {
        let result = try Rdsh.run(["doc", "--check", "scripts", "-o", "docs"], directory: Self.root)
        #expect(result.status == 0, "rdsh doc --check: \(result.stdout)\(result.stderr)")
    }

    @Test func docCheckNoticesAStalePage() throws {
        let directory = try Rdsh.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let scripts = directory.appendingPathComponent("scripts")
        try FileManager.default.createDirectory(
            at: scripts.appendingPathComponent("routines"), withIntermediateDirectories: true)
        try
            "# ExAcquireRundownProtection: demo\nExInitializeRundownProtection R\nExAcquireRundownProtection R\n#> TRUE\n"
            .write(
                to: scripts.appendingPathComponent("routines/ExAcquireRundownProtection.rdsh"),
                atomically: true, encoding: .utf8)
        let first = try Rdsh.run(["doc", "scripts", "-o", "out"], directory: directory)
        #expect(first.status == 0, "\(first.stderr)")
        let page = directory.appendingPathComponent("out/routines/ExAcquireRundownProtection.md")
        let text = try String(contentsOf: page, encoding: .utf8)
        #expect(text.contains("#> TRUE"))
        #expect(try Rdsh.run(["doc", "--check", "scripts", "-o", "out"], directory: directory).status == 0)
        // Generating twice gives the same bytes.
        #expect(try Rdsh.run(["doc", "scripts", "-o", "out"], directory: directory).status == 0)
        #expect(try String(contentsOf: page, encoding: .utf8) == text)
        // A changed script makes the page stale; a stray page is reported too.
        try
            "# ExAcquireRundownProtection: demo\nExInitializeRundownProtection R\nExAcquireRundownProtection R\n#> FALSE\n"
            .write(
                to: scripts.appendingPathComponent("routines/ExAcquireRundownProtection.rdsh"),
                atomically: true, encoding: .utf8)
        try "stray\n".write(
            to: directory.appendingPathComponent("out/stray.md"), atomically: true, encoding: .utf8)
        let stale = try Rdsh.run(["doc", "--check", "scripts", "-o", "out"], directory: directory)
        #expect(stale.status == 1)
        #expect(stale.stderr.contains("out/routines/ExAcquireRundownProtection.md"))
        #expect(stale.stderr.contains("out/stray.md"))
        // A missing scripts folder is a usage error.
        #expect(try Rdsh.run(["doc", "--check", "nowhere", "-o", "out"], directory: directory).status == 2)
    }
}
