import CEditLineShim
import Glibc

/// The interactive line source: libedit with emacs bindings, the user's `~/.editrc`, Ctrl-R
/// incremental search, Tab completion, a parameter hint in the right prompt, and a history file.
///
/// libedit's callbacks are C function pointers and cannot capture, so they find this object
/// through `EL_CLIENTDATA`; it must outlive the `EditLine`, which `deinit` ends.
public final class LineEditor {
    /// What one read produced.
    public enum Input: Equatable {
        case line(String)
        /// Ctrl-C: the line was discarded.
        case interrupted
        /// Ctrl-D on an empty line, or the terminal went away.
        case end
    }

    private let editLine: OpaquePointer
    private let history: OpaquePointer?
    private let historyPath: String?
    private var historyDirectoryMade = false
    private var historyWarned = false
    private let prompt: UnsafeMutablePointer<CChar>
    /// Shown instead of the prompt while a `.par` block is being collected.
    private let continuationPrompt: UnsafeMutablePointer<CChar>
    /// True while the session collects a `.par` block: the continuation prompt is shown.
    public var continuing = false
    private var rightPrompt: UnsafeMutablePointer<CChar>
    /// Tab: the line up to the cursor and the cursor (in characters) to a completion.
    public var completer: (String, Int) -> Completion.Result = { _, _ in .nothing }
    /// The right-prompt hint for the line up to the cursor.
    public var hinter: (String) -> String = { _ in "" }
    /// Whether to show hints at all.
    public var hintsEnabled = true
    /// Set while an accepted line is redrawn without its hint; cleared at the next read.
    private var hintSuppressed = false

    /// Opens the editor on stdin/stdout. nil when libedit cannot initialise (no terminal).
    /// `historyPath` nil turns history off. Call `setlocale(LC_CTYPE, "")` before this.
    public init?(
        program: String = "rdsh", prompt: String = "rdsh> ", historyPath: String?, historySize: Int = 1000
    ) {
        if let problem = rdsh_libedit_problem() {
            rdsh_write_stderr(
                "rdsh: warning: line editing is off: libedit could not be loaded (\(String(cString: problem)))\n"
                    + "note: lines are read plainly: no history, completion or hints\n"
                    + "hint: install libedit (apt-get install libedit2)\n")
            return nil
        }
        guard let el = rdsh_el_open(program) else { return nil }
        editLine = el
        self.prompt = strdup(prompt)
        continuationPrompt = strdup(String(repeating: ".", count: max(1, prompt.count - 2)) + "> ")
        rightPrompt = strdup("")
        self.historyPath = historyPath
        history = historyPath == nil ? nil : rdsh_history_open(Int32(historySize))
        rdsh_el_set_clientdata(el, Unmanaged.passUnretained(self).toOpaque())
        rdsh_el_set_editor(el, "emacs")
        rdsh_el_set_signal(el, 1)
        rdsh_el_set_prompt(el) { el in
            guard let owner = LineEditor.owner(of: el) else { return nil }
            return owner.continuing ? owner.continuationPrompt : owner.prompt
        }
        rdsh_el_set_rprompt(el) { el in
            LineEditor.owner(of: el)?.computeRightPrompt()
        }
        rdsh_el_addfn(el, "rdsh-complete", "Complete the word before the cursor") { el, _ in
            LineEditor.owner(of: el)?.completeAtCursor() ?? UInt8(CC_ERROR)
        }
        rdsh_el_addfn(el, "rdsh-space", "Insert a blank and refresh the parameter hint") { el, _ in
            _ = rdsh_el_insert(el, " ")
            return UInt8(CC_REFRESH)
        }
        rdsh_el_addfn(el, "rdsh-accept", "Erase the parameter hint, then accept the line") { el, _ in
            // The hint is the right prompt: without this redraw it stays on the submitted line
            // and ends up in every copied session (`-> VOID`).
            // A bound function cannot end the line the way ed-newline does (it also moves the
            // cursor below the line), so redraw, then queue the key sequence bound to it.
            LineEditor.owner(of: el)?.eraseHint()
            rdsh_el_push(el, LineEditor.acceptSequence)
            return UInt8(CC_NORM)
        }
        // xterm's Ctrl-Enter: a sequence no ~/.editrc rebinds, and Enter if typed.
        rdsh_el_bind(el, "^[[27;5;13~", "ed-newline")
        rdsh_el_bind(el, "^M", "rdsh-accept")
        rdsh_el_bind(el, "^J", "rdsh-accept")
        rdsh_el_bind(el, "^I", "rdsh-complete")
        rdsh_el_bind(el, " ", "rdsh-space")
        rdsh_el_bind(el, "^R", "em-inc-search-prev")
        if let history {
            rdsh_el_attach_history(el, history)
            if let historyPath { _ = rdsh_history_load(history, historyPath) }
        }
        // Last, so the user's ~/.editrc ($EDITRC) can override any binding above.
        _ = rdsh_el_source(el, nil)
    }

