import CWJSON

/// The simulator's own reading of a ConnectWise conditions string. It is written apart from
/// cwql's compiler on purpose: the simulator must behave like ConnectWise, not like cwql.
indirect enum ConditionsNode: Sendable {
    case compare(path: String, op: ConditionsOperator, value: ConditionsValue)
    case list(path: String, negated: Bool, values: [ConditionsValue])
    case and(ConditionsNode, ConditionsNode)
    case or(ConditionsNode, ConditionsNode)
    case not(ConditionsNode)

    /// Every field path the condition reads.
    var paths: [String] {
        switch self {
        case .compare(let path, _, _), .list(let path, _, _): return [path]
        case .and(let lhs, let rhs), .or(let lhs, let rhs): return lhs.paths + rhs.paths
        case .not(let inner): return inner.paths
        }
    }
}

enum ConditionsOperator: String, Sendable {
    case equal = "="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case contains
    case notContains = "not contains"
    case like
    case notLike = "not like"
}

enum ConditionsValue: Sendable, Equatable {
    case string(String)
    case number(Double)
    case boolean(Bool)
    case null
    /// Seconds since the epoch.
    case date(Int64)
}

/// A malformed conditions string: ConnectWise answers 400.
struct ConditionsSyntaxError: Error, Sendable {
    var message: String
    var offset: Int
}

/// Recursive-descent parser of the conditions grammar: `field op value` joined by
/// `and`/`or` (any case), `not`, parentheses; strings in `"…"` or `'…'` with backslash
/// escapes; numbers; `true`/`false`/`null`; dates in `[…]`.
struct ConditionsParser {
    private let bytes: [UInt8]
    private var position = 0
    private var depth = 0
    private var comparisons = 0

    /// The most comparisons one conditions string may hold: a request's work is bounded (each
    /// is evaluated on every record of the list).
    static let maximumComparisons = 1_000

