/// Where the cursor stands in a partly typed line: which command, which argument.
///
/// A deliberately forgiving reading of the line grammar (`[T:] [if [!]NAME] [NAME =] COMMAND ARG...`, or
/// `EX_RUNDOWN_REF NAME [= EX_RUNDOWN_ACTIVE]`) that never fails: the editor must help with lines
/// the parser would still reject.
struct LinePosition: Equatable {
    enum Slot: Equatable {
        /// The command word; `lineStart` when nothing (not even `T:`) precedes it.
        case command(lineStart: Bool, afterBinding: Bool)
        /// Argument `index` (0-based) of `command`.
        case argument(command: String, index: Int)
        /// Inside a comment, a quoted tag, or past anything we understand.
        case none
    }

    /// The partial word under the cursor (from the last blank to the cursor).
    var word: Substring
    var slot: Slot
    /// Complete words before the cursor.
    var words: [Substring]

    init(_ text: Substring) {
        var words: [Substring] = []
        var start: String.Index? = nil
        var inQuote = false
        var index = text.startIndex
        var commented = false
        // Blanks separate words; `=` is a word of its own and a colon ends the first word
        // (`x=Routine`, `W:Routine` parse like `x = Routine`, `W: Routine`).
        while index < text.endIndex {
            let c = text[index]
            let next = text.index(after: index)
            if c == "'" { inQuote.toggle() }
            if inQuote {
                if start == nil { start = index }
            } else if c == "#" {
                commented = true
                break
            } else if c == " " || c == "\t" {
                if let s = start { words.append(text[s..<index]) }
                start = nil
            } else if c == "=" {
                if let s = start { words.append(text[s..<index]) }
                words.append(text[index..<next])
                start = nil
            } else if c == ":" && words.isEmpty && start != nil {
                words.append(text[start!..<next])
                start = nil
            } else if start == nil {
                start = index
            }
            index = next
        }
        self.words = words
        self.word = start.map { text[$0...] } ?? text[text.endIndex...]
        if commented || inQuote {
            slot = .none
            return
        }
        // `T:` prefix, then an optional `NAME =` binding.
        var i = 0
        var prefixed = false
        if i < words.count, words[i].count > 1, words[i].hasSuffix(":") {
            prefixed = true
            i += 1
        }
        // `if NAME` / `if !NAME` guard.
        var guarded = false
        if i + 1 < words.count, words[i] == "if", words[i + 1] != "=" {
            guarded = true
            i += 2
        }
        var bound = false
        if i + 1 < words.count, words[i + 1] == "=" {
            bound = true
            i += 2
        }
        if i >= words.count {
            slot = .command(lineStart: !prefixed && !bound && !guarded, afterBinding: bound)
        } else {
            slot = .argument(command: String(words[i]), index: words.count - i - 1)
        }
    }
}
