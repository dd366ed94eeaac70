/// Whether typed input is a whole entry or waits for more lines (the REPL's `...>` prompt, and
/// statements read from a pipe).
///
/// An entry continues on the next line when its last line ends inside a string, inside
/// `( … )` or `{ … }`, or after `|`, `,`, `and`, `or`, `not` or a `\`. Anything else is run, and
/// a mistake in it is reported at once (`tickets | take` is an error, not a continuation).
public enum EntryCompleteness {
    public static func needsMoreInput(_ text: String) -> Bool {
        let source = SourceFile(name: "<entry>", text: text)
        var lexer = Lexer(source: source)
        var depth = 0
        var last: Token?
        while true {
            let token = lexer.next()
            switch token.kind {
            case .end:
                guard let last else { return false }
                if trailingBackslash(text) { return true }
                return depth > 0 || continues(after: last)
            case .invalid:
                if token.value.hasPrefix(Lexer.unterminatedString) { return true }
                last = token
            case .leftParen, .leftBrace:
                depth += 1
                last = token
            case .rightParen, .rightBrace:
                depth -= 1
                last = token
            case .newline:
                continue
            default:
                last = token
            }
        }
    }

    private static func continues(after token: Token) -> Bool {
        switch token.kind {
        case .pipe, .comma: return true
        case .identifier: return token.isKeyword("and") || token.isKeyword("or") || token.isKeyword("not")
        default: return false
        }
    }

    private static func trailingBackslash(_ text: String) -> Bool {
        var end = text.utf8.endIndex
        let bytes = text.utf8
        while end > bytes.startIndex {
            let previous = bytes.index(before: end)
            let byte = bytes[previous]
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
                || byte == UInt8(ascii: "\n")
            {
                end = previous
                continue
            }
            return byte == UInt8(ascii: "\\")
        }
        return false
    }
}
