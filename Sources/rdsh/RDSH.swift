import ArgumentParser

/// The rdsh command line: a thin layer that wires the libraries together.
@main
struct RDSH: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rdsh",
        abstract: "The run-down protection shell: Windows EX_RUNDOWN_REF routines on real threads.",
        subcommands: [
            ReplCommand.self, RunCommand.self, TestCommand.self, ExploreCommand.self, BenchCommand.self,
            DocCommand.self,
        ],
        defaultSubcommand: ReplCommand.self)
}
