/// The kinds of token the lexer produces.
public enum TokenKind: Sendable, Hashable {
    /// `[A-Za-z_][A-Za-z0-9_]*`; keywords are identifiers matched case-insensitively by the parser.
    case identifier
    /// `$name`; the token's value is the name without `$`.
    case variable
    /// `` `_info/lastUpdated` ``; the value is the text between the backquotes.
    case rawPath
    /// `"…"` or `'…'`; the value is the unescaped text.
    case string
    /// A string with `\(…)` in it; the parser reads its parts from the source
    /// (``Lexer/interpolationParts(of:in:)``).
    case interpolatedString
    /// `42`, `-3`, `0.25`; the value is the literal text.
    case number
    /// `7d`, `-12h`, `0.5h`, `+1w`, `30m`; the value is the literal text.
    case duration
    /// `2026-01-31` or `2026-01-31T09:30:00Z`; the value is the literal text.
    case date
    case pipe, comma, semicolon, colon, dot
    case leftParen, rightParen, leftBrace, rightBrace
    case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual
    case tilde, notTilde, plus, minus, star, slash
    /// A line break, significant between statements.
    case newline
    /// Text the lexer could not read; the value is the error message.
    case invalid
    case end
}

/// One token with its source span and, where it has one, its value.
public struct Token: Sendable, Hashable {
    public var kind: TokenKind
    public var span: SourceSpan
    /// The payload: identifier text, unescaped string, number text or error message.
    public var value: String

    public init(_ kind: TokenKind, _ span: SourceSpan, _ value: String = "") {
        self.kind = kind
        self.span = span
        self.value = value
    }

    /// True for an identifier spelling `keyword`, ignoring case.
    public func isKeyword(_ keyword: String) -> Bool {
        guard kind == .identifier, value.utf8.count == keyword.utf8.count else { return false }
        // ASCII case folding without allocating: identifiers are ASCII, keywords lower case.
        for (a, b) in zip(value.utf8, keyword.utf8) where a | 0x20 != b {
            return false
        }
        return true
    }

    /// A short human description, for "expected X, found Y".
    public var displayName: String {
        switch kind {
        case .identifier: return "`\(value)`"
        case .variable: return "`$\(value)`"
        case .rawPath: return "`\\`\(value)\\``"
        case .string, .interpolatedString: return "a string"
        case .number: return "the number `\(value)`"
        case .duration: return "the duration `\(value)`"
        case .date: return "the date `\(value)`"
        case .newline: return "the end of the line"
        case .end: return "the end of the input"
        case .invalid: return "invalid text"
        case .pipe: return "`|`"
        case .comma: return "`,`"
        case .semicolon: return "`;`"
        case .colon: return "`:`"
        case .dot: return "`.`"
        case .leftParen: return "`(`"
        case .rightParen: return "`)`"
        case .leftBrace: return "`{`"
        case .rightBrace: return "`}`"
        case .equal: return "`=`"
        case .notEqual: return "`!=`"
        case .less: return "`<`"
        case .lessOrEqual: return "`<=`"
        case .greater: return "`>`"
        case .greaterOrEqual: return "`>=`"
        case .tilde: return "`~`"
        case .notTilde: return "`!~`"
        case .plus: return "`+`"
        case .minus: return "`-`"
        case .star: return "`*`"
        case .slash: return "`/`"
        }
    }
}
