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
        /// Colour diagnostics (severity and caret), as `rdsh run` does on a terminal.
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
    private let sink: RecordingSink
    /// Set while the line being run is a `.record` directive, which is not itself recorded.
    private var lineWasRecordDirective = false
    /// The line being run, for the caret under a failed `.record`.
    private var currentLine = ""
    private let recorder = SessionRecorder()
    private var session: (any InteractiveSession)!

    /// `makeSession` receives the sink the session must print through.
    public init(
        options: Options, vocabulary: Vocabulary,
        makeSession: (any TranscriptSink) -> any InteractiveSession
    ) {
        self.options = options
        self.vocabulary = vocabulary
        sink = RecordingSink(colour: options.colour, inputName: options.inputName)
        // Before the session starts its threads: they inherit a mask with SIGINT blocked, so
        // Ctrl-C always lands on this thread, in the editor's read.
        if options.interactive { rdsh_sigint_install() }
        session = makeSession(sink)
        // Ctrl-C while a command runs stays pending (SIGINT is blocked then); a long `.read`
        // asks for it before each line and stops, as psql's \i does.
        if options.interactive { session.interruptRequested = { rdsh_sigint_pending_take() != 0 } }
        session.externalDirectiveHandler = { [unowned self] name, arguments, location in
            guard name == ".record" else { return false }
            record(arguments, location: location)
            return true
        }
    }

    /// Runs until end of input (Ctrl-D) or `.exit`; returns the exit status.
    public func run() -> Int32 {
        setlocale(LC_CTYPE, "")
        rdsh_line_buffer_stdout()
        var editor: LineEditor? = nil
        if options.interactive {
            editor = LineEditor(historyPath: options.historyPath)
            if editor == nil { rdsh_sigint_restore() }
            configure(editor)
            rdsh_write_stdout(REPL.banner + "\n")
        }
        var lineNumber = 0
        while true {
            if editor == nil && options.interactive {
                // Without libedit the prompt is still shown: the user is at a terminal.
                rdsh_write_stdout(session.isCollectingBlock ? "....> " : "rdsh> ")
                rdsh_flush_stdout()
            }
            let input = editor?.readLine() ?? REPL.readPlainLine()
            switch input {
            case .end:
                // Ctrl-D leaves the cursor after the prompt: end that line first.
                if editor != nil && isatty(STDIN_FILENO) == 1 { rdsh_write_stdout("\n") }
                return finish()
            case .interrupted:
                continue
            case .line(let text):
                lineNumber += 1
                editor?.addHistory(text)
                handle(line: text, number: lineNumber)
                editor?.continuing = session.isCollectingBlock
                if session.shouldStop { return finish() }
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

    /// One entered line, run by the session; recorded unless it was `.record` itself.
    func handle(line: String, number: Int) {
        _ = sink.take()
        lineWasRecordDirective = false
        currentLine = line
        session.execute(
            line: line, location: SourceLocation(file: options.inputName, line: number, column: 1))
        // Everything out before the next prompt, even into a pipe (`-i` without a terminal).
        sink.flush()
        if let stop = session.interruptedRead {
            rdsh_write_stderr(
                "^C: .read stopped before line \(stop.line) of \(stop.file); the lines above it ran\n")
        }
        let produced = sink.take()
        if !lineWasRecordDirective {
            recorder.record(command: line, line: number, file: options.inputName, entries: produced)
        }
    }

    func finish() -> Int32 {
        _ = sink.take()
        session.finish()
        sink.flush()
        recorder.recordEnd(entries: sink.take())
        recorder.stop()
        // `.exit` ends a session normally; stopping because of an error under `.bail on` does not.
        return session.shouldStop && !session.shouldExit ? 1 : 0
    }

    // MARK: - .record

    /// `.record FILE` starts (or restarts) a recording, `.record off` stops it. The parser has
    /// already checked there is exactly one argument.
    private func record(_ arguments: [String], location: SourceLocation) {
        lineWasRecordDirective = true
        let force = arguments.first == "-f"
        guard let argument = force ? arguments.dropFirst().first : arguments.first else { return }
        if argument == "off" && !force {
            recorder.stop()
            return
        }
        if let failure = recorder.start(path: argument, overwrite: force) {
            let column =
                (currentLine.firstRange(of: argument).map {
                    currentLine.distance(from: currentLine.startIndex, to: $0.lowerBound)
                } ?? 0) + 1
            let diagnostic = Diagnostic(
                .recordFailed, failure.message,
                location: SourceLocation(file: location.file, line: location.line, column: column),
                length: argument.count,
                notes: failure.notes + ["usage: .record [-f] FILE | .record off"])
            for (index, text) in diagnostic.transcriptLines.enumerated() {
                sink.emit(
                    TranscriptEntry(
                        kind: .diagnostic(diagnostic.severity), text: text, sourceLine: location.line,
                        file: location.file, diagnostic: index == 0 ? diagnostic : nil,
                        sourceText: index == 0 ? currentLine : nil))
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