    deinit {
        rdsh_el_close(editLine)
        if let history { rdsh_history_close(history) }
        free(prompt)
        free(continuationPrompt)
        free(rightPrompt)
    }

    /// The keys rdsh-accept queues to end the line through libedit's own ed-newline.
    static let acceptSequence = "\u{1B}[27;5;13~"

    private static func owner(of el: OpaquePointer) -> LineEditor? {
        guard let data = rdsh_el_get_clientdata(el) else { return nil }
        return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue()
    }

    /// Reads one line (without its newline).
    public func readLine() -> Input {
        hintSuppressed = false
        var count: Int32 = 0
        var error: Int32 = 0
        guard let raw = rdsh_el_gets(editLine, &count, &error) else {
            if count < 0 && error == EINTR {
                // Ctrl-C: drop the line (marked ^C, as shells do, without its hint) and move to
                // a fresh one.
                eraseHint()
                rdsh_el_reset(editLine)
                rdsh_el_write(editLine, "^C\n")
                return .interrupted
            }
            return .end
        }
        var text = String(cString: raw)
        if text.hasSuffix("\n") { text.removeLast() }
        return .line(text)
    }

    /// Adds an entered line to the history and saves the file (creating its directory on the
    /// first save). Lines starting with a blank and consecutive duplicates stay out.
    public func addHistory(_ line: String) {
        guard let history, let historyPath, HistoryLocation.shouldRecord(line) else { return }
        _ = rdsh_history_enter(history, line)
        if !historyDirectoryMade {
            historyDirectoryMade = true
            LineEditor.makeParentDirectory(of: historyPath)
        }
        if rdsh_history_save(history, historyPath) < 0 && !historyWarned {
            historyWarned = true
            rdsh_write_stderr("warning: cannot save history to \(historyPath)\n")
        }
    }

    /// `mkdir -p` of the path's directory.
    static func makeParentDirectory(of path: String) {
        var components = path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        guard !components.isEmpty else { return }
        var current = path.hasPrefix("/") ? "" : "."
        if path.hasPrefix("/") { components = components.dropFirst() }
        for component in components where !component.isEmpty {
            current += "/" + component
            _ = mkdir(current, 0o700)
        }
    }

    // MARK: - Callbacks

    /// The text before the cursor.
    private func textBeforeCursor() -> String {
        var buffer: UnsafePointer<CChar>? = nil
        var cursor: Int32 = 0
        var length: Int32 = 0
        rdsh_el_line(editLine, &buffer, &cursor, &length)
        guard let buffer, cursor > 0 else { return "" }
        let bytes = UnsafeRawBufferPointer(start: buffer, count: Int(cursor))
        return String(decoding: bytes, as: UTF8.self)
    }

    private func computeRightPrompt() -> UnsafeMutablePointer<CChar> {
        let hint = hintsEnabled && !hintSuppressed ? hinter(textBeforeCursor()) : ""
        free(rightPrompt)
        rightPrompt = strdup(hint)
        return rightPrompt
    }

    /// Wipes the hint off the screen before the line is accepted. Only when it is showing,
    /// which libedit does only when prompt, line and hint fit on one row: the cursor then
    /// moves to the end of the text on that row and clears to the end of it. Nothing is
    /// redrawn, so no second prompt appears (a script driving the REPL waits for the prompt).
    private func eraseHint() {
        guard rightPrompt.pointee != 0 else { return }
        var buffer: UnsafePointer<CChar>? = nil
        var cursor: Int32 = 0
        var length: Int32 = 0
        rdsh_el_line(editLine, &buffer, &cursor, &length)
        guard let buffer else { return }
        let all = String(decoding: UnsafeRawBufferPointer(start: buffer, count: Int(length)), as: UTF8.self)
        let before = String(
            decoding: UnsafeRawBufferPointer(start: buffer, count: Int(cursor)), as: UTF8.self)
        let used = strlen(prompt) + all.count + strlen(rightPrompt)
        guard used < LineEditor.terminalWidth() else { return }
        hintSuppressed = true
        let right = all.count - before.count
        rdsh_el_write(editLine, (right > 0 ? "\u{1B}[\(right)C" : "") + "\u{1B}[K")
    }

    private func completeAtCursor() -> UInt8 {
        let before = textBeforeCursor()
        let result = completer(before, before.count)
        if result.candidates.isEmpty { return UInt8(CC_REFRESH_BEEP) }
        if result.erase > 0 { rdsh_el_delete(editLine, Int32(result.erase)) }
        if !result.insert.isEmpty { _ = rdsh_el_insert(editLine, result.insert) }
        if result.candidates.count == 1 { return UInt8(CC_REFRESH) }
        let lines = CandidateList.format(result.candidates, width: LineEditor.terminalWidth())
        rdsh_el_write(editLine, "\n" + lines.joined(separator: "\n") + "\n")
        return UInt8(CC_REDISPLAY)
    }

    static func terminalWidth() -> Int {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return 80
    }
}
