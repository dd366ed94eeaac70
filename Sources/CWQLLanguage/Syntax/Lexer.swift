/// Turns source bytes into tokens. Never fails: unreadable text becomes an `.invalid`
/// token carrying its message, which the parser reports with the token's span.
public struct Lexer {
    private let bytes: [UInt8]
    private var position = 0
    /// Where the text to read ends (the whole source, or the end of a `\(…)`).
    private let end: Int

    /// The message of a string still open at the end of the input (a string may span lines).
    public static let unterminatedString = "unterminated string; add the closing "

    public init(source: SourceFile) {
        self.bytes = source.bytes
        self.end = source.bytes.count
    }

    /// A lexer of `range` of the source only (the code inside a string's `\(…)`); spans stay
    /// positions in the whole source.
    init(source: SourceFile, range: Range<Int>) {
        self.bytes = source.bytes
        self.position = range.lowerBound
        self.end = min(range.upperBound, source.bytes.count)
    }

    /// Every token of the source, ending with `.end`.
    public static func tokenize(_ source: SourceFile) -> [Token] {
        tokenize(Lexer(source: source), sizeHint: source.bytes.count)
    }

    /// Every token of `range` of the source, ending with `.end`.
    static func tokenize(_ source: SourceFile, range: Range<Int>) -> [Token] {
        tokenize(Lexer(source: source, range: range), sizeHint: range.count)
    }

