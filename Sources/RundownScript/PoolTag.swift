/// Pool tags: four characters packed into a ULONG the way the pool stores and shows them.
public enum PoolTag {
    /// Packs four characters: the first in the low byte, so memory reads them in order.
    /// Nil unless `text` is exactly four printable ASCII characters.
    public static func value(of text: String) -> UInt32? {
        let bytes = Array(text.utf8)
        guard bytes.count == 4, bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }), text.unicodeScalars.count == 4
        else {
            return nil
        }
        return bytes.reversed().reduce(UInt32(0)) { ($0 << 8) | UInt32($1) }
    }

    /// The tag as four characters (`RdTg`); non-printable bytes shown as `.`.
    public static func text(of value: UInt32) -> String {
        var characters = ""
        for shift in stride(from: 0, to: 32, by: 8) {
            let byte = UInt8((value >> UInt32(shift)) & 0xFF)
            characters.append(byte >= 0x20 && byte < 0x7F ? Character(Unicode.Scalar(byte)) : ".")
        }
        return characters
    }

    /// The tag as rdsh prints it (grammar.md section 3.6): `'RdTg'` in quotes when its four
    /// bytes are printable ASCII, otherwise the value in hex, unquoted (`0x01020304`).
    public static func display(_ value: UInt32) -> String {
        let bytes = (0..<4).map { UInt8((value >> UInt32($0 * 8)) & 0xFF) }
        if bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return "'" + text(of: value) + "'" }
        let hex = String(value, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: max(0, 8 - hex.count)) + hex
    }
}
