/// A recursive-descent parser for cwql (one method per grammar rule, as in Crafting
/// Interpreters). It reports the first error of each statement, then skips to the next
/// statement boundary, so one typo gives one message. Nesting is bounded, so no input can
/// exhaust the stack, and every loop consumes a token, so no input can hang it.
public struct Parser {
    /// Parses a whole script or REPL entry.
    ///
    /// - Throws: ``CompileFailure`` with every statement's first error.
    public static func parse(_ source: SourceFile) throws(CompileFailure) -> Program {
        var parser = Parser(source: source)
        let statements = parser.parseStatements(until: .end)
        if !parser.diagnostics.isEmpty { throw CompileFailure(parser.diagnostics) }
        return Program(source: source, statements: statements)
    }

    let source: SourceFile
    private let tokens: [Token]
    private var index = 0
    /// While above zero (inside `(…)` or an object literal), line breaks are plain space.
    private var newlinesAreSpace = 0
    private(set) var depth = 0
    private(set) var diagnostics: [Diagnostic] = []
    /// True inside a computed column, where a bare name is a field of the record at hand.
    var fieldsAreOperands = false

    static let maximumDepth = 128
    /// The most `and`/`or` in one statement: a chain that long is a mistake or generated text
    /// (`in (…)` takes a list), and the compiler's walks stay well within the stack.
    static let maximumLogicalOperators = 1000
    /// `and`/`or` seen in the current statement.
    var logicalOperators = 0

    init(source: SourceFile) {
        self.source = source
        self.tokens = Lexer.tokenize(source)
    }

    /// A parser of the code inside a string's `\(…)`, nested one level deeper than `outer`.
    init(interpolating range: Range<Int>, within outer: Parser) {
        self.source = outer.source
        self.tokens = Lexer.tokenize(outer.source, range: range)
        self.depth = outer.depth + 1
        self.fieldsAreOperands = outer.fieldsAreOperands
        self.newlinesAreSpace = 1
    }

    // MARK: - Statements

    /// Statements up to `terminator` (`.end`, or `.rightBrace` for a block, left unconsumed).
    mutating func parseStatements(until terminator: TokenKind) -> [Statement] {
        var statements: [Statement] = []
        while true {
            skipSeparators()
            let kind = peek().kind
            if kind == terminator || kind == .end { return statements }
            do {
                statements.append(try parseStatement())
                try expectEndOfStatement(blockEnd: terminator == .rightBrace)
            } catch {
                diagnostics.append(error)
                synchronize(inBlock: terminator == .rightBrace)
            }
        }
    }

    private mutating func parseStatement() throws(Diagnostic) -> Statement {
        logicalOperators = 0
        let start = peek().span
        let keyword = peek()
        let kind: StatementKind
        switch keyword.kind == .identifier ? StatementKeyword(rawValue: keyword.value.lowercased()) : nil {
        case .let?:
            advance()
            let name = try expectName("a variable name after `let`")
            try expect(.equal, "`=` after `let \(name.text)`")
            kind = .let(name, try parseValue())
        case .def?:
            kind = try parseDef()
        case .import?:
            advance()
            let path = try expect(.string, "a quoted module name or path after `import`, as in `import \"alerts\"`")
            var alias: Name?
            if matchKeyword("as") {
                let name = try expectName("a namespace after `as`, as in `import \"alerts\" as a`")
                alias = name
            } else if ModuleNamespace.defaultName(of: path.value) == nil {
                throw Diagnostic(.moduleWithoutNamespace(path.value), source: source, span: path.span)
            }
            kind = .import(path.value, alias: alias, path.span)
        case .for?:
            advance()
            let variable = try expect(.variable, "a loop variable such as `$t` after `for`")
            try expectKeyword("in", "`in` after `for $\(variable.value)`")
            let sequence = try parseValue()
            kind = .for(Name(variable.value, span: variable.span), in: sequence, body: try parseBlock("the loop body"))
        case .if?:
            kind = try parseIf()
        case .print?:
            advance()
            var values = [try parseValue()]
            while match(.comma) { values.append(try parseValue()) }
            kind = .print(values)
        case .create?:
            advance()
            let entity = try expectName("what to create after `create`, as in `create ticket { … }`")
            kind = .create(entity: entity, try parseObject())
        case .upsert?:
            advance()
            let entity = try expectName("what to upsert after `upsert`, as in `upsert ticket where … { … }`")
            try expectKeyword("where", "`where` and the match condition after `upsert \(entity.text)`")
            let match = try parseCondition()
            kind = .upsert(entity: entity, match: match, try parseObject())
        case .sync?:
            advance()
            kind = .sync(try parseSync(start: keyword.span))
        case .watch?:
            kind = .watch(try parseWatch())
        case .on?:
            kind = .on(try parseOn())
        case nil:
            if keyword.isKeyword("else") { throw error("`else` without an `if`", at: keyword.span) }
            kind = .pipeline(try parsePipeline())
        }
        return Statement(kind: kind, span: start.merged(with: previous().span))
    }

