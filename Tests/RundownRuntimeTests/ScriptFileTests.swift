import Glibc
import RundownRuntime
import Testing

/// `ScriptFile` reads scripts without zero-filling a buffer first; these check that every
/// size of file and stream still arrives whole. One test starts a writer thread.
@Suite(.timeLimit(.minutes(1))) struct ScriptFileTests {
    /// A temporary file holding `bytes`; removed by the caller.
    private func temporaryFile(_ bytes: [UInt8]) -> String {
        var template = Array("/tmp/rdsh-scriptfile-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        precondition(descriptor >= 0)
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                precondition(written > 0)
                offset += written
            }
        }
        close(descriptor)
        return template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    private func pattern(_ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
    }

    @Test(arguments: [0, 1, 31, 4095, 4096, 65536, 65537, 300_000])
    func aFileArrivesWhole(size: Int) throws {
        let bytes = pattern(size)
        let path = temporaryFile(bytes)
        defer { unlink(path) }
        let read = try ScriptFile.read(path).get()
        #expect(read == bytes)
    }

    /// A file longer than its size said (it grew, or fstat lied): read on to the end.
    @Test func moreThanExpectedIsStillRead() throws {
        let bytes = pattern(150_000)
        let path = temporaryFile(bytes)
        defer { unlink(path) }
        let descriptor = open(path, O_RDONLY)
        defer { close(descriptor) }
        let read = try ScriptFile.readAll(descriptor, expectedBytes: 10).get()
        #expect(read == bytes)
    }

    /// A pipe delivers in pieces; nothing is expected up front.
    @Test func aStreamArrivesWhole() throws {
        let bytes = pattern(200_000)
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        let writer = ends[1]
        let join = spawnThread("writer") {
            bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    // Small writes: the reader sees many short reads.
                    let written = write(writer, raw.baseAddress! + offset, min(7000, raw.count - offset))
                    if written <= 0 { break }
                    offset += written
                }
            }
            close(writer)
        }
        let read = try ScriptFile.readAll(ends[0]).get()
        join()
        close(ends[0])
        #expect(read == bytes)
    }

    @Test func aDirectoryIsRefused() {
        guard case .failure(let failure) = ScriptFile.read("/tmp") else {
            Issue.record("a directory was read")
            return
        }
        #expect(failure.reason == "it is a directory")
    }
}
