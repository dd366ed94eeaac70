extension Parser {
    /// `or` binds loosest, then `and`, then `not`.
    mutating func parseCondition() throws(Diagnostic) -> Condition {
        var condition = try parseAndCondition()
        while try matchLogical("or") {
            condition = .or(condition, try parseAndCondition())
        }
        return condition
    }

    private mutating func parseAndCondition() throws(Diagnostic) -> Condition {
        var condition = try parseNotCondition()
        while try matchLogical("and") {
            condition = .and(condition, try parseNotCondition())
        }
        return condition
    }

    /// `and`/`or` also continue a condition from the start of the next line.
    private mutating func matchLogical(_ keyword: String) throws(Diagnostic) -> Bool {
        if try countedLogical(keyword) {
            skipNewlinesOnly()
            return true
        }
        if continuesOnNextLine(with: { $0.isKeyword(keyword) }), try countedLogical(keyword) {
            skipNewlinesOnly()
            return true
        }
        return false
    }

    /// Matches `and`/`or`, counting them: past ``maximumLogicalOperators`` in one statement the
    /// statement is refused (trees that deep would be walked past the stack).
    mutating func countedLogical(_ keyword: String) throws(Diagnostic) -> Bool {
        guard matchKeyword(keyword) else { return false }
        logicalOperators += 1
        guard logicalOperators <= Parser.maximumLogicalOperators else {
            throw error(
                "more than \(Parser.maximumLogicalOperators) `and`/`or` in one statement",
                at: previous().span,
                help: ["compare with a list instead: `id in (1, 2, 3)`"]
            )
        }
        return true
    }

    private mutating func parseNotCondition() throws(Diagnostic) -> Condition {
        let token = peek()
        if token.isKeyword("not") {
            advance()
            let inner = try deeper { (parser: inout Parser) throws(Diagnostic) in try parser.parseNotCondition() }
            return .not(inner, token.span.merged(with: previous().span))
        }
        if token.kind == .leftParen {
            advance()
            return try nested { (parser: inout Parser) throws(Diagnostic) -> Condition in
                let inner = try parser.parseCondition()
                try parser.expect(
                    .rightParen,
                    "`)` to close the `(` at \(parser.source.location(of: token.span.start))"
                )
                return inner
            }
        }
        return .comparison(try parseComparison())
    }

    private mutating func parseComparison() throws(Diagnostic) -> Comparison {
        let subjectToken = peek()
        guard subjectToken.kind == .identifier || subjectToken.kind == .rawPath else {
            if subjectToken.kind == .string {
                throw unexpected("a field name", help: ["field names are not quoted: write `summary ~ \"disk\"`"])
            }
            throw unexpected("a condition such as `board = \"Help\"`")
        }
        let subject = try parseSubject("a field name")
        let operatorToken = peek()
        var values: [ValueExpr] = []
        if operatorToken.kind == .identifier { return try parseWordComparison(subject: subject) }
        guard let op = Parser.symbolOperator(operatorToken.kind) else {
            throw unexpected(
                "an operator after `\(source.text(of: subject.span))` (=, !=, <, <=, >, >=, ~, !~, like, in, is null)",
                help: operatorToken.kind == .string || operatorToken.kind == .number
                    ? ["add an operator between the field and the value, e.g. `= `"] : []
            )
        }
        advance()
        values.append(try parseConditionValue(after: "`\(op.rawValue)`"))
        return Comparison(
            subject: subject,
            op: op,
            values: values,
            operatorSpan: operatorToken.span,
            span: subject.span.merged(with: previous().span)
        )
    }

    /// The operator a symbol token stands for (`=`, `!=`, `<`, `~`, …), if any.
    static func symbolOperator(_ kind: TokenKind) -> ComparisonOperator? {
        switch kind {
        case .equal: return .equal
        case .notEqual: return .notEqual
        case .less: return .less
        case .lessOrEqual: return .lessOrEqual
        case .greater: return .greater
        case .greaterOrEqual: return .greaterOrEqual
        case .tilde: return .contains
        case .notTilde: return .notContains
        default: return nil
        }
    }

    /// `like`, `not like`, `in`, `not in`, `is null`, `is not null`, and the `contains` spelling.
    private mutating func parseWordComparison(subject: ConditionSubject) throws(Diagnostic) -> Comparison {
        let operatorToken = advance()
        var negated = false
        var word = operatorToken.value.lowercased()
        if word == "not" {
            negated = true
            let next = try expect(.identifier, "`like`, `in` or `contains` after `not`")
            word = next.value.lowercased()
        }
        let operatorSpan = operatorToken.span.merged(with: previous().span)
        let op: ComparisonOperator
        var values: [ValueExpr] = []
        switch word {
        case "like":
            op = negated ? .notLike : .like
            values.append(try parseConditionValue(after: "`like`"))
        case "contains":
            op = negated ? .notContains : .contains
            values.append(try parseConditionValue(after: "`contains`"))
        case "in":
            op = negated ? .notIn : .isIn
            values = try parseValueList()
        case "is" where !negated:
            let isNot = matchKeyword("not")
            guard matchKeyword("null") else { throw unexpected("`null` after `is\(isNot ? " not" : "")`") }
            op = isNot ? .isNotNull : .isNull
        default:
            throw error(
                "expected an operator after `\(source.text(of: subject.span))`, found `\(source.text(of: operatorSpan))`",
                at: operatorSpan,
                help: Suggestions.didYouMean(word, among: ["like", "in", "is", "contains", "not"])
            )
        }
        return Comparison(
            subject: subject,
            op: op,
            values: values,
            operatorSpan: operatorSpan,
            span: subject.span.merged(with: previous().span)
        )
    }

    /// `(v, v, …)` after `in`, or a variable holding a list.
    private mutating func parseValueList() throws(Diagnostic) -> [ValueExpr] {
        if check(.variable) { return [try parseConditionValue(after: "`in`")] }
        let open = try expect(.leftParen, "`(` and a list of values after `in`, as in `in (P1, P2)`")
        return try nested { (parser: inout Parser) throws(Diagnostic) -> [ValueExpr] in
            var values: [ValueExpr] = []
            repeat {
                if parser.check(.rightParen) && !values.isEmpty { break }  // a trailing comma
                values.append(try parser.parseConditionValue(after: "`(`"))
            } while parser.match(.comma)
            try parser.expect(
                .rightParen,
                "`,` or `)` in the list opened at \(parser.source.location(of: open.span.start))"
            )
            return values
        }
    }
}
