import Glibc

/// The few file-system calls the checker needs, on Glibc (no Foundation in the hot path).
enum FileSystem {
    /// What a path names.
    enum Kind { case missing, file, directory, other }

    static func kind(of path: String) -> Kind {
        var st = stat()
        guard stat(path, &st) == 0 else { return .missing }
        switch st.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    /// The text of `errno`.
    static func errorText(_ code: Int32 = errno) -> String {
        String(cString: strerror(code))
    }

    /// The whole file, or the reason it cannot be read.
    static func read(_ path: String) -> Result<[UInt8], FileError> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(FileError(path: path, reason: errorText())) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(FileError(path: path, reason: errorText()))
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > 64 * 1024 * 1024 {
                return .failure(FileError(path: path, reason: "file larger than 64 MiB"))
            }
        }
        return .success(bytes)
    }

    /// Replaces the file's contents: writes a temporary file beside it, then renames it over.
    /// A symbolic link is followed, so the file it names is replaced and the link stays.
    static func write(_ given: String, bytes: [UInt8]) -> Result<Void, FileError> {
        var path = given
        var st = stat()
        if lstat(given, &st) == 0, st.st_mode & S_IFMT == S_IFLNK, let resolved = realpath(given, nil) {
            path = String(cString: resolved)
            free(resolved)
        }
        let temporary = path + ".rdsh-tmp-\(getpid())-\(pthread_self())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return .failure(FileError(path: path, reason: errorText())) }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = errorText()
                close(fd)
                unlink(temporary)
                return .failure(FileError(path: path, reason: reason))
            }
            written += n
        }
        close(fd)
        // Keep the original file's permissions.
        if stat(path, &st) == 0 { chmod(temporary, st.st_mode & 0o7777) }
        guard rename(temporary, path) == 0 else {
            let reason = errorText()
            unlink(temporary)
            return .failure(FileError(path: path, reason: reason))
        }
        return .success(())
    }

    /// Removes a file if it exists.
    static func remove(_ path: String) {
        unlink(path)
    }

    /// The names in a directory (without `.` and `..`), or the reason it cannot be listed.
    static func list(_ path: String) -> Result<[(name: String, isDirectory: Bool, isFile: Bool)], FileError> {
        guard let dir = opendir(path) else { return .failure(FileError(path: path, reason: errorText())) }
        defer { closedir(dir) }
        var entries: [(String, Bool, Bool)] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            let full = join(path, name)
            var st = stat()
            // lstat: symbolic links to directories are not followed (no cycles); links to files are.
            guard lstat(full, &st) == 0 else { continue }
            var mode = st.st_mode & S_IFMT
            if mode == S_IFLNK {
                var target = stat()
                guard stat(full, &target) == 0 else {
                    // A dangling link is listed as a file: reading it then reports why it fails.
                    entries.append((name, false, true))
                    continue
                }
                mode = target.st_mode & S_IFMT
                if mode == S_IFDIR { continue }
            }
            entries.append((name, mode == S_IFDIR, mode == S_IFREG))
        }
        return .success(entries)
    }

    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// Online processors.
    static var processorCount: Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// Monotonic seconds.
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// An environment variable, nil when unset.
    static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}

/// A file that could not be read, written or listed.
public struct FileError: Error, Sendable, Equatable {
    public var path: String
    public var reason: String
}
