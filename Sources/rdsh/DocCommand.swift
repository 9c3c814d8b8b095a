import ArgumentParser

struct DocCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "doc", abstract: "Not written yet.")

    func run() throws {
        throw ValidationError("'rdsh doc' is not written yet")
    }
}
