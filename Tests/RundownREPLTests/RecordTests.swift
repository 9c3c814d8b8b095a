import Glibc
import RundownRuntime
import RundownScript
import Testing

@testable import RundownREPL

/// `.record` through the REPL's own line handler with a real session (no terminal needed).
@Suite(.serialized, .timeLimit(.minutes(1))) struct RecordTests {
    func temporaryPath(_ name: String) -> String {
        var template = Array("/tmp/rdsh-record-XXXXXX".utf8CString)
        let dir = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
        return dir + "/" + name
    }

    func contents(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        while true {
            let c = fgetc(file)
            if c == EOF { break }
            bytes.append(UInt8(c))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    func makeREPL() -> REPL {
        REPL(
            options: .init(interactive: false, historyPath: nil, colour: false), vocabulary: .standard
        ) { sink in Session(options: SessionOptions(), sink: sink) }
    }

    @Test func recordingIncludesTheSessionSoFarAndTheEndReport() throws {
        let path = temporaryPath("session.rdsh")
        let repl = makeREPL()
        repl.handle(line: "ExInitializeRundownProtection R", number: 1)
        repl.handle(line: "ExAcquireRundownProtection R", number: 2)
        repl.handle(line: ".record \(path)", number: 3)
        repl.handle(line: "W: ExWaitForRundownProtectionRelease R", number: 4)
        #expect(repl.finish() == 0)
        let text = try #require(contents(path))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(
            Array(lines.prefix(4)) == [
                "ExInitializeRundownProtection R",
                "ExAcquireRundownProtection R",
                "#> TRUE",
                "W: ExWaitForRundownProtectionRelease R",
            ])
        #expect(lines.contains("#> [W] blocked in ExWaitForRundownProtectionRelease R"))
        #expect(lines.contains { $0.hasPrefix("#! error[DEADLOCK]: thread W") })
        #expect(!text.contains(".record"))
    }

    @Test func recordOffStopsWriting() throws {
        let path = temporaryPath("off.rdsh")
        let repl = makeREPL()
        repl.handle(line: ".record \(path)", number: 1)
        repl.handle(line: "n = ExSizeOfRundownProtectionCacheAware", number: 2)
        repl.handle(line: ".record off", number: 3)
        repl.handle(line: "ExSizeOfRundownProtectionCacheAware", number: 4)
        _ = repl.finish()
        #expect(contents(path) == "n = ExSizeOfRundownProtectionCacheAware\n#> 344\n")
    }

    @Test func anUnwritableFileIsAnErrorAndTheSessionGoesOn() throws {
        let repl = makeREPL()
        repl.handle(line: ".record /nonexistent-dir/x.rdsh", number: 1)
        repl.handle(line: "ExInitializeRundownProtection R", number: 2)
        let path = temporaryPath("later.rdsh")
        repl.handle(line: ".record \(path)", number: 3)
        _ = repl.finish()
        // The failed .record left no trace; the later one has the whole session.
        #expect(contents(path) == "ExInitializeRundownProtection R\n")
    }

    @Test func recordArgumentsAreCheckedByTheParser() throws {
        let repl = makeREPL()
        let path = temporaryPath("args.rdsh")
        repl.handle(line: ".record", number: 1)  // missing FILE: a diagnostic, recorded like any error
        repl.handle(line: ".record \(path)", number: 2)
        _ = repl.finish()
        let text = try #require(contents(path))
        #expect(text.hasPrefix(".record\n#! error["))
    }
}
