/// One script of the documentation corpus, read the way `rdsh doc` needs it: where it belongs,
/// its title and opening paragraph, which routines it calls and which codes it shows.
struct DocScript: Sendable {
    /// Where the script belongs in the generated site, decided by its folder.
    enum Section: Sendable, Equatable {
        case tour
        case routine(String)
        case scenario
        /// A `.par` race from `scripts/races/`.
        case race
        /// A bug pattern: `family` is the file name without `-fixed`.
        case misuse(family: String, fixed: Bool)
        case other
    }

    /// Path relative to the scripts folder, with `/` separators (`routines/X.rdsh`).
    let path: String
    /// The lines, without line terminators (CRLF already folded).
    let lines: [String]
    let section: Section
    /// The first paragraph of the opening comment, without the `#` marks.
    let title: String
    /// The rest of the opening comment, as paragraphs (a lone `#` separates them).
    let paragraphs: [String]
    /// Every routine call, in line order: 1-based line number and routine name.
    let calls: [(line: Int, routine: String)]
    /// The codes shown in `#!` lines (`error[CODE]` / `warning[CODE]`), sorted.
    let codes: [String]

    /// The file name without `.rdsh`.
    var name: String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        return file.hasSuffix(".rdsh") ? String(file.dropLast(5)) : file
    }

    /// Where the script's section comes in listings: tour, routines, scenarios, misuse, others.
    var rank: Int {
        switch section {
        case .tour: 0
        case .routine: 1
        case .scenario: 2
        case .race: 3
        case .misuse: 4
        case .other: 5
        }
    }

    /// The routines the script calls, sorted, without repeats.
    var routines: [String] { Array(Set(calls.map(\.routine))).sorted() }

    init(path: String, text: String, routineNames: Set<String>) {
        self.path = path
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
        }
        if lines.last == "" { lines.removeLast() }
        self.lines = lines
        self.section = DocScript.section(of: path)
        (self.title, self.paragraphs) = DocScript.header(of: lines)
        var calls: [(Int, String)] = []
        var codes: Set<String> = []
        for (index, line) in lines.enumerated() {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix("#!") {
                codes.formUnion(DocScript.codes(in: String(trimmed)))
                continue
            }
            if trimmed.hasPrefix("#") { continue }
            for word in DocScript.words(ofCommand: String(trimmed)) where routineNames.contains(word) {
                calls.append((index + 1, word))
                break
            }
        }
        self.calls = calls
        self.codes = codes.sorted()
    }

    /// The expectation lines (`#>`, `#!`) right below line `number` (1-based).
    func expectations(after number: Int) -> [String] {
        var result: [String] = []
        var index = number
        while index < lines.count {
            let trimmed = lines[index].drop { $0 == " " || $0 == "\t" }
            guard trimmed.hasPrefix("#>") || trimmed.hasPrefix("#!") else { break }
            result.append(lines[index])
            index += 1
        }
        return result
    }

    /// The outcome lines of the script's `.par` table (`#> K schedules: ...; witness A.1 W.1`):
    /// the outcome text and its witness.
    var outcomes: [(outcome: String, witness: String)] {
        lines.compactMap { line in
            let line = Substring(line)
            guard line.hasPrefix("#> "), let range = line.docRange(of: "; witness ") else { return nil }
            let body = line.dropFirst(3)
            guard let colon = body.firstIndex(of: ":"), colon < range.lowerBound else { return nil }
            let outcome = String(body[body.index(after: colon)..<range.lowerBound]).docTrimmed()
            return (outcome, String(line[range.upperBound...]))
        }
    }

    /// The first place the script shows `code`: the command above the `#!` line that names it,
    /// with that command's expectation lines, as (line number, text) pairs; nil when it does not
    /// show the code. End-of-script reports come with the last command above them.
    func example(of code: String) -> [(line: Int?, text: String)]? {
        guard
            let hit = lines.firstIndex(where: { line in
                let trimmed = line.drop { $0 == " " || $0 == "\t" }
                return trimmed.hasPrefix("#!") && DocScript.codes(in: String(trimmed)).contains(code)
            })
        else { return nil }
        var command = hit - 1
        while command >= 0 {
            let trimmed = lines[command].drop { $0 == " " || $0 == "\t" }
            if !trimmed.isEmpty && !trimmed.hasPrefix("#") { break }
            command -= 1
        }
        guard command >= 0 else { return [(hit + 1, lines[hit])] }
        return [(command + 1, lines[command])] + expectations(after: command + 1).map { (nil, $0) }
    }

    // MARK: - Reading

    static func section(of path: String) -> Section {
        let parts = path.split(separator: "/").map(String.init)
        let file = parts.last ?? path
        let stem = file.hasSuffix(".rdsh") ? String(file.dropLast(5)) : file
        if parts.count == 1 && stem == "tour" { return .tour }
        guard parts.count == 2 else { return .other }
        switch parts[0] {
        case "routines": return .routine(stem)
        case "scenarios": return .scenario
        case "races": return .race
        case "misuse":
            if stem.hasSuffix("-fixed") {
                return .misuse(family: String(stem.dropLast(6)), fixed: true)
            }
            return .misuse(family: stem, fixed: false)
        default: return .other
        }
    }

    /// The opening comment block: its first paragraph is the title, the rest are paragraphs.
    static func header(of lines: [String]) -> (String, [String]) {
        var block: [String] = []
        for line in lines {
            guard line.hasPrefix("#"), !line.hasPrefix("#>"), !line.hasPrefix("#!") else { break }
            if line.hasPrefix("#%") { continue }
            var text = line.dropFirst()
            if text.hasPrefix(" ") { text = text.dropFirst() }
            block.append(String(text))
        }
        var paragraphs: [String] = []
        var current: [String] = []
        for line in block {
            if line.docTrimmed().isEmpty {
                if !current.isEmpty { paragraphs.append(current.joined(separator: " ")) }
                current = []
            } else {
                current.append(line.docTrimmed())
            }
        }
        if !current.isEmpty { paragraphs.append(current.joined(separator: " ")) }
        guard let first = paragraphs.first else { return ("", []) }
        return (first, Array(paragraphs.dropFirst()))
    }

    /// The blank-separated words of a command line, up to its comment (a `#` outside quotes).
    static func words(ofCommand line: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quoted = false
        for character in line {
            if character == "'" { quoted.toggle() }
            if !quoted && character == "#" { break }
            if !quoted && (character == " " || character == "\t" || character == ":" || character == "=") {
                if !current.isEmpty { words.append(current) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// `CODE` for every `error[CODE]` or `warning[CODE]` in an expectation line.
    static func codes(in line: String) -> [String] {
        var result: [String] = []
        for prefix in ["error[", "warning["] {
            var rest = Substring(line)
            while let range = rest.docRange(of: prefix) {
                let after = rest[range.upperBound...]
                guard let close = after.firstIndex(of: "]") else { break }
                let code = after[..<close]
                if !code.isEmpty, code.allSatisfy({ $0.isUppercase || $0 == "_" || $0.isNumber }) {
                    result.append(String(code))
                }
                rest = after[close...]
            }
        }
        return result
    }
}

extension String {
    /// The string without leading and trailing blanks.
    func docTrimmed() -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isBlank($0) }) else { return "" }
        let end = lastIndex(where: { !isBlank($0) })!
        return String(self[start...end])
    }
}

extension Substring {
    /// The first occurrence of `needle`, if any.
    func docRange(of needle: String) -> Range<Substring.Index>? {
        guard !needle.isEmpty else { return nil }
        var index = startIndex
        while index < endIndex {
            if self[index...].hasPrefix(needle) {
                return index..<self.index(index, offsetBy: needle.count)
            }
            index = self.index(after: index)
        }
        return nil
    }
}
