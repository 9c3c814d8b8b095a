import Glibc

/// The live state completion draws on besides the vocabulary: the session's handle and thread
/// names, and a way to list a directory (for `.read FILE`).
public struct CompletionContext: Sendable {
    public var vocabulary: Vocabulary
    public var handles: [String]
    public var threads: [String]
    /// Entries of a directory ("" is the current one): name and whether it is a directory.
    /// nil when it cannot be read.
    public var listDirectory: @Sendable (String) -> [(name: String, isDirectory: Bool)]?

    public init(
        vocabulary: Vocabulary, handles: [String] = [], threads: [String] = [],
        listDirectory: @escaping @Sendable (String) -> [(name: String, isDirectory: Bool)]? =
            CompletionContext.readDirectory
    ) {
        self.vocabulary = vocabulary
        self.handles = handles
        self.threads = threads
        self.listDirectory = listDirectory
    }

    /// Lists a real directory with opendir/readdir, skipping `.` and `..`.
    @Sendable public static func readDirectory(_ path: String) -> [(name: String, isDirectory: Bool)]? {
        let dirPath = path.isEmpty ? "." : path
        guard let dir = opendir(dirPath) else { return nil }
        defer { closedir(dir) }
        var entries: [(name: String, isDirectory: Bool)] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            var isDirectory = entry.pointee.d_type == UInt8(DT_DIR)
            if entry.pointee.d_type == UInt8(DT_UNKNOWN) || entry.pointee.d_type == UInt8(DT_LNK) {
                var info = stat()
                let full = dirPath.hasSuffix("/") ? dirPath + name : dirPath + "/" + name
                if stat(full, &info) == 0 { isDirectory = (info.st_mode & S_IFMT) == S_IFDIR }
            }
            entries.append((name, isDirectory))
        }
        return entries
    }
}
