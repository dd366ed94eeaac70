/// A strict JSON parser over UTF-8 bytes (RFC 8259), with a nesting limit.
///
/// Built for pages of records: objects with the same keys share them (``KeyTree``), each object's
/// or array's values are gathered on one stack and stored with a single allocation, and integers
/// are read without making a string.
public struct JSONParser {
    /// Why a document is not JSON, with the byte offset.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var offset: Int
        public var description: String { "invalid JSON at byte \(offset): \(message)" }
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    private var depth = 0
    private var keys = KeyTree()
    /// The values of the objects and arrays being parsed, innermost last.
    private let stack = ValueStack()
    private static let maximumDepth = 512

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
        var parser = JSONParser(bytes: buffer)
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.position == buffer.count else { throw parser.failure("unexpected text after the value") }
        return value
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    private mutating func parseValue() throws(Failure) -> JSON {
        guard position < bytes.count else { throw failure("unexpected end of input") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectWord("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectWord("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectWord("null")
            return .null
        default: return try parseNumber()
        }
    }

    private mutating func parseObject() throws(Failure) -> JSON {
        try enter()
        defer { depth -= 1 }
        position += 1
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            position += 1
            return .object(JSONObject())
        }
        let base = stack.count
        // The node of the keys read so far while they follow the tree; nil once this object is
        // built key by key (a key with escapes or non-ASCII bytes, a node with too many keys).
        var node: Int? = KeyTree.root
        var names: [String] = []
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw failure("expected a key string") }
            if let current = node, let raw = plainKey() {
                if let next = keys.child(of: current, key: raw) {
                    node = next
                } else {
                    names = keys.names(to: current)
                    names.append(String(decoding: raw, as: UTF8.self))
                    node = nil
                }
            } else {
                if let current = node {
                    names = keys.names(to: current)
                    node = nil
                }
                names.append(try parseString())
            }
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw failure("expected `:`") }
            position += 1
            skipWhitespace()
            stack.push(try parseValue())
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"):
                position += 1
                let values = stack.pop(from: base)
                if let node, let shared = keys.keys(at: node) {
                    return .object(JSONObject(shape: shared, values: values))
                }
                if let node { names = keys.names(to: node) }
                var object = JSONObject()
                object.reserveCapacity(values.count)
                for (name, value) in zip(names, values) { object[name] = value }
                return .object(object)
            default: throw failure("expected `,` or `}`")
            }
        }
    }

    /// The bytes of the key string at `position` and moves past it, when it is plain ASCII with
    /// no escapes; otherwise nil, and `position` is where it was.
    private mutating func plainKey() -> UnsafeBufferPointer<UInt8>? {
        let start = position + 1
        var end = start
        while end < bytes.count {
            let byte = bytes[end]
            if byte == UInt8(ascii: "\"") {
                position = end + 1
                return UnsafeBufferPointer(rebasing: bytes[start..<end])
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { return nil }
            end += 1
        }
        return nil
    }

    private mutating func parseArray() throws(Failure) -> JSON {
        try enter()
        defer { depth -= 1 }
        position += 1
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            position += 1
            return .array([])
        }
        let base = stack.count
        while true {
            skipWhitespace()
            stack.push(try parseValue())
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"):
                position += 1
                let values = stack.pop(from: base)
                return .array(values)
            default: throw failure("expected `,` or `]`")
            }
        }
    }

    private mutating func parseString() throws(Failure) -> String {
        position += 1
        let start = position
        // Fast path: no escapes.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
                position += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw failure("control character in string") }
            position += 1
        }
        var out = Array(bytes[start..<position])
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""): return String(decoding: out, as: UTF8.self)
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
                    var scalar = try parseHex4()
                    if (0xD800..<0xDC00).contains(scalar), peek() == UInt8(ascii: "\\"), peek(1) == UInt8(ascii: "u") {
                        position += 2
                        let low = try parseHex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw failure("invalid surrogate pair") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    let character = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                    out.append(contentsOf: Array(String(Character(character)).utf8))
                default: throw failure("invalid escape")
                }
            default:
                if byte < 0x20 { throw failure("control character in string") }
                out.append(byte)
            }
        }
        throw failure("unterminated string")
    }

    private mutating func parseHex4() throws(Failure) -> UInt32 {
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

    private mutating func parseNumber() throws(Failure) -> JSON {
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
        if isInteger, digits <= 18 { return .int(negative ? -magnitude : magnitude) }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        if isInteger, let value = Int(text) { return .int(value) }
        guard let value = Double(text) else { throw failure("invalid number") }
        return .double(value)
    }

    private mutating func expectWord(_ word: StaticString) throws(Failure) {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw failure("unexpected end of input") }
        for offset in 0..<count where bytes[position + offset] != word.utf8Start[offset] {
            throw failure("unexpected character")
        }
        position += count
    }

    private mutating func enter() throws(Failure) {
        depth += 1
        if depth > JSONParser.maximumDepth { throw failure("nested too deeply") }
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            let byte = bytes[position]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            position += 1
        }
    }

    private func peek(_ ahead: Int = 0) -> UInt8? {
        position + ahead < bytes.count ? bytes[position + ahead] : nil
    }

    private func failure(_ message: String) -> Failure {
        Failure(message: message, offset: position)
    }
}
