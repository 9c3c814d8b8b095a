/// A small Markdown writer: blocks separated by one blank line, no trailing blanks, one final
/// newline, so generated pages are stable and diff cleanly.
struct Markdown {
    private var blocks: [String] = []

    var text: String { blocks.joined(separator: "\n\n") + "\n" }

    mutating func heading(_ level: Int, _ text: String) {
        blocks.append(String(repeating: "#", count: level) + " " + text)
    }

    mutating func paragraph(_ text: String) {
        blocks.append(text)
    }

    mutating func list(_ items: [String]) {
        guard !items.isEmpty else { return }
        blocks.append(items.map { "- " + $0 }.joined(separator: "\n"))
    }

    mutating func table(_ header: [String], _ rows: [[String]]) {
        let escape: (String) -> String = { cell in
            cell.split(separator: "|", omittingEmptySubsequences: false).joined(separator: "\\|")
        }
        var lines = ["| " + header.map(escape).joined(separator: " | ") + " |"]
        lines.append("|" + header.map { _ in "---" }.joined(separator: "|") + "|")
        for row in rows { lines.append("| " + row.map(escape).joined(separator: " | ") + " |") }
        blocks.append(lines.joined(separator: "\n"))
    }

    /// A fenced block, with a fence longer than any backtick run that starts a line inside it.
    mutating func code(_ text: String, language: String) {
        var longest = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            longest = max(longest, line.prefix { $0 == "`" }.count)
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        let body = text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in String(line.reversed().drop { $0 == " " || $0 == "\t" }.reversed()) }
            .joined(separator: "\n")
        blocks.append(fence + language + "\n" + body + "\n" + fence)
    }

    /// A whole script, as written, expectation lines included.
    mutating func script(_ script: DocScript) {
        code(script.lines.joined(separator: "\n"), language: "rdsh")
    }
}
