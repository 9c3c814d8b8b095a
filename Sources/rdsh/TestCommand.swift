import ArgumentParser
import Glibc
import RundownCheck
import RundownRuntime

/// `rdsh test PATH...`: runs scripts and checks their `#>`/`#!` expectations.
///
/// The options are parsed by `RundownCheck.TestOptions` rather than by ArgumentParser so that
/// every usage error of this command exits with status 2 (ArgumentParser would use 64).
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run *.rdsh scripts and compare their output with the #> and #! lines they contain.",
        discussion: TestOptions.usage)

    @Argument(parsing: .captureForPassthrough, help: "Options and paths (see below).")
    var arguments: [String] = []

    func run() throws {
        StandardOutputGuard.install(failureStatus: 2)
        let options: TestOptions
        do throws(UsageError) {
            options = try TestOptions.parse(arguments)
        } catch {
            writeError("error: \(error.message)")
            if let hint = error.hint { writeError("hint: \(hint)") }
            throw ExitCode(2)
        }
        let ci =
            getenv("CI").map { String(cString: $0) }.map { !$0.isEmpty && $0 != "0" && $0 != "false" }
            ?? false
        let colour = !options.tap && isatty(1) != 0 && getenv("NO_COLOR") == nil
        let status = TestRunner(options: options).main(
            ci: ci,
            out: { print(colour ? TextReport.colourized($0) : $0) },
            err: { writeError($0) })
        if status != 0 { throw ExitCode(status) }
    }

    private func writeError(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }
}
