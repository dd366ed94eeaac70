/// The entries of a parsed document's tape: one 8-byte word per value and per key, in document
/// order, over the document's bytes.
///
/// The top 4 bits say what the entry is. A text or a number not kept as an integer is a range of
/// the bytes (offset in the low 32 bits, length in the next 28); an integer is its value (60 bits,
/// two's complement); an array or object is its count of values or pairs (28 bits) and the index
/// of the entry after its last (the low 32 bits), so that a reader can step over it. An object's
/// entry is followed by its pairs, each a key (a text entry) and its value.
enum Tape {
    enum Kind: UInt64, CaseIterable {
        case null, `false`, `true`
        /// An integer that fits 60 bits.
        case integer
        /// Any other number, as its text.
        case number
        /// Text of printable ASCII with no escapes: its bytes are the text, and its JSON as written.
        case plainText
        /// Text with escapes or bytes past ASCII, decoded when read.
        case text
        case array
        case object
    }

    /// Longest text or number, in bytes, and most values of one array or object.
    static let maximumLength = 1 << 28
    /// Largest integer kept inline (larger ones are kept as text).
    static let integerLimit = 1 << 59

    /// What an entry is. Read on every step through a tape, so without a switch: a kind is
    /// one byte whose value is its raw value (the cases have no payloads, in raw-value order).
    @inline(__always)
    static func kind(_ entry: UInt64) -> Kind {
        let tag = entry >> 60
        return tag <= Kind.object.rawValue ? unsafeBitCast(UInt8(truncatingIfNeeded: tag), to: Kind.self) : .null
    }

    static func scalar(_ kind: Kind) -> UInt64 { kind.rawValue << 60 }

    static func integer(_ value: Int) -> UInt64 {
        Kind.integer.rawValue << 60 | (UInt64(bitPattern: Int64(value)) & (1 << 60 - 1))
    }

    static func integerValue(_ entry: UInt64) -> Int {
        // Sign-extend the 60-bit value.
        Int(Int64(bitPattern: entry << 4) >> 4)
    }

    static func range(_ kind: Kind, start: Int, length: Int) -> UInt64 {
        kind.rawValue << 60 | UInt64(length) << 32 | UInt64(start)
    }

    static func container(_ kind: Kind, count: Int, end: Int) -> UInt64 {
        kind.rawValue << 60 | UInt64(count) << 32 | UInt64(end)
    }

    /// Where a range entry's bytes start, or a container's end.
    static func low(_ entry: UInt64) -> Int { Int(entry & 0xFFFF_FFFF) }

    /// A range entry's length, or a container's count.
    static func middle(_ entry: UInt64) -> Int { Int((entry >> 32) & (1 << 28 - 1)) }

    /// The index of the entry after the value at `index`.
    @inline(__always)
    static func next(after index: Int, in tape: UnsafeBufferPointer<UInt64>) -> Int {
        let entry = tape[index]
        // Arrays and objects are the last kinds.
        return entry >> 60 >= Kind.array.rawValue ? low(entry) : index + 1
    }
}
