import CEditLineShim
import Glibc
import RundownRuntime
import RundownScript

/// The interactive front end: reads lines from the terminal through libedit (or plain lines
/// when forced without a terminal), runs each through the session, and prints the transcript.
///
/// Everything typed behaves exactly as in a script: the session does the work; this loop only
/// owns the line source, history, completion, hints and `.record`.
public final class REPL {
    /// How the REPL was asked to run.
    public struct Options: Sendable {
        /// Use the line editor (and banner, prompt, history, colour). False reads plain lines.
        public var interactive: Bool
        /// The history file; nil turns history off.
        public var historyPath: String?
        /// Colour the diagnostic headline word.
        public var colour: Bool
        /// The name diagnostics give the input (`<stdin>`).
        public var inputName: String

        public init(interactive: Bool, historyPath: String?, colour: Bool, inputName: String = "<stdin>") {
            self.interactive = interactive
            self.historyPath = historyPath
            self.colour = colour
            self.inputName = inputName
        }
    }

    /// The one-line banner: what this is and how to get help.
    public static let banner =
        "rdsh: the run-down protection shell. Type .help for the routines, Tab to complete, Ctrl-D to quit."

    private let options: Options
    private let vocabulary: Vocabulary
    private let sink: TerminalSink
    private let recorder = SessionRecorder()
    private var session: (any InteractiveSession)!

    /// `makeSession` receives the sink the session must print through.
    public init(
        options: Options, vocabulary: Vocabulary,
        makeSession: (any TranscriptSink) -> any InteractiveSession
    ) {
        self.options = options
        self.vocabulary = vocabulary
        sink = TerminalSink(colour: options.colour)
        session = makeSession(sink)
    }

    /// Runs until end of input (Ctrl-D) or `.exit`; returns the exit status.
    public func run() -> Int32 {
        setlocale(LC_CTYPE, "")
        rdsh_line_buffer_stdout()
        var editor: LineEditor? = nil
        if options.interactive {
            rdsh_sigint_install()
            editor = LineEditor(historyPath: options.historyPath)
            configure(editor)
            rdsh_write_stdout(REPL.banner + "\n")
        }
        var lineNumber = 0
        while true {
            let input = editor?.readLine() ?? REPL.readPlainLine()
            switch input {
            case .end:
                if editor != nil { rdsh_write_stdout("\n") }
                return finish()
            case .interrupted:
                continue
            case .line(let text):
                lineNumber += 1
                editor?.addHistory(text)
                handle(line: text, number: lineNumber)
                if session.shouldExit { return finish() }
            }
        }
    }

    private func configure(_ editor: LineEditor?) {
        guard let editor else { return }
        let vocabulary = self.vocabulary
        editor.completer = { [unowned self] line, cursor in
            let context = CompletionContext(
                vocabulary: vocabulary, handles: session.handleNames, threads: session.threadNames)
            return Completion.complete(line: line, cursor: cursor, context: context)
        }
        editor.hinter = { line in Hint.hint(line: line, vocabulary: vocabulary) }
    }

    /// One entered line: `.record` is the REPL's own; everything else goes to the session.
    func handle(line: String, number: Int) {
        if let argument = REPL.recordArgument(line) {
            record(argument, line: line, number: number)
            return
        }
        _ = sink.take()
        session.execute(line: line, location: SourceLocation(file: options.inputName, line: number, column: 1))
        sink.commandFinished()
        recorder.record(command: line, entries: sink.take())
    }

    private func finish() -> Int32 {
        _ = sink.take()
        session.finish()
        sink.commandFinished()
        recorder.recordEnd(entries: sink.take())
        recorder.stop()
        return 0
    }

    // MARK: - .record

    /// The argument of a `.record` line ("" when none), or nil for any other line.
    static func recordArgument(_ line: String) -> String? {
        let code = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let words = code.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard words.first == ".record" else { return nil }
        return words.dropFirst().joined(separator: " ")
    }

    private func record(_ argument: String, line: String, number: Int) {
        let column = (line.firstIndex(of: ".").map { line.distance(from: line.startIndex, to: $0) } ?? 0) + 1
        let location = SourceLocation(file: options.inputName, line: number, column: column)
        switch argument {
        case "":
            let state = recorder.path.map { "recording to \($0)" } ?? "not recording"
            rdsh_write_stdout(state + "\n")
        case "off":
            recorder.stop()
        default:
            if let failure = recorder.start(path: argument) {
                let diagnostic = Diagnostic(
                    .badArgument, failure, location: location, length: 7,
                    notes: ["usage: .record FILE | .record off"])
                for (index, text) in diagnostic.transcriptLines.enumerated() {
                    sink.emit(
                        TranscriptEntry(
                            kind: .diagnostic(diagnostic.severity), text: text, sourceLine: number,
                            file: options.inputName, diagnostic: index == 0 ? diagnostic : nil,
                            sourceText: index == 0 ? line : nil))
                }
                _ = sink.take()
            }
        }
    }

    // MARK: - Plain input

    /// One line from stdin without the editor (forced interactive mode without a terminal).
    static func readPlainLine() -> LineEditor.Input {
        guard let line = Swift.readLine(strippingNewline: true) else { return .end }
        return .line(line)
    }
}
