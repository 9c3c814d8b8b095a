import Glibc
import Testing

@testable import RundownCheck

/// A scratch directory with files, removed at the end.
final class Scratch {
    let path: String

    init() {
        var template = Array("/tmp/rdsh-check-XXXXXX".utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    }

    deinit {
        _ = system("rm -rf '\(path)'")
    }

    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        let full = path + "/" + name
        if let slash = name.lastIndex(of: "/") { _ = system("mkdir -p '\(path)/\(name[..<slash])'") }
        _ = FileSystem.write(full, bytes: Array(text.utf8))
        return full
    }

    func read(_ name: String) -> String {
        guard case .success(let bytes) = FileSystem.read(path + "/" + name) else { return "<unreadable>" }
        return String(decoding: bytes, as: UTF8.self)
    }
}

@Suite(.timeLimit(.minutes(1))) struct RunnerTests {
    func runner(_ configure: (inout TestOptions) -> Void = { _ in }) -> TestRunner {
        var options = TestOptions()
        options.writeActual = false
        configure(&options)
        return TestRunner(options: options, engine: FakeEngine())
    }

    @Test func discoveryIsRecursiveSortedAndSkipsOtherFiles() throws {
        let dir = Scratch()
        dir.write("b.rdsh", "")
        dir.write("a/z.rdsh", "")
        dir.write("a/notes.txt", "")
        dir.write(".hidden/x.rdsh", "")
        dir.write("c.rdsh.actual", "")
        let found = try TestDiscovery.find(paths: [dir.path]).files
        #expect(found == [dir.path + "/a/z.rdsh", dir.path + "/b.rdsh"])
        #expect(throws: UsageError.self) { try TestDiscovery.find(paths: [dir.path + "/missing"]) }
    }

    @Test func resultsComeBackInOrderWhateverTheJobCount() {
        let dir = Scratch()
        var files: [String] = []
        for i in 0..<40 {
            let ok = i % 3 != 0
            files.append(dir.write("f\(i).rdsh", "say \(i)\n#> \(ok ? String(i) : "wrong")\n"))
        }
        for jobs in [1, 4, 16] {
            var order: [Int] = []
            let summary = runner { $0.jobs = jobs }.run(files: files) { index, _ in order.append(index) }
            #expect(order == Array(0..<40))
            #expect(summary.results.map(\.path) == files)
            #expect(summary.failed == 14)
            #expect(summary.passed == 26)
        }
    }

    @Test func outcomesOfOneFileEach() {
        let dir = Scratch()
        let files = [
            dir.write("pass.rdsh", "say a\n#> a\n"),
            dir.write("fail.rdsh", "say a\n#> b\n"),
            dir.write("skip.rdsh", "#% skip: not yet\nsay a\n"),
            dir.write("xfail.rdsh", "#% xfail: known bug\nsay a\n#> b\n"),
            dir.write("xpass.rdsh", "#% xfail: known bug\nsay a\n#> a\n"),
            dir.write("binary.rdsh", "say a\u{0}\n"),
            dir.write("meta.rdsh", "#% bogus: 1\n"),
            dir.path + "/missing.rdsh",
        ]
        let s = runner().run(files: files) { _, _ in }
        let outcomes = s.results.map(\.outcome)
        #expect(outcomes[0] == .passed)
        #expect(outcomes[1] == .failed)
        #expect(outcomes[2] == .skipped("not yet"))
        #expect(outcomes[3] == .expectedFailure("known bug"))
        #expect(outcomes[4] == .unexpectedPass("known bug"))
        if case .error(nil, let message) = outcomes[5] {
            #expect(message.contains("binary"))
        } else {
            Issue.record("\(outcomes[5])")
        }
        if case .error(1, let message) = outcomes[6] {
            #expect(message.contains("bogus"))
        } else {
            Issue.record("\(outcomes[6])")
        }
        if case .error(nil, let message) = outcomes[7] {
            #expect(message.contains("cannot read file"))
        } else {
            Issue.record("\(outcomes[7])")
        }
        #expect(s.line == "2 passed, 5 failed, 1 skipped")
    }

    @Test func acceptRewritesTheFileThenItPasses() {
        let dir = Scratch()
        let file = dir.write("a.rdsh", "# doc\nsay a\n#> wrong\nsay {{b}}\n")
        let first = runner { $0.accept = true }.run(files: [file]) { _, _ in }
        #expect(first.results[0].accepted)
        #expect(dir.read("a.rdsh") == "# doc\nsay a\n#> a\nsay {{b}}\n#> {{b}}\n")
        let second = runner().run(files: [file]) { _, _ in }
        #expect(second.results[0].outcome == .passed)
        #expect(!second.results[0].accepted)
    }

    @Test func acceptFollowsASymbolicLink() {
        let dir = Scratch()
        dir.write("real.rdsh", "say a\n")
        let link = dir.path + "/link.rdsh"
        #expect(symlink(dir.path + "/real.rdsh", link) == 0)
        let result = runner { $0.accept = true }.run(files: [link]) { _, _ in }
        #expect(result.results[0].accepted)
        #expect(dir.read("real.rdsh") == "say a\n#> a\n")
        var st = stat()
        #expect(lstat(link, &st) == 0 && st.st_mode & S_IFMT == S_IFLNK)
    }

    @Test func actualFileIsWrittenOnFailureAndRemovedOnPass() {
        let dir = Scratch()
        let file = dir.write("a.rdsh", "say a\n#> b\n")
        _ = runner { $0.writeActual = true }.run(files: [file]) { _, _ in }
        #expect(dir.read("a.rdsh.actual") == "say a\n#> a\n")
        dir.write("a.rdsh", "say a\n#> a\n")
        _ = runner { $0.writeActual = true }.run(files: [file]) { _, _ in }
        #expect(dir.read("a.rdsh.actual") == "<unreadable>")
    }

    @Test func mainRefusesAcceptUnderCIUnlessForced() {
        let dir = Scratch()
        let file = dir.write("a.rdsh", "say a\n")
        var err: [String] = []
        let refused = runner {
            $0.accept = true
            $0.paths = [file]
        }.main(ci: true, out: { _ in }, err: { err.append($0) })
        #expect(refused == 2)
        #expect(err.first?.contains("CI") == true)
        #expect(dir.read("a.rdsh") == "say a\n")
        var out: [String] = []
        let forced = runner {
            $0.accept = true
            $0.force = true
            $0.paths = [file]
        }.main(ci: true, out: { out.append($0) }, err: { _ in })
        #expect(forced == 0)
        #expect(out.last == "1 passed, 0 failed")
        #expect(dir.read("a.rdsh") == "say a\n#> a\n")
    }

    @Test func mainFiltersAndEndsWithTheSummary() {
        let dir = Scratch()
        dir.write("acquire.rdsh", "say a\n#> a\n")
        dir.write("release.rdsh", "say a\n#> b\n")
        var out: [String] = []
        let status = runner {
            $0.paths = [dir.path]
            $0.filter = "acq"
        }.main(ci: false, out: { out.append($0) }, err: { _ in })
        #expect(status == 0)
        #expect(out == ["1 passed, 0 failed"])
        out = []
        let all = runner { $0.paths = [dir.path] }.main(ci: false, out: { out.append($0) }, err: { _ in })
        #expect(all == 1)
        #expect(out.last == "1 passed, 1 failed")
        #expect(out.contains { $0.hasPrefix("FAIL \(dir.path)/release.rdsh") })
        out = []
        let listed = runner {
            $0.paths = [dir.path]
            $0.filterOut = "acq"
            $0.list = true
        }.main(ci: false, out: { out.append($0) }, err: { _ in })
        #expect(listed == 0)
        #expect(out == [dir.path + "/release.rdsh"])
    }
}