    private mutating func parseDef() throws(Diagnostic) -> StatementKind {
        advance()
        let name = try expectName("a name after `def`, as in `def stale(days) = …`")
        var parameters: [Name] = []
        try expect(.leftParen, "`(` and the parameter list after `def \(name.text)`")
        try nested { (parser: inout Parser) throws(Diagnostic) in
            if !parser.check(.rightParen) {
                repeat {
                    let parameter = try parser.expectName("a parameter name")
                    if parameters.contains(where: { $0.folded == parameter.folded }) {
                        throw parser.error("parameter `\(parameter.text)` is listed twice", at: parameter.span)
                    }
                    parameters.append(parameter)
                } while parser.match(.comma)
            }
            try parser.expect(.rightParen, "`,` or `)` in the parameter list")
        }
        if check(.leftBrace) {
            return .procedure(name, parameters: parameters, body: try parseBlock("the body of `\(name.text)`"))
        }
        try expect(.equal, "`=` and a query, or `{` and statements, after `def \(name.text)(…)`")
        return .def(name, parameters: parameters, body: try parsePipeline())
    }

    private mutating func parseIf() throws(Diagnostic) -> StatementKind {
        advance()
        let condition = try parseValue()
        let body = try parseBlock("the `if` body")
        var otherwise: [Statement]?
        let save = index
        skipNewlinesOnly()
        if peek().isKeyword("else") {
            let elseToken = advance()
            if peek().isKeyword("if") {
                let nestedStart = peek().span
                let nestedIf = try parseIf()
                otherwise = [Statement(kind: nestedIf, span: nestedStart.merged(with: previous().span))]
            } else {
                _ = elseToken
                otherwise = try parseBlock("the `else` body")
            }
        } else {
            index = save
        }
        return .if(condition, then: body, else: otherwise)
    }

    /// `watch QUERY [every DURATION] [since WHEN] { … }`, at the top level only.
    private mutating func parseWatch() throws(Diagnostic) -> WatchStatement {
        let keyword = advance()
        try requireTopLevel(keyword)
        let query = try parsePipeline()
        var every: Duration?
        var since: ValueExpr?
        while true {
            if matchKeyword("every") {
                let duration = try parseDuration(after: "`every`", example: "`every 60s` or `every 5m`")
                guard duration.sign == 0 else {
                    throw error("`every` takes a length of time without a sign, as in `every 60s`", at: duration.span)
                }
                every = duration
            } else if matchKeyword("since") {
                since = try parseValue()
            } else {
                break
            }
        }
        let header = source.text(of: keyword.span.merged(with: previous().span))
        let body = try parseBlock("the `watch` body")
        return WatchStatement(
            query: query,
            every: every,
            since: since,
            body: body,
            span: keyword.span.merged(with: previous().span),
            header: header
        )
    }

