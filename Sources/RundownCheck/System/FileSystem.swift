import Glibc

/// The few file-system calls the checker needs, on Glibc (no Foundation in the hot path).
package enum FileSystem {
    /// What a path names; `unreachable` says why a path that may exist cannot be followed
    /// (a symbolic link loop, a component that is not a directory, no permission).
    enum Kind: Equatable {
        case missing
        case unreachable(String)
        case file, directory, other
    }

    static func kind(of path: String) -> Kind {
        var st = stat()
        guard stat(path, &st) == 0 else {
            switch errno {
            case ENOENT: return .missing
            default: return .unreachable(errorText())
            }
        }
        switch st.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    /// The text of `errno`; a symbolic link loop is called one.
    static func errorText(_ code: Int32 = errno) -> String {
        if code == ELOOP { return "symbolic link loop (too many levels of symbolic links)" }
        return String(cString: strerror(code))
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

    /// What `stat` says about a file, as far as `--accept` cares: which file it is, how many
    /// names it has, who owns it, and whether it changed since it was read.
    struct Status: Equatable {
        var device: UInt64
        var inode: UInt64
        var links: UInt64
        var owner: UInt32
        var group: UInt32
        var mode: UInt32
        var size: Int64
        var modifiedSeconds: Int
        var modifiedNanoseconds: Int

        init(_ st: stat) {
            device = UInt64(st.st_dev)
            inode = UInt64(st.st_ino)
            links = UInt64(st.st_nlink)
            owner = st.st_uid
            group = st.st_gid
            mode = st.st_mode
            size = Int64(st.st_size)
            modifiedSeconds = Int(st.st_mtim.tv_sec)
            modifiedNanoseconds = Int(st.st_mtim.tv_nsec)
        }

        /// Whether the file's owner, group or other write bit lets the calling user write it.
        /// Decided from the mode bits even for root: a read-only file is meant to stay as it is.
        var writableByCaller: Bool {
            if owner == geteuid() { return mode & 0o200 != 0 }
            if FileSystem.callerGroups.contains(group) { return mode & 0o020 != 0 }
            return mode & 0o002 != 0
        }
    }

    /// The effective group and the supplementary groups of the process.
    static var callerGroups: Set<UInt32> {
        var groups = [gid_t](repeating: 0, count: 256)
        let count = getgroups(Int32(groups.count), &groups)
        return Set(groups.prefix(max(0, Int(count)))).union([getegid()])
    }

    /// The status of the file `path` names (symbolic links followed), or why not.
    static func status(_ path: String) -> Result<Status, FileError> {
        var st = stat()
        guard stat(path, &st) == 0 else { return .failure(FileError(path: path, reason: errorText())) }
        return .success(Status(st))
    }

    /// The file's bytes and its status.
    static func readWithStatus(_ path: String) -> Result<(bytes: [UInt8], status: Status), FileError> {
        // Status first: a change between the two shows as a changed status when accepting.
        let before: Status
        switch status(path) {
        case .failure(let error): return .failure(error)
        case .success(let status): before = status
        }
        switch read(path) {
        case .failure(let error): return .failure(error)
        case .success(let bytes): return .success((bytes, before))
        }
    }

    /// Replaces the contents of the file `given` names with `bytes`, keeping everything else
    /// about it, or refuses and says why; the file is then left exactly as it was.
    ///
    /// - Refuses when the file changed since it was read (`original`, `read`): by size,
    ///   modification time, identity or content, so an edit made meanwhile is never lost.
    /// - Refuses a file with several hard links: replacing one name would split them.
    /// - Refuses a file the caller could not write by its mode bits (even as root), and a file
    ///   owned by someone else whose ownership cannot be kept.
    /// - A symbolic link is followed: the file it names is replaced and the link stays.
    /// - The new contents go to a temporary file beside it (same mode, owner and group), which
    ///   is renamed over the file: a reader never sees half a file.
    static func replace(_ given: String, bytes: [UInt8], original: [UInt8], read: Status) -> Result<
        Void, FileError
    > {
        var path = given
        if let resolved = realpath(given, nil) {
            path = String(cString: resolved)
            free(resolved)
        }
        func refuse(_ reason: String) -> Result<Void, FileError> {
            .failure(FileError(path: given, reason: reason))
        }
        func unchanged() -> String? {
            guard case .success(let now) = status(path) else {
                return "the file disappeared while rdsh test ran"
            }
            if now.device != read.device || now.inode != read.inode {
                return "the file was replaced while rdsh test ran"
            }
            if now.size != read.size || now.modifiedSeconds != read.modifiedSeconds
                || now.modifiedNanoseconds != read.modifiedNanoseconds
            {
                return "the file was modified while rdsh test ran (size or modification time changed)"
            }
            guard case .success(let current) = FileSystem.read(path), current == original else {
                return "the file was modified while rdsh test ran (its content changed)"
            }
            return nil
        }
        if let changed = unchanged() {
            return refuse(changed + "; run --accept again to keep your edit and accept")
        }
        if read.links > 1 {
            return refuse(
                "it has \(read.links) hard links; replacing it would break them (accept a copy, or remove the other links)"
            )
        }
        guard read.writableByCaller else {
            return refuse(
                "it is read-only for you (mode \(String(read.mode & 0o7777, radix: 8))); make it writable first"
            )
        }
        let temporary = path + ".rdsh-tmp-\(getpid())-\(pthread_self())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return .failure(FileError(path: given, reason: errorText())) }
        func fail(_ reason: String) -> Result<Void, FileError> {
            close(fd)
            unlink(temporary)
            return refuse(reason)
        }
        if read.owner != geteuid() || read.group != getegid() {
            guard fchown(fd, read.owner, read.group) == 0 else {
                return fail(
                    "its owner and group (uid \(read.owner), gid \(read.group)) cannot be kept on a replacement "
                        + "(\(errorText())); replacing it would make it yours")
            }
        }
        guard fchmod(fd, read.mode & 0o7777) == 0 else { return fail(errorText()) }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                return fail(errorText())
            }
            written += n
        }
        guard fsync(fd) == 0 else { return fail(errorText()) }
        // Checked again right before the rename: the window for a lost edit stays tiny.
        if let changed = unchanged() {
            return fail(changed + "; run --accept again to keep your edit and accept")
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let reason = errorText()
            unlink(temporary)
            return refuse(reason)
        }
        return .success(())
    }

    /// Writes a new file (or replaces one the caller owns): `.actual` files and reports.
    /// A symbolic link is followed, so the file it names is replaced and the link stays.
    package static func write(_ given: String, bytes: [UInt8]) -> Result<Void, FileError> {
        var path = given
        var st = stat()
        if lstat(given, &st) == 0, st.st_mode & S_IFMT == S_IFLNK, let resolved = realpath(given, nil) {
            path = String(cString: resolved)
            free(resolved)
        }
        if stat(path, &st) == 0, st.st_mode & S_IFMT != S_IFREG {
            // A device or a pipe (/dev/stdout, /dev/full): written into, never replaced.
            return writeInto(path, bytes: bytes)
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
        // A full disk may only show when the data is flushed.
        if fsync(fd) != 0 && errno != EINVAL {
            let reason = errorText()
            close(fd)
            unlink(temporary)
            return .failure(FileError(path: path, reason: reason))
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

    /// Writes `bytes` into an existing file that is not a regular file.
    private static func writeInto(_ path: String, bytes: [UInt8]) -> Result<Void, FileError> {
        let fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)
        guard fd >= 0 else { return .failure(FileError(path: path, reason: errorText())) }
        defer { close(fd) }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(FileError(path: path, reason: errorText()))
            }
            written += n
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

    package static func join(_ directory: String, _ name: String) -> String {
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
