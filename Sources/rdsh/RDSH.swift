import ArgumentParser
import Glibc

/// The rdsh command line: a thin layer that wires the libraries together.
@main
struct RDSH: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rdsh",
        abstract: "The run-down protection shell: Windows EX_RUNDOWN_REF routines on real threads.",
        discussion: """
            Exit status: 0 success; 1 a script reported an error or a test failed; 2 a usage \
            error or a file that cannot be read. 'rdsh --generate-manual' prints the man page; \
            'rdsh --generate-completion-script bash|zsh|fish' prints a completion script.
            """,
        version: Version.string,
        subcommands: [
            ReplCommand.self, RunCommand.self, TestCommand.self, ExploreCommand.self, StressCommand.self,
            BenchCommand.self,
            DocCommand.self,
        ],
        defaultSubcommand: ReplCommand.self)

    /// Subcommand names, for the checks ArgumentParser does not make.
    static var subcommandNames: [String] {
        configuration.subcommands.compactMap { $0.configuration.commandName }
    }

    static func main() {
        let arguments = argumentsAfterProgramName()
        if arguments == ["--generate-manual"] {
            print(ManualPage.render(), terminator: "")
            return
        }
        if let status = RunCommand.runWithoutParsing(arguments) { Glibc.exit(status) }
        do {
            try checkFirstWord(arguments)
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch let failure as UsageFailure {
            StandardError.write("error: \(failure.message)")
            for hint in failure.hints { StandardError.write("hint: \(hint)") }
            Glibc.exit(ExitStatus.usage)
        } catch {
            exit(reporting: error)
        }
    }

    /// The command line after the program's name. Made here, not by `CommandLine.arguments`,
    /// whose array the standard library grows through generic code that finds the storage
    /// type by its mangled name (a demangling and a conformance search: 3% of a 1-line
    /// `rdsh run`'s samples); this array is made in one piece, by code compiled in rdsh.
    static func argumentsAfterProgramName() -> [String] {
        let count = max(0, Int(CommandLine.argc) - 1)
        let argv = CommandLine.unsafeArgv
        return [String](unsafeUninitializedCapacity: count) { buffer, initialized in
            for index in 0..<count {
                (buffer.baseAddress! + index).initialize(
                    to: argv[index + 1].map { String(cString: $0) } ?? "")
            }
            initialized = count
        }
    }

    /// Prints an ArgumentParser error in rdsh's one style (`error: ...`, lower case, like
    /// every other rdsh error) and exits: help and `--version` with 0 on stdout, usage
    /// errors with 2, `ExitCode` as given.
    static func exit(reporting error: Error) -> Never {
        let code = exitCode(for: error)
        if let exit = error as? ExitCode { Glibc.exit(exit.rawValue) }
        var text = fullMessage(for: error)
        if code == .success {
            if !text.isEmpty { print(text) }
            Glibc.exit(ExitStatus.success)
        }
        if text.hasPrefix("Error: ") {
            text = "error: " + lowercasedFirst(String(text.dropFirst("Error: ".count)))
        } else if !text.isEmpty {
            text = "error: " + lowercasedFirst(text)
        }
        text = text.replacingFirst("\nUsage: ", with: "\nusage: ")
        if !text.isEmpty { StandardError.write(text) }
        Glibc.exit(code == .validationFailure ? ExitStatus.usage : code.rawValue)
    }

    /// `rdsh help nope` and `rdsh script.rdsh`: mistakes ArgumentParser would answer with a
    /// help screen (exit 0) or the REPL's usage.
    static func checkFirstWord(_ arguments: [String]) throws {
        guard let first = arguments.first, !first.hasPrefix("-") else { return }
        let names = subcommandNames
        if first == "help" {
            for topic in arguments.dropFirst() where !topic.hasPrefix("-") {
                guard names.contains(topic) || topic == "help" else {
                    throw UsageFailure(
                        message: "no help for '\(topic)': it is not an rdsh subcommand",
                        hints: [
                            "the subcommands: \(names.joined(separator: ", ")); 'rdsh --help' shows them all"
                        ])
                }
                break
            }
            return
        }
        guard !names.contains(first) else { return }
        if first.hasSuffix(".rdsh") || access(first, F_OK) == 0 {
            throw UsageFailure(
                message: "'\(first)' is not a subcommand",
                hints: [
                    "to run a script: rdsh run \(arguments.joined(separator: " "))",
                    "to check its #> and #! lines: rdsh test \(first)",
                ])
        }
        throw UsageFailure(
            message: "unknown subcommand '\(first)'",
            hints: ["the subcommands: \(names.joined(separator: ", ")); see 'rdsh --help'"])
    }

    private static func lowercasedFirst(_ text: String) -> String {
        guard let first = text.first, first.isUppercase else { return text }
        // Keep acronyms and option names as they are ("CI", "TEXT").
        if let second = text.dropFirst().first, second.isUppercase { return text }
        return first.lowercased() + text.dropFirst()
    }
}

extension String {
    fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = firstRange(of: target) else { return self }
        var copy = self
        copy.replaceSubrange(range, with: replacement)
        return copy
    }
}
