/// A strict JSON parser over UTF-8 bytes (RFC 8259), with a nesting limit.
///
/// It reads a document once, without recursion, into a ``JSONDocument``'s tape (one 8-byte entry
/// per value, texts and numbers left in the bytes), checking all of it: a document that parses is
/// valid, and reading it later cannot fail. Values are built from the tape (``TapeReader``), or
/// read straight from it where nothing needs building (the columns a `select` prints).
public struct JSONParser {
    /// Why a document is not JSON, with the byte offset.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var offset: Int
        public var description: String { "invalid JSON at byte \(offset): \(message)" }
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    /// Whether a text or number may be too long for the tape (only in a document that long).
    private let checksLengths: Bool
    private var position = 0
    private var tape: TapeBuilder
    /// The arrays and objects being read, innermost last (`depth` of them).
    private let open: UnsafeMutablePointer<OpenContainer>
    private var depth = 0
    /// Where an escaped text is decoded while it is checked.
    private var scratch: [UInt8] = []
    static let maximumDepth = 512

    /// An array or object being read: its entry, and its values so far.
    private struct OpenContainer {
        var entry: Int
        var count: Int
        var isObject: Bool
    }

    /// Parses a whole document.
    public static func parse(_ bytes: [UInt8]) throws(Failure) -> JSON {
        let result = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(Failure) -> JSON in try parse(buffer) }
        }
        return try result.get()
    }

    /// Parses a document held in a string.
    public static func parse(_ text: String) throws(Failure) -> JSON {
        try parse(Array(text.utf8))
    }

    /// Parses a whole document in memory the caller owns for the duration of the call.
    public static func parse(_ buffer: UnsafeBufferPointer<UInt8>) throws(Failure) -> JSON {
        let tape = try self.tape(of: buffer)
        var reader = TapeReader()
        return tape.withUnsafeBufferPointer { reader.value(at: 0, bytes: buffer, tape: $0) }
    }

    /// The tape of a whole document.
    static func tape(of buffer: UnsafeBufferPointer<UInt8>) throws(Failure) -> [UInt64] {
        guard buffer.count < Int(UInt32.max) else { throw Failure(message: "document too large", offset: 0) }
        let open = UnsafeMutablePointer<OpenContainer>.allocate(capacity: maximumDepth)
        defer { open.deallocate() }
        var parser = JSONParser(bytes: buffer, open: open, tape: TapeBuilder(capacity: buffer.count / 8 + 4))
        defer { parser.tape.deallocate() }
        parser.skipWhitespace()
        try parser.parseValue()
        parser.skipWhitespace()
        guard parser.position == buffer.count else { throw parser.failure("unexpected text after the value") }
        return parser.tape.entries()
    }

    private init(bytes: UnsafeBufferPointer<UInt8>, open: UnsafeMutablePointer<OpenContainer>, tape: TapeBuilder) {
        self.bytes = bytes
        self.checksLengths = bytes.count >= Tape.maximumLength
        self.open = open
        self.tape = tape
    }

    /// Reads one value, arrays and objects included, keeping the open ones on `open`.
    private mutating func parseValue() throws(Failure) {
        var opened = try begin()
        while depth > 0 {
            let isObject = open[depth - 1].isObject
            if opened {
                // Before the first member.
                if isObject { try parseKey() }
                opened = try begin()
                continue
            }
            // After a member.
            open[depth - 1].count += 1
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","):
                position += 1
                skipWhitespace()
                if isObject { try parseKey() }
                opened = try begin()
            case UInt8(ascii: "}") where isObject, UInt8(ascii: "]") where !isObject:
                position += 1
                try close()
            default:
                throw failure(isObject ? "expected `,` or `}`" : "expected `,` or `]`")
            }
        }
    }

    /// Reads a scalar, or opens an array or object: true when one was opened and waits for its
    /// first member (an empty one is closed at once).
    private mutating func begin() throws(Failure) -> Bool {
        guard position < bytes.count else { throw failure("unexpected end of input") }
        switch bytes[position] {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let isObject = bytes[position] == UInt8(ascii: "{")
            guard depth < JSONParser.maximumDepth else { throw failure("nested too deeply") }
            open[depth] = OpenContainer(entry: tape.count, count: 0, isObject: isObject)
            depth += 1
            tape.append(Tape.scalar(isObject ? .object : .array))
            position += 1
            skipWhitespace()
            guard peek() == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) else { return true }
            position += 1
            try close()
        case UInt8(ascii: "\""): try parseString()
        case UInt8(ascii: "t"):
            try expectWord("true")
            tape.append(Tape.scalar(.true))
        case UInt8(ascii: "f"):
            try expectWord("false")
            tape.append(Tape.scalar(.false))
        case UInt8(ascii: "n"):
            try expectWord("null")
            tape.append(Tape.scalar(.null))
        default: try parseNumber()
        }
        return false
    }

    /// Closes the innermost array or object: its entry gets its count and where it ends.
    private mutating func close() throws(Failure) {
        depth -= 1
        let closed = open[depth]
        guard closed.count < Tape.maximumLength else { throw failure("too many values in one array or object") }
        tape[closed.entry] = Tape.container(closed.isObject ? .object : .array, count: closed.count, end: tape.count)
    }

    /// A key and its colon.
    @inline(__always)
    private mutating func parseKey() throws(Failure) {
        skipWhitespace()
        guard peek() == UInt8(ascii: "\"") else { throw failure("expected a key string") }
        try parseString()
        skipWhitespace()
        guard peek() == UInt8(ascii: ":") else { throw failure("expected `:`") }
        position += 1
        skipWhitespace()
    }

    private mutating func parseString() throws(Failure) {
        position += 1
        let start = position
        var seen: UInt8 = 0
        // Fast path: no escapes.
        while position < bytes.count {
            position = JSONParser.plainRun(in: bytes, from: position)
            guard position < bytes.count else { break }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                try appendText(seen < 0x80 ? .plainText : .text, start: start)
                position += 1
                return
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw failure("control character in string") }
            seen |= byte
            position += 1
        }
        guard position < bytes.count else { throw failure("unterminated string") }
        scratch.removeAll(keepingCapacity: true)
        let end = try JSONParser.decodeEscapes(bytes, from: position, into: &scratch)
        position = end - 1
        try appendText(.text, start: start)
        position = end
    }

    /// The first position from `start` of a byte a string's fast path must look at (a quote, a
    /// backslash, a control character or a byte past ASCII), reading a word at a time; where the
    /// last whole word ends when none is found before it.
    @inline(__always)
    private static func plainRun(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let base = bytes.baseAddress else { return start }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var position = start
        while position &+ 8 <= bytes.count {
            let word = UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self)
            let quote = word ^ (ones &* 0x22)
            let backslash = word ^ (ones &* 0x5C)
            // A byte is zero (or below 0x20) when subtracting 1 (or 0x20) borrows into its high bit.
            let special =
                ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((word &- ones &* 0x20) & ~word)
                | word
            // The lowest flagged byte is exact (a borrow only reaches bytes above it).
            let flagged = special & highs
            if flagged != 0 { return position &+ flagged.trailingZeroBitCount &>> 3 }
            position &+= 8
        }
        return position
    }

    /// Appends a text entry from `start` to `position` (its closing quote).
    @inline(__always)
    private mutating func appendText(_ kind: Tape.Kind, start: Int) throws(Failure) {
        let length = position - start
        if checksLengths, length >= Tape.maximumLength { throw failure("text too long") }
        tape.append(Tape.range(kind, start: start, length: length))
    }

    /// Decodes a string's text from `position` (at or before its first escape) to its closing
    /// quote, appending the UTF-8 to `out`; returns the position after the closing quote.
    static func decodeEscapes(
        _ bytes: UnsafeBufferPointer<UInt8>,
        from start: Int,
        into out: inout [UInt8]
    ) throws(Failure) -> Int {
        var position = start
        func failure(_ message: String) -> Failure { Failure(message: message, offset: position) }
        func hex4() throws(Failure) -> UInt32 {
            guard position + 4 <= bytes.count else { throw failure("short \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[position]
                position += 1
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw failure("invalid hex digit")
                }
                value = value * 16 + UInt32(digit)
            }
            return value
        }
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""): return position
            case UInt8(ascii: "\\"):
                guard position < bytes.count else { throw failure("unterminated escape") }
                let escaped = bytes[position]
                position += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escaped)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar), position + 1 < bytes.count,
                        bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u")
                    {
                        position += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw failure("invalid surrogate pair") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    out.append(contentsOf: String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8)
                default: throw failure("invalid escape")
                }
            default:
                if byte < 0x20 {
                    position -= 1
                    throw failure("control character in string")
                }
                out.append(byte)
            }
        }
        throw failure("unterminated string")
    }

    private mutating func parseNumber() throws(Failure) {
        let start = position
        let negative = peek() == UInt8(ascii: "-")
        if negative { position += 1 }
        var isInteger = true
        guard let first = peek(), first >= 0x30, first <= 0x39 else { throw failure("unexpected character") }
        position += 1
        // JSON has no leading zeros: `0` stands alone before `.`, `e` or the end of the number.
        if first == 0x30, let next = peek(), next >= 0x30, next <= 0x39 { throw failure("leading zero in a number") }
        // Up to 18 digits fit an Int whatever they are.
        var magnitude = Int(first - 0x30)
        var digits = 1
        while let byte = peek(), byte >= 0x30, byte <= 0x39 {
            magnitude = digits < 18 ? magnitude &* 10 &+ Int(byte - 0x30) : 0
            digits += 1
            position += 1
        }
        if peek() == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard let digit = peek(), digit >= 0x30, digit <= 0x39 else { throw failure("expected digits after `.`") }
            while let byte = peek(), byte >= 0x30, byte <= 0x39 { position += 1 }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { position += 1 }
            guard let digit = peek(), digit >= 0x30, digit <= 0x39 else { throw failure("expected exponent digits") }
            while let byte = peek(), byte >= 0x30, byte <= 0x39 { position += 1 }
        }
        if isInteger, digits <= 18, magnitude < Tape.integerLimit {
            tape.append(Tape.integer(negative ? -magnitude : magnitude))
        } else {
            if checksLengths, position - start >= Tape.maximumLength { throw failure("number too long") }
            tape.append(Tape.range(.number, start: start, length: position - start))
        }
    }

    private mutating func expectWord(_ word: StaticString) throws(Failure) {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw failure("unexpected end of input") }
        for offset in 0..<count where bytes[position + offset] != word.utf8Start[offset] {
            throw failure("unexpected character")
        }
        position += count
    }

    @inline(__always)
    private mutating func skipWhitespace() {
        while position < bytes.count {
            let byte = bytes[position]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            position += 1
        }
    }

    @inline(__always)
    private func peek(_ ahead: Int = 0) -> UInt8? {
        position + ahead < bytes.count ? bytes[position + ahead] : nil
    }

    private func failure(_ message: String) -> Failure {
        Failure(message: message, offset: position)
    }
}

/// The tape a parser writes: entries in memory it owns until ``entries()`` copies them out.
private struct TapeBuilder {
    private var base: UnsafeMutablePointer<UInt64>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = Swift.max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    mutating func append(_ entry: UInt64) {
        if count == capacity { grow() }
        base[count] = entry
        count &+= 1
    }

    subscript(index: Int) -> UInt64 {
        get { base[index] }
        set { base[index] = newValue }
    }

    /// The entries written, as an array.
    func entries() -> [UInt64] {
        Array(UnsafeBufferPointer(start: base, count: count))
    }

    func deallocate() {
        base.deallocate()
    }

    private mutating func grow() {
        let larger = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity * 2)
        larger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = larger
        capacity *= 2
    }
}
