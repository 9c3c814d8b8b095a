/// A script's expectations compared with a transcript, block by block.
public struct Comparison: Sendable {
    public let script: TestScript
    /// The transcript lines that went to each block.
    public let actual: [[TranscriptLine]]
    /// Each block's alignment.
    public let alignments: [Alignment]
    /// Problems that make the file an error regardless of the output (bad `{{regex}}` islands).
    public let problems: [TestScript.Problem]
    /// The blocks that differ, in script order.
    public var failures: [BlockFailure]

    /// Whether every block matched and the file has no problems.
    public var passes: Bool { failures.isEmpty && problems.isEmpty && script.problems.isEmpty }

    /// Compares `transcript` with `script`'s expectations.
    public init(script: TestScript, transcript: [TranscriptLine]) {
        self.script = script
        var actual = [[TranscriptLine]](repeating: [], count: script.blocks.count)
        for line in transcript { actual[script.blockIndex(forSourceLine: line.sourceLine)].append(line) }
        var problems: [TestScript.Problem] = []
        var alignments: [Alignment] = []
        var failures: [BlockFailure] = []
        for (index, block) in script.blocks.enumerated() {
            let patterns = block.expectations.map { (e: Expectation) -> LinePattern in
                do throws(LinePattern.CompileError) {
                    return try LinePattern(e)
                } catch {
                    problems.append(TestScript.Problem(line: e.line, message: error.message))
                    return LinePattern(literalOnly: e)
                }
            }
            let alignment = Alignment.align(patterns, actual[index])
            alignments.append(alignment)
            if !alignment.passes {
                failures.append(
                    Self.failure(
                        script: script, blockIndex: index, actual: actual[index], alignment: alignment))
            }
        }
        self.actual = actual
        self.alignments = alignments
        self.problems = problems
        self.failures = failures
    }

    // MARK: - Hunks

    /// Longest run of changed lines a hunk shows before it says how many more there are.
    static let maximumHunkLines = 60

    private static func failure(
        script: TestScript, blockIndex: Int, actual: [TranscriptLine], alignment: Alignment
    ) -> BlockFailure {
        let block = script.blocks[blockIndex]
        var rows: [(marker: Character, line: Int, text: String)] = []
        if let first = block.commandLine {
            for n in max(1, first - 2)..<first where !script.line(n).trimmingLeadingBlanks().isEmpty {
                rows.append((" ", n, script.line(n)))
            }
            for n in first...block.commandEndLine { rows.append((" ", n, script.line(n))) }
        }
        var next: Int
        if let first = block.expectations.first {
            next = first.line
        } else if block.commandLine != nil {
            next = block.commandEndLine + 1
        } else {
            next = script.lines.count + 1
        }
        var header: Int?
        var endOfScript = false
        var changed = 0
        var hidden = 0
        for step in alignment.steps {
            switch step {
            case .match(let e, _), .wildcard(let e, _):
                rows.append((" ", block.expectations[e].line, block.expectations[e].source))
                next = block.expectations[e].line + 1
            case .missing(let e):
                header = header ?? block.expectations[e].line
                changed += 1
                if changed <= maximumHunkLines {
                    rows.append(("-", block.expectations[e].line, block.expectations[e].source))
                } else {
                    hidden += 1
                }
            case .unexpected(let a):
                header = header ?? next
                if header == next, actual[a].sourceLine == nil { endOfScript = true }
                changed += 1
                if changed <= maximumHunkLines {
                    rows.append(("+", next, actual[a].asExpectation))
                } else {
                    hidden += 1
                }
                next += 1
            }
        }
        let width = String(rows.map(\.line).max() ?? 1).count
        var hunk = rows.map { row -> String in
            let number = String(row.line)
            return
                " \(row.marker) \(String(repeating: " ", count: width - number.count))\(number) | \(row.text)"
        }
        if hidden > 0 { hunk.append("   ... \(hidden) more changed line\(hidden == 1 ? "" : "s") not shown") }

        let message: String
        if endOfScript || block.commandLine == nil {
            message = "end-of-script report mismatch"
        } else {
            message =
                "output mismatch for '\(script.commandText(of: block) ?? "")' (line \(block.commandLine!))"
        }
        return BlockFailure(
            block: blockIndex, line: header ?? next, message: message, hunk: hunk,
            expected: block.expectations.map(\.source), got: actual.map(\.asExpectation), notes: [])
    }

