import Glibc
import RundownScript

/// A routine call line the session has run before, found again by its bytes: its text, the
/// call the parser made of it, and what the session found for its names last time.
///
/// Parsing is a pure function of a line's text, and a call's only dependence on where it was
/// written is its location, which the session passes beside the call (``call`` keeps the
/// location of its first parse; only its columns are read). The thread and the handle the
/// call names are kept with the session's ``Session/namesEpoch``: while no name was created,
/// bound afresh or forgotten, the same names mean the same objects.
final class CompiledLine {
    /// The line as the user wrote it (its ending excluded).
    let text: String
    let bytes: [UInt8]
    let hash: Int
    let call: Call
    /// The routine as the runtime dispatches it (nil: no implementation).
    let operation: Operation?
    /// What the session's lane needs of the call, when its shape allows it (``LaneCall``).
    let lane: LaneCall?

    /// The names' epoch ``worker`` and ``handle`` were found in (-1: never).
    var namesEpoch = -1
    var worker: Worker? {
        didSet { unretainedWorker = worker.map(Unmanaged.passUnretained) }
    }
    var handle: Handle? {
        didSet { unretainedHandle = handle.map(Unmanaged.passUnretained) }
    }
    /// ``worker`` and ``handle`` without a reference count taken on each read (the lane reads
    /// them for every command it runs): valid while this line holds them.
    private var unretainedWorker: Unmanaged<Worker>?
    private var unretainedHandle: Unmanaged<Handle>?
    var unretainedNames: (worker: Unmanaged<Worker>, handle: Unmanaged<Handle>)? {
        guard let unretainedWorker, let unretainedHandle else { return nil }
        return (unretainedWorker, unretainedHandle)
    }

    init(text: String, bytes: [UInt8], hash: Int, call: Call) {
        self.text = text
        self.bytes = bytes
        self.hash = hash
        self.call = call
        self.operation = Operation.of(call.routine)
        self.lane = operation.flatMap { LaneCall(call, operation: $0) }
    }
}

/// The call lines already parsed, by their bytes: a script that repeats a line (a loop written
/// out, a bench, a REPL session re-running its history) neither decodes, checks nor parses it
/// again. Only calls are kept (declarations, directives and diagnostics carry locations of
/// their own, and are rare); the cache is emptied when it holds ``capacity`` lines, so its
/// memory is bounded whatever the script.
struct LineCache {
    /// The most lines kept at once.
    static let capacity = 1024
    /// Open addressing with linear probing; twice the capacity, a power of two.
    private var slots = [CompiledLine?](repeating: nil, count: 2 * LineCache.capacity)
    /// Lines held right now.
    private(set) var count = 0

    /// The line whose bytes are `bytes`, if it was cached.
    func lookup(_ bytes: UnsafeBufferPointer<UInt8>) -> CompiledLine? {
        let hash = Self.hash(bytes)
        return slots.withUnsafeBufferPointer { slots in
            let mask = slots.count - 1
            var index = hash & mask
            while let line = slots[index] {
                if line.hash == hash && Self.equal(line.bytes, bytes) { return line }
                index = (index + 1) & mask
            }
            return nil
        }
    }

    /// ``lookup(_:)`` without a reference count: the line stays valid until the cache is
    /// next changed (``parse(text:bytes:location:)``), which empties it when full.
    func lookupUnretained(_ bytes: UnsafeBufferPointer<UInt8>) -> Unmanaged<CompiledLine>? {
        let hash = Self.hash(bytes)
        return slots.withUnsafeBufferPointer { slots in
            let mask = slots.count - 1
            var index = hash & mask
            while let line = slots[index].map(Unmanaged.passUnretained) {
                let found = line._withUnsafeGuaranteedRef { $0.hash == hash && Self.equal($0.bytes, bytes) }
                if found { return line }
                index = (index + 1) & mask
            }
            return nil
        }
    }

    /// Parses `text` (the bytes `bytes`) at `location`; a call is kept and returned as a line.
    mutating func parse(text: String, bytes: UnsafeBufferPointer<UInt8>, location: SourceLocation)
        -> (parsed: Parsed, line: CompiledLine?)
    {
        let parsed = Parser.parse(line: text, location: location)
        // A line too long for a file is never found again by its bytes: a file's copy of it
        // must get its LINE_TOO_LONG.
        guard case .success(.call(let call)) = parsed, bytes.count <= SourceText.maximumLineBytes else {
            return (parsed, nil)
        }
        if count >= Self.capacity {
            for index in slots.indices { slots[index] = nil }
            count = 0
        }
        let hash = Self.hash(bytes)
        let line = CompiledLine(text: text, bytes: Array(bytes), hash: hash, call: call)
        let mask = slots.count - 1
        var index = hash & mask
        while slots[index] != nil { index = (index + 1) & mask }
        slots[index] = line
        count += 1
        return (parsed, line)
    }

    /// A 64-bit multiply-rotate hash of `bytes`, eight at a time.
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        guard let base = bytes.baseAddress else { return Int(truncatingIfNeeded: h) }
        let raw = UnsafeRawPointer(base)
        var offset = 0
        while offset + 8 <= bytes.count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0x1000_0000_01B3
            h = (h << 31) | (h >> 33)
            offset += 8
        }
        var tail: UInt64 = 0
        if offset < bytes.count && bytes.count >= 8 {
            // The last 8 bytes in one load (overlapping the words already mixed in).
            tail = raw.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self)
        } else {
            var shift: UInt64 = 0
            while offset < bytes.count {
                tail |= UInt64(bytes[offset]) << shift
                shift += 8
                offset += 1
            }
        }
        h = (h ^ tail) &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 29
        return Int(truncatingIfNeeded: h)
    }

    private static func equal(_ stored: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard stored.count == bytes.count else { return false }
        return stored.withUnsafeBufferPointer { mine in
            guard let a = mine.baseAddress, let b = bytes.baseAddress else { return true }
            return memcmp(a, b, bytes.count) == 0
        }
    }
}
