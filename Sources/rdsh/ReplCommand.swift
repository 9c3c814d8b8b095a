import ArgumentParser

struct ReplCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "repl", abstract: "Not written yet.")

    func run() throws {
        throw ValidationError("'rdsh repl' is not written yet")
    }
}