    // MARK: - Accept

    /// The script with every failing block's expectations rewritten from the actual output.
    ///
    /// Lines that matched (including `{{regex}}` and `...` lines) are kept as written, missing
    /// ones are dropped, unexpected output is inserted where the block's expectations start;
    /// prose and commands are left alone. Comparing the result with the same transcript passes.
    public func acceptedText() -> String {
        String(decoding: acceptedBytes(), as: UTF8.self)
    }

    /// ``acceptedText()`` as bytes: every line that is not a rewritten expectation comes back
    /// byte for byte (invalid UTF-8, its own CRLF or LF ending, a missing final newline, the
    /// byte order mark). Added lines take the ending of the line they follow or replace.
    ///
    /// Output of the preamble (diagnostics of lines before the first command, such as a line
    /// too long or not UTF-8) is written just above the first command, where it stays in the
    /// preamble, so a second pass reads it back in the same block.
    public func acceptedBytes() -> [UInt8] {
        typealias Line = (content: ArraySlice<UInt8>, terminator: ArraySlice<UInt8>)
        let raw = script.rawLines
        let fallback = ArraySlice(script.defaultTerminator)
        func ending(_ number: Int?) -> ArraySlice<UInt8> {
            guard let number, number >= 1, number <= raw.count, !raw[number - 1].terminator.isEmpty else {
                return fallback
            }
            return raw[number - 1].terminator
        }
        var drop = Set<Int>()
        var insertBefore: [Int: [Line]] = [:]
        var insertAfter: [Int: [Line]] = [:]
        var atEnd: [Line] = []
        let firstCommand = script.blocks.count > 1 ? script.blocks[1].commandLine : nil
        for (index, block) in script.blocks.enumerated() where !alignments[index].passes {
            // The ending of the line the new lines replace or follow.
            let terminator = ending(
                block.expectations.first?.line
                    ?? (block.commandLine != nil ? block.commandEndLine : firstCommand))
            var lines: [Line] = []
            for step in alignments[index].steps {
                switch step {
                case .match(let e, _), .wildcard(let e, _):
                    let line = block.expectations[e].line
                    lines.append((raw[line - 1].content, ending(line)))
                case .missing: break
                case .unexpected(let a):
                    lines.append((ArraySlice(actual[index][a].asExpectation.utf8), terminator))
                }
            }
            for e in block.expectations { drop.insert(e.line) }
            if let first = block.expectations.first {
                insertBefore[first.line, default: []] += lines
            } else if block.commandLine != nil {
                insertAfter[block.commandEndLine, default: []] += lines
            } else if let firstCommand {
                insertBefore[firstCommand, default: []] += lines
            } else {
                atEnd += lines
            }
        }
        var out: [Line] = []
        out.reserveCapacity(raw.count + 8)
        for (i, line) in raw.enumerated() {
            let number = i + 1
            if let lines = insertBefore[number] { out += lines }
            if !drop.contains(number) { out.append((line.content, line.terminator)) }
            if let lines = insertAfter[number] { out += lines }
        }
        out += atEnd
        // Only the last line may lack an ending, and only when the file's last line did.
        for i in out.indices.dropLast() where out[i].terminator.isEmpty { out[i].terminator = fallback }
        if let last = out.indices.last {
            if script.endsWithNewline || raw.isEmpty {
                if out[last].terminator.isEmpty { out[last].terminator = fallback }
            } else {
                out[last].terminator = []
            }
        }
        var bytes: [UInt8] = script.hasByteOrderMark ? [0xEF, 0xBB, 0xBF] : []
        bytes.reserveCapacity(out.reduce(bytes.count) { $0 + $1.content.count + $1.terminator.count })
        for line in out {
            bytes += line.content
            bytes += line.terminator
        }
        return bytes
    }
}
