/// A script read for checking: its lines, its expectation blocks and its metadata.
///
/// Expectation lines attach to the nearest command above them; the lines before the first
/// command form the preamble block (index 0). A command line ending in `\` continues on the next
/// line, and the continuation belongs to the same command.
public struct TestScript: Sendable {
    /// A command and the expectations written under it.
    public struct Block: Sendable, Equatable {
        /// The command's first line; nil for the preamble.
        public var commandLine: Int?
        /// The command's last line (differs from `commandLine` with `\` continuations).
        public var commandEndLine: Int
        /// The `#>`/`#!` lines under the command, in order.
        public var expectations: [Expectation]
    }

    /// A problem that makes the file unusable as a test (bad metadata), with its line.
    public struct Problem: Sendable, Equatable {
        public var line: Int
        public var message: String
    }

    public var path: String
    /// The lines, without line terminators (CRLF normalized), decoded as UTF-8 (invalid bytes replaced).
    public var lines: [String]
    /// Each line exactly as the file holds it: its bytes and its own terminator (`\r\n`, `\n`,
    /// or empty for a last line without one). `--accept` copies every line it does not rewrite
    /// from here, so invalid UTF-8 and mixed line endings survive byte for byte.
    public var rawLines: [RawLine]
    public var blocks: [Block]
    public var metadata: ScriptMetadata
    public var problems: [Problem]
    /// Whether the last line ended with a newline (kept by `--accept`).
    public var endsWithNewline: Bool
    /// Whether the file used CRLF line ends (kept by `--accept`).
    public var usesCRLF: Bool
    /// Whether the file started with a UTF-8 byte order mark (skipped, and kept by `--accept`).
    public var hasByteOrderMark: Bool
    /// One line's bytes as read, split into content and terminator.
    public struct RawLine: Sendable, Equatable {
        public var content: ArraySlice<UInt8>
        public var terminator: ArraySlice<UInt8>
    }

    /// The terminator for lines `--accept` adds where no neighbour decides: CRLF when every
    /// line used it, else LF.
    public var defaultTerminator: [UInt8] { usesCRLF ? [0x0D, 0x0A] : [0x0A] }

    /// First line of each command, ascending, with the index of its block.
    private var commandStarts: [(line: Int, block: Int)]

    /// Reads a script from its bytes.
    public init(bytes: [UInt8], path: String) {
        self.path = path
        var lines: [String] = []
        var rawLines: [RawLine] = []
        var crlf = 0
        hasByteOrderMark = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        var start = hasByteOrderMark ? 3 : 0
        let count = bytes.count
        var i = 0
        while i < count {
            if bytes[i] == 0x0A {
                var end = i
                if end > start, bytes[end - 1] == 0x0D {
                    end -= 1
                    crlf += 1
                }
                lines.append(String(decoding: bytes[start..<end], as: UTF8.self))
                rawLines.append(RawLine(content: bytes[start..<end], terminator: bytes[end...i]))
                start = i + 1
            }
            i += 1
        }
        endsWithNewline = start == count && count > (hasByteOrderMark ? 3 : 0)
        if start < count {
            var end = count
            if bytes[end - 1] == 0x0D { end -= 1 }
            lines.append(String(decoding: bytes[start..<end], as: UTF8.self))
            // A CR at the very end without LF is no terminator: it is kept with the content.
            rawLines.append(RawLine(content: bytes[start..<count], terminator: []))
        }
        self.lines = lines
        self.rawLines = rawLines
        usesCRLF = crlf > 0 && crlf == lines.count - (endsWithNewline ? 0 : 1)
        blocks = [Block(commandLine: nil, commandEndLine: 0, expectations: [])]
        metadata = ScriptMetadata()
        problems = []
        commandStarts = []
        classify()
    }

    /// Reads a script from text (tests and tools).
    public init(text: String, path: String) {
        self.init(bytes: Array(text.utf8), path: path)
    }

    private mutating func classify() {
        var continuing = false
        for (index, text) in lines.enumerated() {
            let number = index + 1
            let trimmed = text.trimmingLeadingBlanks()
            if continuing {
                blocks[blocks.count - 1].commandEndLine = number
                continuing = trimmed.trimmingTrailingBlanks().hasSuffix("\\")
                continue
            }
            if let expectation = Expectation.parse(text, line: number) {
                blocks[blocks.count - 1].expectations.append(expectation)
            } else if trimmed.hasPrefix("#%") {
                if blocks.count > 1 {
                    problems.append(
                        Problem(
                            line: number,
                            message:
                                "metadata line after the first command; '#%' lines belong at the top of the file"
                        ))
                } else if let message = metadata.apply(text) {
                    problems.append(Problem(line: number, message: message))
                }
            } else if trimmed.isEmpty || trimmed.hasPrefix("#") {
                continue  // blank or prose
            } else {
                blocks.append(Block(commandLine: number, commandEndLine: number, expectations: []))
                commandStarts.append((number, blocks.count - 1))
                continuing = trimmed.trimmingTrailingBlanks().hasSuffix("\\")
            }
        }
    }

    /// The text of line `number` (1-based), or "" when out of range.
    public func line(_ number: Int) -> String {
        number >= 1 && number <= lines.count ? lines[number - 1] : ""
    }

    /// Whether the script has at least one command.
    public var hasCommands: Bool { blocks.count > 1 }

    /// The block that receives transcript lines produced by the command at `sourceLine`; nil
    /// (an end-of-script report) goes to the last command's block.
    public func blockIndex(forSourceLine sourceLine: Int?) -> Int {
        guard let sourceLine else { return blocks.count - 1 }
        var lo = 0
        var hi = commandStarts.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if commandStarts[mid].line <= sourceLine { lo = mid + 1 } else { hi = mid }
        }
        return lo == 0 ? 0 : commandStarts[lo - 1].block
    }

    /// The command text of a block (continuation lines joined), or nil for the preamble.
    public func commandText(of block: Block) -> String? {
        guard let first = block.commandLine else { return nil }
        return (first...block.commandEndLine).map {
            line($0).trimmingLeadingBlanks().trimmingTrailingBlanks()
        }
        .joined(separator: " ")
    }
}
