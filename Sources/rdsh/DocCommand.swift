import ArgumentParser
import Glibc
import RundownCheck
import RundownRuntime

/// `rdsh doc`: renders the script corpus as Markdown pages, or checks the committed pages.
struct DocCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doc",
        abstract: "Render the scripts and the routine catalogue as Markdown pages.",
        discussion: """
            Writes one page per routine (signature, IRQL, contract, misuse, then every script that \
            calls it with its expected output), one per scenario and per misuse family, a page of \
            diagnostic codes and an index (README.md). With --check, writes nothing and exits 1 \
            when a page is out of date, listing the stale files.
            """)

    @Argument(help: "The folder of .rdsh scripts.")
    var scripts: String = "scripts"

    @Option(name: .shortAndLong, help: "The folder to write the pages into.")
    var output: String = "docs"

    @Flag(help: "Write nothing; exit 1 when the pages in the output folder are out of date.")
    var check = false

    func run() throws {
        StandardOutputGuard.install()
        let site = DocSite(scriptsDirectory: scripts, outputDirectory: output)
        do {
            if check {
                let staleness = try site.check()
                if staleness.isUpToDate {
                    print("\(output): up to date")
                    return
                }
                StandardError.write("\(output) is out of date; run 'rdsh doc \(scripts) -o \(output)':")
                for line in staleness.lines { StandardError.write("  \(output)/\(line)") }
                throw ExitCode(1)
            }
            let touched = try site.write()
            print(touched.isEmpty ? "\(output): up to date" : "\(output): \(touched.count) files written")
        } catch let failure as DocSite.Failure {
            StandardError.write("error: \(failure.message)")
            throw ExitCode(2)
        }
    }
}