    /// `on ENTITY changed { … }`, at the top level only.
    private mutating func parseOn() throws(Diagnostic) -> ChangeHandler {
        let keyword = advance()
        try requireTopLevel(keyword)
        let entity = try expectName("what changes after `on`, as in `on ticket changed { … }`")
        try expectKeyword("changed", "`changed` after `on \(entity.text)`, as in `on ticket changed { … }`")
        let body = try parseBlock("the `on \(entity.text) changed` body")
        return ChangeHandler(entity: entity, body: body, span: keyword.span.merged(with: previous().span))
    }

    /// `watch` and `on` run for the life of a script, so they are written at its top level.
    private func requireTopLevel(_ keyword: Token) throws(Diagnostic) {
        guard depth == 0 else {
            throw error(
                "`\(keyword.value)` is written at the top level of a script, not inside a block",
                at: keyword.span,
                help: ["a `watch` or `on` block runs for as long as the script does; move it out of the block"]
            )
        }
    }

    private mutating func parseBlock(_ what: String) throws(Diagnostic) -> [Statement] {
        try expect(.leftBrace, "`{` to start \(what)")
        let errorsBefore = diagnostics.count
        let statements = try deeper { (parser: inout Parser) throws(Diagnostic) in
            parser.parseStatements(until: .rightBrace)
        }
        if diagnostics.count > errorsBefore {
            // The block's own errors are already reported; close the block quietly.
            _ = match(.rightBrace)
            return statements
        }
        try expect(.rightBrace, "`}` to end \(what)")
        return statements
    }

    private mutating func expectEndOfStatement(blockEnd: Bool) throws(Diagnostic) {
        let token = peek()
        switch token.kind {
        case .newline, .semicolon, .end: return
        case .rightBrace where blockEnd: return
        case .invalid: throw Diagnostic(token.value, source: source, span: token.span)
        case .identifier where StageKeyword.spellings.contains(token.value.lowercased()):
            throw error(
                "expected the end of the statement, found \(token.displayName)",
                at: token.span,
                help: ["stages are joined with `|`: write `| \(token.value)`"]
            )
        case .identifier:
            // `tickets wher id = 1`: a misspelt `where`, or a stage without its `|`.
            let word = token.value.lowercased()
            var help: [String] = []
            if let near = Suggestions.closest(to: word, among: ["where"]) {
                help = ["did you mean `\(near)`?"]
            } else if let stage = Suggestions.closest(to: word, among: StageKeyword.spellings.sorted()) {
                help = ["did you mean `| \(stage)`?"]
            }
            throw error("expected the end of the statement, found \(token.displayName)", at: token.span, help: help)
        default:
            throw error("expected the end of the statement, found \(token.displayName)", at: token.span)
        }
    }

    /// Skips to the next line break or `;` outside brackets (or the `}` closing the block),
    /// always moving past the token that failed so that parsing makes progress.
    private mutating func synchronize(inBlock: Bool) {
        var brackets = 0
        switch tokens[index].kind {
        case .newline, .semicolon, .end: return
        case .rightBrace where inBlock: return
        default: index += 1
        }
        while true {
            switch tokens[index].kind {
            case .end:
                return
            case .newline, .semicolon:
                if brackets <= 0 { return }
            case .rightBrace:
                if inBlock && brackets <= 0 { return }
            case .leftParen:
                brackets += 1
            case .rightParen:
                brackets -= 1
            default:
                break
            }
            index += 1
        }
    }

    // MARK: - Token navigation

    /// The current token; line breaks are skipped inside brackets.
    mutating func peek() -> Token {
        if newlinesAreSpace > 0 {
            while tokens[index].kind == .newline { index += 1 }
        }
        return tokens[index]
    }

    /// The token after the current one (line breaks skipped inside brackets).
    mutating func peekNext() -> Token {
        _ = peek()
        var next = index + 1
        if newlinesAreSpace > 0 {
            while next < tokens.count, tokens[next].kind == .newline { next += 1 }
        }
        return tokens[min(next, tokens.count - 1)]
    }

    func previous() -> Token { tokens[max(0, index - 1)] }

    @discardableResult
    mutating func advance() -> Token {
        let token = peek()
        if token.kind != .end { index += 1 }
        return token
    }

