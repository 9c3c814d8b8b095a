import ArgumentParser
import Glibc
import RundownREPL
import RundownRuntime
import RundownScript

/// `rdsh` with no subcommand: the REPL on a terminal, otherwise stdin run as a script.
struct ReplCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl",
        abstract: "The interactive shell (the default when no subcommand is given).",
        discussion: """
            On a terminal (stdin and stdout both ttys) rdsh opens a line editor with history, Tab \
            completion and parameter hints. Otherwise it runs stdin as a script, exactly like \
            'rdsh run -': no banner, prompt or history, and the same output text.
            History: $RDSH_HISTORY, else $XDG_STATE_HOME/rdsh/history, else \
            ~/.local/state/rdsh/history; an empty RDSH_HISTORY turns it off. Key bindings: \
            ~/.editrc ($EDITRC), program name 'rdsh'.
            """)

    @Flag(name: [.short, .customLong("interactive")], help: "Use the line editor even without a terminal.")
    var interactive = false

    @Flag(name: [.short, .customLong("batch")], help: "Read plain lines, as a script, even on a terminal.")
    var batch = false

    @Flag(
        help:
            "Running stdin as a script: print each command before its output, in the test-file format (#> and #!)."
    )
    var echo = false

    @Option(
        name: .customLong("complete"),
        help: ArgumentHelp(
            "Print the Tab completions of the last line of TEXT, one per line; earlier lines are run first.",
            valueName: "TEXT"))
    var completeText: String?

    @Option(
        name: .customLong("hint"),
        help: ArgumentHelp(
            "Print the parameter hint for the last line of TEXT; earlier lines are run first.",
            valueName: "TEXT"))
    var hintText: String?

    func validate() throws {
        if interactive && batch {
            throw ValidationError("-i/--interactive and -b/--batch exclude each other")
        }
        if completeText != nil && hintText != nil {
            throw ValidationError("--complete and --hint exclude each other")
        }
    }

    func run() throws {
        StandardOutputGuard.install()
        if let completeText {
            let (context, line) = Self.prepare(completeText)
            let result = Completion.complete(line: line, cursor: line.count, context: context)
            for candidate in result.candidates { print(candidate) }
            return
        }
        if let hintText {
            let (_, line) = Self.prepare(hintText)
            let hint = Hint.hint(line: line, vocabulary: .standard)
            if !hint.isEmpty { print(hint) }
            return
        }
        let interactive =
            self.interactive || (!batch && isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1)
        let environment = Self.environment()
        if interactive {
            let options = REPL.Options(
                interactive: true, historyPath: HistoryLocation.path(environment: environment),
                colour: environment["NO_COLOR"] == nil && isatty(STDERR_FILENO) == 1)
            let repl = REPL(options: options, vocabulary: .standard) { sink in
                Session(options: SessionOptions(), sink: sink)
            }
            let status = repl.run()
            if status != 0 { throw ExitCode(status) }
            return
        }
        // Batch: stdin is a script, run exactly as `rdsh run -` runs it.
        let status = RunCommand.runStream(STDIN_FILENO, name: "<stdin>", options: SessionOptions(echo: echo))
        if status != 0 { throw ExitCode(status) }
    }

    static func environment() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }

    /// Splits TEXT into the lines to run first and the line to complete or hint, and builds the
    /// completion context those lines leave behind.
    static func prepare(_ text: String) -> (CompletionContext, String) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let last = lines.popLast() ?? ""
        let session = Session(options: SessionOptions(), sink: DiscardingSink())
        for (index, line) in lines.enumerated() {
            session.execute(line: line, location: SourceLocation(file: "<complete>", line: index + 1))
        }
        let context = CompletionContext(
            vocabulary: .standard, handles: session.handleNames, threads: session.threadNames)
        session.finish()
        return (context, last)
    }
}