    static func parse(_ text: String) throws(ConditionsSyntaxError) -> ConditionsNode {
        var parser = ConditionsParser(bytes: Array(text.utf8))
        let node = try parser.parseOr()
        parser.skipSpace()
        guard parser.position == parser.bytes.count else { throw parser.error("unexpected text") }
        return node
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private mutating func parseOr() throws(ConditionsSyntaxError) -> ConditionsNode {
        var node = try parseAnd()
        while matchWord("or") { node = .or(node, try parseAnd()) }
        return node
    }

    private mutating func parseAnd() throws(ConditionsSyntaxError) -> ConditionsNode {
        var node = try parseUnary()
        while matchWord("and") { node = .and(node, try parseUnary()) }
        return node
    }

    private mutating func parseUnary() throws(ConditionsSyntaxError) -> ConditionsNode {
        depth += 1
        defer { depth -= 1 }
        guard depth < 200 else { throw error("nested too deeply") }
        skipSpace()
        if matchWord("not") { return .not(try parseUnary()) }
        if peek() == UInt8(ascii: "(") {
            position += 1
            let inner = try parseOr()
            skipSpace()
            guard peek() == UInt8(ascii: ")") else { throw error("expected )") }
            position += 1
            return inner
        }
        return try parseComparison()
    }

    private mutating func parseComparison() throws(ConditionsSyntaxError) -> ConditionsNode {
        comparisons += 1
        guard comparisons <= ConditionsParser.maximumComparisons else {
            throw error("more than \(ConditionsParser.maximumComparisons) comparisons (use `in (…)` for a long list)")
        }
        let path = try parsePath()
        skipSpace()
        if matchSymbol("!=") { return .compare(path: path, op: .notEqual, value: try parseValue()) }
        if matchSymbol("<=") { return .compare(path: path, op: .lessOrEqual, value: try parseValue()) }
        if matchSymbol(">=") { return .compare(path: path, op: .greaterOrEqual, value: try parseValue()) }
        if matchSymbol("=") { return .compare(path: path, op: .equal, value: try parseValue()) }
        if matchSymbol("<") { return .compare(path: path, op: .less, value: try parseValue()) }
        if matchSymbol(">") { return .compare(path: path, op: .greater, value: try parseValue()) }
        let negated = matchWord("not")
        if matchWord("contains") {
            return .compare(path: path, op: negated ? .notContains : .contains, value: try parseValue())
        }
        if matchWord("like") { return .compare(path: path, op: negated ? .notLike : .like, value: try parseValue()) }
        if matchWord("in") {
            skipSpace()
            guard peek() == UInt8(ascii: "(") else { throw error("expected ( after in") }
            position += 1
            var values = [try parseValue()]
            while true {
                skipSpace()
                if peek() == UInt8(ascii: ",") {
                    position += 1
                    values.append(try parseValue())
                    continue
                }
                guard peek() == UInt8(ascii: ")") else { throw error("expected , or )") }
                position += 1
                return .list(path: path, negated: negated, values: values)
            }
        }
        throw error("expected an operator after \(path)")
    }

    private mutating func parsePath() throws(ConditionsSyntaxError) -> String {
        skipSpace()
        let start = position
        while let byte = peek(), isPathByte(byte) { position += 1 }
        guard position > start, bytes[start] != UInt8(ascii: "/") else { throw error("expected a field name") }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private mutating func parseValue() throws(ConditionsSyntaxError) -> ConditionsValue {
        skipSpace()
        guard let byte = peek() else { throw error("expected a value") }
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "'"): return .string(try parseString(quote: byte))
        case UInt8(ascii: "["):
            position += 1
            let start = position
            while let next = peek(), next != UInt8(ascii: "]") { position += 1 }
            guard peek() == UInt8(ascii: "]") else { throw error("expected ]") }
            let text = String(decoding: bytes[start..<position], as: UTF8.self)
            position += 1
            guard let seconds = SimulatorDates.parse(text) else { throw error("invalid date [\(text)]") }
            return .date(seconds)
        default:
            if matchWord("true") { return .boolean(true) }
            if matchWord("false") { return .boolean(false) }
            if matchWord("null") { return .null }
            let start = position
            if peek() == UInt8(ascii: "-") { position += 1 }
            while let next = peek(), (next >= 0x30 && next <= 0x39) || next == UInt8(ascii: ".") { position += 1 }
            let text = String(decoding: bytes[start..<position], as: UTF8.self)
            guard let number = Double(text) else { throw error("expected a value") }
            return .number(number)
        }
    }

    private mutating func parseString(quote: UInt8) throws(ConditionsSyntaxError) -> String {
        position += 1
        var out: [UInt8] = []
        while let byte = peek() {
            position += 1
            if byte == quote { return String(decoding: out, as: UTF8.self) }
            if byte == UInt8(ascii: "\\") {
                guard let escaped = peek() else { break }
                position += 1
                out.append(escaped)
            } else {
                out.append(byte)
            }
        }
        throw error("unterminated string")
    }

    private mutating func matchWord(_ word: String) -> Bool {
        skipSpace()
        let utf8 = Array(word.utf8)
        guard position + utf8.count <= bytes.count else { return false }
        for (offset, expected) in utf8.enumerated() where bytes[position + offset] | 0x20 != expected {
            return false
        }
        if position + utf8.count < bytes.count, isPathByte(bytes[position + utf8.count]) { return false }
        position += utf8.count
        return true
    }

    private mutating func matchSymbol(_ symbol: String) -> Bool {
        let utf8 = Array(symbol.utf8)
        guard position + utf8.count <= bytes.count, Array(bytes[position..<(position + utf8.count)]) == utf8 else {
            return false
        }
        position += utf8.count
        return true
    }

    private func isPathByte(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "/")
    }

    private mutating func skipSpace() {
        while let byte = peek(), byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { position += 1 }
    }

    private func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    private func error(_ message: String) -> ConditionsSyntaxError {
        ConditionsSyntaxError(message: message, offset: position)
    }
}