    private static func tokenize(_ start: Lexer, sizeHint: Int) -> [Token] {
        var lexer = start
        var tokens: [Token] = []
        tokens.reserveCapacity(sizeHint / 3 + 1)
        while true {
            let token = lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    /// The next token.
    public mutating func next() -> Token {
        skipSpaceAndComments()
        let start = position
        guard let byte = peek() else { return Token(.end, SourceSpan(start: start, end: start)) }
        position += 1
        switch byte {
        case ascii("\n"): return token(.newline, from: start)
        case ascii("|"):
            if match("|") { return invalid("`||` is `or` in cwql", from: start) }
            return token(.pipe, from: start)
        case ascii("&"):
            if match("&") { return invalid("`&&` is `and` in cwql", from: start) }
            return invalid("unexpected `&`; cwql joins conditions with `and`", from: start)
        case ascii(","): return token(.comma, from: start)
        case ascii(";"): return token(.semicolon, from: start)
        case ascii(":"): return token(.colon, from: start)
        case ascii("."): return token(.dot, from: start)
        case ascii("("): return token(.leftParen, from: start)
        case ascii(")"): return token(.rightParen, from: start)
        case ascii("{"): return token(.leftBrace, from: start)
        case ascii("}"): return token(.rightBrace, from: start)
        case ascii("="):
            if match("=") { return invalid("cwql compares with a single `=`", from: start) }
            return token(.equal, from: start)
        case ascii("~"): return token(.tilde, from: start)
        case ascii("*"): return token(.star, from: start)
        case ascii("/"): return token(.slash, from: start)
        case ascii("<"):
            if match(">") { return invalid("`<>` is `!=` in cwql", from: start) }
            return token(match("=") ? .lessOrEqual : .less, from: start)
        case ascii(">"): return token(match("=") ? .greaterOrEqual : .greater, from: start)
        case ascii("!"):
            if match("=") { return token(.notEqual, from: start) }
            if match("~") { return token(.notTilde, from: start) }
            return invalid("unexpected `!`; use `!=`, `!~` or `not`", from: start)
        case ascii("+"), ascii("-"):
            if let next = peek(), isDigit(next) { return number(from: start) }
            return token(byte == ascii("+") ? .plus : .minus, from: start)
        case ascii("\""), ascii("'"): return string(quote: byte, from: start)
        case ascii("`"): return rawPath(from: start)
        case ascii("$"): return variable(from: start)
        default:
            if isDigit(byte) {
                position = start
                return number(from: start)
            }
            if isIdentifierStart(byte) {
                while let next = peek(), isIdentifierPart(next) { position += 1 }
                return token(.identifier, from: start, value: text(from: start))
            }
            position = start
            skipOneCharacter()
            return invalid("unexpected character `\(text(from: start))`", from: start)
        }
    }

    // MARK: - Token kinds with a body

    private mutating func number(from start: Int) -> Token {
        let digitsStart = position
        while let next = peek(), isDigit(next) { position += 1 }
        let integerDigits = position - digitsStart
        if start == digitsStart, integerDigits == 4, peek() == ascii("-"), isDigit(peek(1)) {
            return date(from: start)
        }
        if peek() == ascii("."), isDigit(peek(1)) {
            position += 1
            while let next = peek(), isDigit(next) { position += 1 }
        }
        if let unit = peek(), Lexer.durationUnits.contains(unit), !isIdentifierPart(peek(1)) {
            position += 1
            return token(.duration, from: start, value: text(from: start))
        }
        if let next = peek(), isIdentifierPart(next) {
            while let next = peek(), isIdentifierPart(next) { position += 1 }
            return invalid(
                "invalid number `\(text(from: start))`; durations end in s, m, h, d or w (e.g. `-7d`)",
                from: start
            )
        }
        return token(.number, from: start, value: text(from: start))
    }

    /// `yyyy-mm-dd` with an optional `Thh:mm[:ss[.fff]]` and `Z` or `±hh:mm`.
    private mutating func date(from start: Int) -> Token {
        while let next = peek(),
            isDigit(next) || next == ascii("-") || next == ascii(":")
                || next == ascii("T") || next == ascii("Z") || next == ascii("+") || next == ascii(".")
        {
            if next == ascii("."), !isDigit(peek(1)) { break }
            position += 1
        }
        let literal = text(from: start)
        if DateLiteral(parsing: literal) == nil {
            return invalid(
                "invalid date `\(literal)`; write 2026-01-31 or 2026-01-31T09:30:00Z",
                from: start
            )
        }
        return token(.date, from: start, value: literal)
    }

    private mutating func string(quote: UInt8, from start: Int) -> Token {
        var value: [UInt8] = []
        var interpolated = false
        while let byte = peek() {
            if byte == quote {
                position += 1
                return token(
                    interpolated ? .interpolatedString : .string,
                    from: start,
                    value: String(decoding: value, as: UTF8.self)
                )
            }
            if byte == ascii("\\"), peek(1) == ascii("(") {
                // `\(…)`: code up to the matching `)`; the parser reads it from the source.
                let open = position
                position += 2
                guard skipInterpolatedCode() else {
                    return Token(
                        .invalid,
                        SourceSpan(start: open, end: open + 2),
                        "unterminated `\\(` in string; close it with `)`"
                    )
                }
                interpolated = true
                continue
            }
            position += 1
            guard byte == ascii("\\") else {
                value.append(byte)
                continue
            }
            let escapeStart = position - 1
            guard let escaped = peek() else { break }
            switch escaped {
            case ascii("\""), ascii("'"), ascii("\\"): value.append(escaped)
            case ascii("n"): value.append(ascii("\n"))
            case ascii("t"): value.append(ascii("\t"))
            default:
                skipOneCharacter()
                let bad = text(from: escapeStart)
                skipToEndOfString(quote: quote)
                return Token(
                    .invalid,
                    SourceSpan(start: escapeStart, end: escapeStart + bad.utf8.count),
                    "unknown escape `\(bad)` in string; use \\\", \\', \\\\, \\n, \\t or \\(…)"
                )
            }
            position += 1
        }
        return Token(
            .invalid,
            SourceSpan(start: start, end: start + 1),
            Lexer.unterminatedString + (quote == ascii("\"") ? "\"" : "'")
        )
    }

    private mutating func rawPath(from start: Int) -> Token {
        let bodyStart = position
        while let byte = peek(), byte != ascii("`"), byte != ascii("\n") { position += 1 }
        guard peek() == ascii("`") else {
            return Token(
                .invalid,
                SourceSpan(start: start, end: start + 1),
                "unterminated `` ` `` path; add the closing backquote"
            )
        }
        let body = String(decoding: bytes[bodyStart..<position], as: UTF8.self)
        position += 1
        // Only letters, digits, `_`, `/` and an endpoint's `{id}` holes: nothing in a raw path
        // may add to the conditions, the field list or the query string (`( ) ! = , & ? #`).
        let allowed = body.replacing("{id}", with: "").utf8.allSatisfy { byte in
            isIdentifierPart(byte) || byte == UInt8(ascii: "/")
        }
        if body.isEmpty || !allowed {
            return invalid(
                "a backquoted path holds a ConnectWise field path such as `_info/lastUpdated`, or an endpoint such as `/service/tickets/{id}/tasks` (letters, digits, _, / and {id})",
                from: start
            )
        }
        return token(.rawPath, from: start, value: body)
    }

    private mutating func variable(from start: Int) -> Token {
        guard let next = peek(), isIdentifierStart(next) else {
            return invalid("`$` must be followed by a variable name, as in `$board`", from: start)
        }
        while let next = peek(), isIdentifierPart(next) { position += 1 }
        return token(.variable, from: start, value: String(decoding: bytes[(start + 1)..<position], as: UTF8.self))
    }

    // MARK: - Helpers

    private static let durationUnits: Set<UInt8> = [ascii("s"), ascii("d"), ascii("h"), ascii("m"), ascii("w")]

    private mutating func skipSpaceAndComments() {
        while let byte = peek() {
            if byte == ascii(" ") || byte == ascii("\t") || byte == ascii("\r") {
                position += 1
            } else if byte == ascii("#") {
                while let next = peek(), next != ascii("\n") { position += 1 }
            } else if byte == ascii("\\"), peek(1) == ascii("\n") {
                position += 2  // an explicit line continuation
            } else {
                return
            }
        }
    }

    /// Steps over the code of a `\(…)` to just after its matching `)`, over nested
    /// parentheses and strings; false when the line or the input ends first.
    private mutating func skipInterpolatedCode() -> Bool {
        var depth = 1
        while let byte = peek(), byte != ascii("\n") {
            position += 1
            switch byte {
            case ascii("("): depth += 1
            case ascii(")"):
                depth -= 1
                if depth == 0 { return true }
            case ascii("\""), ascii("'"):
                while let inner = peek(), inner != byte, inner != ascii("\n") {
                    position += inner == ascii("\\") && peek(1) != nil && peek(1) != ascii("\n") ? 2 : 1
                }
                if peek() != byte { return false }
                position += 1
            default: break
            }
        }
        return false
    }

    /// The parts of an interpolated string token: its text, unescaped, and the source range of
    /// each `\(…)`'s code.
    static func interpolationParts(of token: Token, in source: SourceFile) -> [InterpolationSlice] {
        var lexer = Lexer(source: source, range: (token.span.start + 1)..<(token.span.end - 1))
        var parts: [InterpolationSlice] = []
        var text: [UInt8] = []
        while let byte = lexer.peek() {
            lexer.position += 1
            guard byte == ascii("\\"), let escaped = lexer.peek() else {
                text.append(byte)
                continue
            }
            lexer.position += 1
            switch escaped {
            case ascii("("):
                if !text.isEmpty { parts.append(.text(String(decoding: text, as: UTF8.self))) }
                text = []
                let codeStart = lexer.position
                _ = lexer.skipInterpolatedCode()
                parts.append(.code(codeStart..<(lexer.position - 1)))
            case ascii("n"): text.append(ascii("\n"))
            case ascii("t"): text.append(ascii("\t"))
            default: text.append(escaped)
            }
        }
        if !text.isEmpty { parts.append(.text(String(decoding: text, as: UTF8.self))) }
        return parts
    }

    private mutating func skipToEndOfString(quote: UInt8) {
        while let byte = peek(), byte != ascii("\n") {
            position += 1
            if byte == ascii("\\") {
                if peek() != nil, peek() != ascii("\n") { position += 1 }
            } else if byte == quote {
                return
            }
        }
    }

    /// Steps over one whole UTF-8 encoded character.
    private mutating func skipOneCharacter() {
        position += 1
        while let byte = peek(), byte & 0b1100_0000 == 0b1000_0000 { position += 1 }
    }

    private func peek(_ ahead: Int = 0) -> UInt8? {
        let index = position + ahead
        return index < end ? bytes[index] : nil
    }

    private mutating func match(_ character: Unicode.Scalar) -> Bool {
        guard peek() == UInt8(ascii: character) else { return false }
        position += 1
        return true
    }

    private func text(from start: Int) -> String {
        String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private func token(_ kind: TokenKind, from start: Int, value: String = "") -> Token {
        Token(kind, SourceSpan(start: start, end: position), value)
    }

    private func invalid(_ message: String, from start: Int) -> Token {
        Token(.invalid, SourceSpan(start: start, end: position), message)
    }
}

@inline(__always) private func ascii(_ scalar: Unicode.Scalar) -> UInt8 { UInt8(ascii: scalar) }
@inline(__always) private func isDigit(_ byte: UInt8?) -> Bool {
    guard let byte else { return false }
    return byte >= 0x30 && byte <= 0x39
}
/// A piece of an interpolated string as the lexer finds it.
enum InterpolationSlice {
    case text(String)
    /// The source range of the code between `\(` and `)`.
    case code(Range<Int>)
}

extension Lexer {
    /// True when `text` lexes as one identifier (what a namespace must be to be called through).
    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.utf8.first, isIdentifierStart(first) else { return false }
        return text.utf8.allSatisfy { isIdentifierPart($0) }
    }
}

@inline(__always) private func isIdentifierStart(_ byte: UInt8) -> Bool {
    (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F
}
@inline(__always) private func isIdentifierPart(_ byte: UInt8?) -> Bool {
    guard let byte else { return false }
    return isIdentifierStart(byte) || isDigit(byte)
}
