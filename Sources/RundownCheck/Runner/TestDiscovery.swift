/// Finds the test files named by the command line.
public enum TestDiscovery {
    /// The files to run: each path that is a file as given, each directory searched recursively
    /// for `*.rdsh` (sorted; hidden directories skipped); duplicates dropped, argument order kept.
    /// A file named several ways (`a.rdsh`, `./a.rdsh`, a symbolic link, a hard link) is one
    /// file: it runs once, under the first name given.
    ///
    /// A path that does not exist is a usage error of the command; an unreadable directory below
    /// a given one is reported through `unreadable`.
    public static func find(paths: [String]) throws(UsageError) -> (files: [String], unreadable: [FileError])
    {
        var files: [String] = []
        var seen = Set<String>()
        var unreadable: [FileError] = []
        /// The file's identity (device and inode), or its path when it cannot be stat'ed.
        func firstSighting(_ path: String) -> Bool {
            switch FileSystem.status(path) {
            case .success(let status): return seen.insert("\(status.device):\(status.inode)").inserted
            case .failure: return seen.insert(path).inserted
            }
        }
        for path in paths {
            switch FileSystem.kind(of: path) {
            case .missing:
                throw UsageError(
                    "no such file or directory: \(path)",
                    hint: "give script files or directories that hold *.rdsh files")
            case .unreachable(let reason):
                throw UsageError(
                    "cannot open \(path): \(reason)",
                    hint: "give script files or directories that hold *.rdsh files")
            case .file, .other:
                if firstSighting(path) { files.append(path) }
            case .directory:
                var found: [String] = []
                walk(path, into: &found, unreadable: &unreadable, depth: 0)
                found.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                for file in found where firstSighting(file) { files.append(file) }
            }
        }
        return (files, unreadable)
    }

    private static func walk(
        _ directory: String, into found: inout [String], unreadable: inout [FileError], depth: Int
    ) {
        guard depth < 64 else { return }
        switch FileSystem.list(directory) {
        case .failure(let error):
            unreadable.append(error)
        case .success(let entries):
            for entry in entries {
                let path = FileSystem.join(directory, entry.name)
                if entry.isDirectory {
                    if !entry.name.hasPrefix(".") {
                        walk(path, into: &found, unreadable: &unreadable, depth: depth + 1)
                    }
                } else if entry.isFile, entry.name.hasSuffix(".rdsh") {
                    found.append(path)
                }
            }
        }
    }
}

/// A mistake in how `rdsh test` was invoked: exit status 2.
public struct UsageError: Error, Sendable, Equatable {
    public var message: String
    public var hint: String?

    public init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }
}
