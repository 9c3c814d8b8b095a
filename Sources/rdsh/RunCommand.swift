import ArgumentParser

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Not written yet.")

    func run() throws {
        throw ValidationError("'rdsh run' is not written yet")
    }
}
