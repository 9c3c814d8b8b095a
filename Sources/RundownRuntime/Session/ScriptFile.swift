import Glibc

/// Reads script files without Foundation: `.read`, and `rdsh run` for its arguments.
public enum ScriptFile {
    /// Why a file could not be read, in words for a diagnostic.
    public struct Failure: Error, Sendable, Equatable {
        public var reason: String
    }

    /// Largest script accepted (64 MiB).
    public static let maximumBytes = 64 << 20

    /// The whole file, or why not (missing, a directory, unreadable, too large).
    public static func read(_ path: String) -> Result<[UInt8], Failure> {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 { return .failure(Failure(reason: errorText(errno))) }
        defer { close(descriptor) }
        var info = stat()
        var expected = 0
        if fstat(descriptor, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFDIR { return .failure(Failure(reason: "it is a directory")) }
            if Int(info.st_size) > maximumBytes {
                return .failure(Failure(reason: "it is larger than \(maximumBytes >> 20) MiB"))
            }
            expected = Int(info.st_size)
        }
        return readAll(descriptor, expectedBytes: expected)
    }

    /// Everything readable from `descriptor` until end of file (stdin when piped).
    /// `expectedBytes` (the file's size) sizes the buffer once: a large script is held once,
    /// not in a doubling array's spare capacity. Nothing is zero-filled first: a 30-byte script
    /// touches one page, not a 64 KiB chunk's sixteen (page faults are most of a short run's
    /// reading time).
    public static func readAll(_ descriptor: Int32, expectedBytes: Int = 0) -> Result<[UInt8], Failure> {
        var failure: Int32 = 0
        var atEnd = false
        // The file's size plus one byte, to see the end of file in the same loop.
        var bytes = [UInt8](unsafeUninitializedCapacity: expectedBytes + 1) { buffer, count in
            count = 0
            while count < buffer.count {
                let read = Glibc.read(descriptor, buffer.baseAddress! + count, buffer.count - count)
                if read < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                if read == 0 {
                    atEnd = true
                    return
                }
                count += read
            }
        }
        if failure == 0 && !atEnd {
            // A stream, or a file that grew: read on in chunks.
            let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 16)
            defer { chunk.deallocate() }
            while true {
                let read = Glibc.read(descriptor, chunk.baseAddress, chunk.count)
                if read < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                if read == 0 { break }
                bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[0..<read]))
                if bytes.count > maximumBytes { break }
            }
        }
        if failure != 0 { return .failure(Failure(reason: errorText(failure))) }
        if bytes.count > maximumBytes {
            return .failure(Failure(reason: "it is larger than \(maximumBytes >> 20) MiB"))
        }
        return .success(bytes)
    }

    /// The canonical absolute path (symlinks resolved), or nil when the file does not exist.
    public static func canonicalPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func lastComponent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    static func errorText(_ code: Int32) -> String {
        if code == ELOOP { return "symbolic link loop (too many levels of symbolic links)" }
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}
