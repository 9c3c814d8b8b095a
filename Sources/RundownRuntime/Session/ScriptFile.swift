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
    /// not in a doubling array's spare capacity.
    public static func readAll(_ descriptor: Int32, expectedBytes: Int = 0) -> Result<[UInt8], Failure> {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(expectedBytes + 1)
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(Failure(reason: errorText(errno)))
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > maximumBytes {
                return .failure(Failure(reason: "it is larger than \(maximumBytes >> 20) MiB"))
            }
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
