/// Tab completion as a pure function of the line, the cursor and the context.
///
/// Routine names, directives and the declaration keyword at the start of a line (after an
/// optional `T:` prefix); live handle names, thread names, pool types, IRQL names, `.help`
/// topics and file names in the argument positions that take them. Words match by
/// case-insensitive prefix (file names case-sensitively); the longest common prefix is inserted
/// and the candidates are listed when it stays ambiguous.
public enum Completion {
    /// What a Tab press does.
    public struct Result: Equatable, Sendable {
        /// Characters before the cursor to erase first (the typed word, when its case differs
        /// from the completion's).
        public var erase: Int
        /// Text to insert at the cursor.
        public var insert: String
        /// Every matching word, sorted; listed when there is more than one.
        public var candidates: [String]

        public init(erase: Int = 0, insert: String, candidates: [String]) {
            self.erase = erase
            self.insert = insert
            self.candidates = candidates
        }

        public static let nothing = Result(insert: "", candidates: [])
    }

    /// Completes the word before `cursor` (a character offset into `line`).
    public static func complete(line: String, cursor: Int, context: CompletionContext) -> Result {
        let end = line.index(line.startIndex, offsetBy: max(0, min(cursor, line.count)))
        let position = LinePosition(line[..<end])
        let word = String(position.word)
        switch position.slot {
        case .none:
            return .nothing
        case .command(let lineStart, let afterBinding):
            var words: [String]
            if afterBinding {
                words = context.vocabulary.routines.filter { $0.returns != nil && $0.returns != "VOID" }
                    .map(\.name)
            } else {
                words = context.vocabulary.routines.map(\.name)
            }
            if lineStart {
                words += context.vocabulary.directives.map(\.name)
                words.append(context.vocabulary.declarationKeyword)
                words += context.threads.map { $0 + ":" }
            }
            return finish(word: word, words: words)
        case .argument(let command, let index):
            let vocabulary = context.vocabulary
            if command == vocabulary.declarationKeyword {
                switch index {
                case 1: return finish(word: word, words: ["="])
                case 2 where position.words.last == "=":
                    return finish(word: word, words: [vocabulary.activeInitializer])
                default: return .nothing
                }
            }
            guard let shape = vocabulary.command(named: command), index < shape.parameters.count
            else { return .nothing }
            switch shape.parameters[index].kind {
            case .handle, .size: return finish(word: word, words: context.handles)
            case .thread: return finish(word: word, words: context.threads)
            case .poolType: return finish(word: word, words: vocabulary.poolTypes)
            case .irql: return finish(word: word, words: vocabulary.irqlNames)
            case .helpTopic: return finish(word: word, words: vocabulary.helpTopics)
            case .onOff: return finish(word: word, words: ["on", "off"])
            case .words(let words): return finish(word: word, words: words)
            case .file: return completeFile(word: word, context: context, extra: [])
            case .fileOrOff: return completeFile(word: word, context: context, extra: ["off"])
            case .count, .poolTag, .processor, .number, .text: return .nothing
            }
        }
    }

    // MARK: - Words

    /// Case-insensitive prefix match over `words`, then the common-prefix insertion.
    static func finish(word: String, words: [String]) -> Result {
        let lowered = word.lowercased()
        var seen = Set<String>()
        let matches = words.filter { $0.lowercased().hasPrefix(lowered) && seen.insert($0).inserted }
            .sorted()
        return result(word: word, matches: matches, terminator: { $0.hasSuffix("/") ? "" : " " })
    }

    static func result(word: String, matches: [String], terminator: (String) -> String) -> Result {
        guard let first = matches.first else { return .nothing }
        var common = first
        for match in matches.dropFirst() { common = commonPrefix(common, match) }
        // Prefer the typed spelling when the candidates differ only in case beyond it.
        if common.count < word.count { return Result(insert: "", candidates: matches) }
        var replacement = common
        if matches.count == 1 { replacement += terminator(first) }
        if replacement.hasPrefix(word) {
            return Result(insert: String(replacement.dropFirst(word.count)), candidates: matches)
        }
        return Result(erase: word.count, insert: replacement, candidates: matches)
    }

    static func commonPrefix(_ a: String, _ b: String) -> String {
        var result = ""
        for (x, y) in zip(a, b) {
            guard x == y else { break }
            result.append(x)
        }
        return result
    }

    // MARK: - Files

    /// File names after `.read` (and `.record`): the directory part of the word is kept, entries
    /// starting with a dot only when the typed name does, directories end in `/`.
    static func completeFile(word: String, context: CompletionContext, extra: [String]) -> Result {
        let slash = word.lastIndex(of: "/")
        let directory = slash.map { String(word[...$0]) } ?? ""
        let namePrefix = slash.map { String(word[word.index(after: $0)...]) } ?? word
        var matches: [String] = extra.filter { $0.hasPrefix(word) }
        for entry in context.listDirectory(directory) ?? [] {
            guard entry.name.hasPrefix(namePrefix) else { continue }
            if entry.name.hasPrefix(".") && !namePrefix.hasPrefix(".") { continue }
            matches.append(directory + entry.name + (entry.isDirectory ? "/" : ""))
        }
        matches.sort()
        return result(word: word, matches: matches, terminator: { $0.hasSuffix("/") ? "" : " " })
    }
}