    mutating func check(_ kind: TokenKind) -> Bool { peek().kind == kind }

    mutating func match(_ kind: TokenKind) -> Bool {
        guard check(kind) else { return false }
        advance()
        return true
    }

    mutating func matchKeyword(_ keyword: String) -> Bool {
        guard peek().isKeyword(keyword) else { return false }
        advance()
        return true
    }

    @discardableResult
    mutating func expect(_ kind: TokenKind, _ expected: String) throws(Diagnostic) -> Token {
        guard check(kind) else { throw unexpected(expected) }
        return advance()
    }

    mutating func expectKeyword(_ keyword: String, _ expected: String) throws(Diagnostic) {
        guard matchKeyword(keyword) else { throw unexpected(expected) }
    }

    mutating func expectName(_ expected: String) throws(Diagnostic) -> Name {
        let token = try expect(.identifier, expected)
        return Name(token.value, span: token.span)
    }

    /// The case of `E` that `word` spells (ignoring case); otherwise `unknown `word``, with a
    /// did-you-mean over the spellings and then `help`.
    func namedCase<E: CaseIterable & RawRepresentable>(
        _ word: Name,
        of _: E.Type,
        unknown: String,
        help: String
    ) throws(Diagnostic) -> E where E.RawValue == String {
        guard let named = E(rawValue: word.folded) else {
            throw error(
                "unknown \(unknown) `\(word.text)`",
                at: word.span,
                help: Suggestions.didYouMean(word.text, among: E.allCases.map(\.rawValue)) + [help]
            )
        }
        return named
    }

    /// Line breaks followed by a `|` (or `and`/`or` inside a condition) continue a statement.
    mutating func continuesOnNextLine(with continuation: (Token) -> Bool) -> Bool {
        var lookahead = index
        while tokens[lookahead].kind == .newline { lookahead += 1 }
        guard lookahead != index, continuation(tokens[lookahead]) else { return false }
        index = lookahead
        return true
    }

    mutating func skipNewlinesOnly() {
        while tokens[index].kind == .newline { index += 1 }
    }

    private mutating func skipSeparators() {
        while tokens[index].kind == .newline || tokens[index].kind == .semicolon { index += 1 }
    }

    /// Runs `body` one nesting level deeper, failing cleanly past ``maximumDepth``.
    mutating func deeper<T>(_ body: (inout Parser) throws(Diagnostic) -> T) throws(Diagnostic) -> T {
        guard depth < Parser.maximumDepth else {
            throw error("the input is nested too deeply (more than \(Parser.maximumDepth) levels)", at: previous().span)
        }
        depth += 1
        defer { depth -= 1 }
        return try body(&self)
    }

    /// Runs `body` inside brackets, where line breaks are space.
    mutating func nested<T>(_ body: (inout Parser) throws(Diagnostic) -> T) throws(Diagnostic) -> T {
        try deeper { (parser: inout Parser) throws(Diagnostic) -> T in
            parser.newlinesAreSpace += 1
            defer { parser.newlinesAreSpace -= 1 }
            return try body(&parser)
        }
    }

    // MARK: - Errors

    func error(_ message: String, at span: SourceSpan, help: [String] = []) -> Diagnostic {
        Diagnostic(message, source: source, span: span, help: help)
    }

    /// "expected X, found Y" at the current token; the lexer's message for invalid text.
    mutating func unexpected(_ expected: String, help: [String] = []) -> Diagnostic {
        let token = peek()
        if token.kind == .invalid {
            return Diagnostic(token.value, source: source, span: token.span)
        }
        var span = token.span
        if token.kind == .end, let last = tokens[..<index].last(where: { $0.kind != .newline && $0.kind != .end }) {
            // Point just past the last real token, not at an empty last line.
            span = SourceSpan(start: last.span.end, end: last.span.end)
        }
        return Diagnostic(
            "expected \(expected), found \(token.displayName)",
            source: source,
            span: span,
            help: help,
            isIncompleteInput: token.kind == .end
        )
    }
}
