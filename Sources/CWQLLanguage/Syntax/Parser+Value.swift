extension Parser {
    /// A scripting value: `or` of `and` of `not` of comparisons between operands.
    mutating func parseValue() throws(Diagnostic) -> ValueExpr {
        var value = try parseAndValue()
        while try countedLogical("or") { value = .or(value, try parseAndValue()) }
        return value
    }

    private mutating func parseAndValue() throws(Diagnostic) -> ValueExpr {
        var value = try parseNotValue()
        while try countedLogical("and") { value = .and(value, try parseNotValue()) }
        return value
    }

    private mutating func parseNotValue() throws(Diagnostic) -> ValueExpr {
        let token = peek()
        if token.isKeyword("not") {
            advance()
            let inner = try deeper { (parser: inout Parser) throws(Diagnostic) in try parser.parseNotValue() }
            return .not(inner, token.span.merged(with: inner.span))
        }
        let lhs = try parseArithmetic()
        guard let op = Parser.symbolOperator(peek().kind) else { return lhs }
        advance()
        let rhs = try parseArithmetic()
        return .compare(lhs, op, rhs, lhs.span.merged(with: rhs.span))
    }

    /// `a + b - c`: terms joined by `+` and `-`, left to right.
    mutating func parseArithmetic() throws(Diagnostic) -> ValueExpr {
        var value = try parseTerm()
        while true {
            let token = peek()
            let op: ArithmeticOperator
            var rhs: ValueExpr
            switch token.kind {
            case .plus, .minus:
                op = token.kind == .plus ? .add : .subtract
                advance()
                rhs = try deeper { (parser: inout Parser) throws(Diagnostic) in try parser.parseTerm() }
            case .number where token.value.hasPrefix("-") || token.value.hasPrefix("+"):
                // `$a -1` lexes `-1` as one number; after a value it is a subtraction.
                advance()
                op = token.value.hasPrefix("-") ? .subtract : .add
                rhs = .number(
                    String(token.value.dropFirst()),
                    SourceSpan(start: token.span.start + 1, end: token.span.end)
                )
                rhs = try continueTerm(rhs)
            default:
                return value
            }
            value = .arithmetic(value, op, rhs, value.span.merged(with: rhs.span))
        }
    }

    /// `a * b / c`: operands joined by `*` and `/`, left to right.
    private mutating func parseTerm() throws(Diagnostic) -> ValueExpr {
        try continueTerm(try parseOperand())
    }

    private mutating func continueTerm(_ first: ValueExpr) throws(Diagnostic) -> ValueExpr {
        var value = first
        while check(.star) || check(.slash) {
            let op: ArithmeticOperator = advance().kind == .star ? .multiply : .divide
            let rhs = try deeper { (parser: inout Parser) throws(Diagnostic) in try parser.parseOperand() }
            value = .arithmetic(value, op, rhs, value.span.merged(with: rhs.span))
        }
        return value
    }

    /// A literal, a variable, `( value )`, a list `(a, b)`, a query, or `(…).field`.
    mutating func parseOperand() throws(Diagnostic) -> ValueExpr {
        let token = peek()
        switch token.kind {
        case .leftParen:
            advance()
            let inner = try nested { (parser: inout Parser) throws(Diagnostic) -> ValueExpr in
                let first = try parser.parseValue()
                var items = [first]
                while parser.match(.comma) { items.append(try parser.parseValue()) }
                let close = try parser.expect(
                    .rightParen,
                    "`)` to close the `(` at \(parser.source.location(of: token.span.start))"
                )
                return items.count == 1 ? first : .list(items, token.span.merged(with: close.span))
            }
            // `(ticket 5).summary`: a field of the one record the value holds.
            var path: [Name] = []
            while check(.dot), peekNext().kind == .identifier {
                advance()
                let part = advance()
                path.append(Name(part.value, span: part.span))
            }
            return path.isEmpty ? inner : .member(inner, path: path, token.span.merged(with: previous().span))
        case .leftBrace:
            return .object(try parseObject())
        case .identifier where fieldsAreOperands:
            switch token.value.lowercased() {
            case "true", "false", "null": return try parseConditionValue(after: "")
            default:
                switch try parseSubject("a field") {
                case .field(let path): return .field(path)
                case .customField(let caption, let span): return .customField(caption, span)
                }
            }
        case .identifier:
            switch token.value.lowercased() {
            case "true", "false", "null": return try parseConditionValue(after: "")
            default: return .query(try parsePipeline())
            }
        case .variable:
            if let duration = try parseVariableDuration() { return .duration(duration) }
            // `($open | where …)`: a query over the records a variable holds.
            if peekNext().kind == .pipe { return .query(try parsePipeline()) }
            return try parseConditionValue(after: "")
        default:
            return try parseConditionValue(after: "")
        }
    }

    /// A value on the right of a condition or in an object: a literal, a bare word
    /// (`Closed`), a variable with an optional path (`$t.summary`), or a duration.
    mutating func parseConditionValue(after context: String) throws(Diagnostic) -> ValueExpr {
        let first = try parseConditionOperand(after: context)
        switch first {
        case .variable, .number, .string, .interpolated: return try continueArithmetic(first)
        default: return first
        }
    }

    /// `$days * 2 + 1` after a condition's value: the operators with their precedence
    /// (`*` and `/` before `+` and `-`), each operand a condition value.
    private mutating func continueArithmetic(_ first: ValueExpr) throws(Diagnostic) -> ValueExpr {
        var operands = [first]
        var operators: [ArithmeticOperator] = []
        while let op = Parser.arithmeticOperator(peek().kind) {
            let symbol = advance()
            operators.append(op)
            operands.append(try parseConditionOperand(after: "`\(symbol.kind == .star ? "*" : op.rawValue)`"))
        }
        guard !operators.isEmpty else { return first }
        // `*` and `/` first, then `+` and `-`, each left to right.
        var terms = [operands[0]]
        var additive: [ArithmeticOperator] = []
        for (op, operand) in zip(operators, operands.dropFirst()) {
            if op == .multiply || op == .divide {
                let left = terms.removeLast()
                terms.append(.arithmetic(left, op, operand, left.span.merged(with: operand.span)))
            } else {
                additive.append(op)
                terms.append(operand)
            }
        }
        var value = terms[0]
        for (op, term) in zip(additive, terms.dropFirst()) {
            value = .arithmetic(value, op, term, value.span.merged(with: term.span))
        }
        return value
    }

    static func arithmeticOperator(_ kind: TokenKind) -> ArithmeticOperator? {
        switch kind {
        case .plus: return .add
        case .minus: return .subtract
        case .star: return .multiply
        case .slash: return .divide
        default: return nil
        }
    }

    /// One value of a condition: a literal, a word, a variable or a duration.
    private mutating func parseConditionOperand(after context: String) throws(Diagnostic) -> ValueExpr {
        let token = peek()
        switch token.kind {
        case .string:
            advance()
            return .string(token.value, token.span)
        case .interpolatedString:
            advance()
            return try parseInterpolation(token)
        case .number:
            advance()
            return .number(token.value, token.span)
        case .date:
            advance()
            guard let literal = DateLiteral(parsing: token.value) else {
                throw error("invalid date `\(token.value)`", at: token.span)
            }
            return .date(literal, token.span)
        case .duration:
            return .duration(try parseDuration(after: context, example: "`-7d`"))
        case .minus, .plus:
            return .duration(try parseDuration(after: context, example: "`-7d` or `-$days d`"))
        case .identifier:
            advance()
            switch token.value.lowercased() {
            case "true": return .boolean(true, token.span)
            case "false": return .boolean(false, token.span)
            case "null": return .null(token.span)
            default:
                if StageKeyword.spellings.contains(token.value.lowercased())
                    || ["and", "or", "not"].contains(token.value.lowercased())
                {
                    throw error(
                        "expected a value\(context.isEmpty ? "" : " after \(context)"), found the keyword \(token.displayName)",
                        at: token.span,
                        help: ["to compare with the word itself, quote it: \"\(token.value)\""]
                    )
                }
                // `startOfMonth(-1)`: a date word with an offset, written against its `(`.
                if DateWord.takesOffset(token.value), check(.leftParen), peek().span.start == token.span.end {
                    advance()
                    var sign = ""
                    if check(.minus) || check(.plus) {
                        sign = peek().kind == .minus ? "-" : ""
                        advance()
                    }
                    let number = try expect(.number, "a whole number of units, as in `\(token.value)(-1)`")
                    guard Int(number.value) != nil else {
                        throw error("`\(token.value)(…)` takes a whole number of units", at: number.span)
                    }
                    let close = try expect(.rightParen, "`)` after `\(token.value)(\(sign)\(number.value)`")
                    return .word("\(token.value)(\(sign)\(number.value))", token.span.merged(with: close.span))
                }
                return .word(token.value, token.span)
            }
        case .variable:
            if let duration = try parseVariableDuration() { return .duration(duration) }
            advance()
            var path: [Name] = []
            while check(.dot), peekNext().kind == .identifier {
                advance()
                let part = advance()
                path.append(Name(part.value, span: part.span))
            }
            return .variable(Name(token.value, span: token.span), path: path, token.span.merged(with: previous().span))
        default:
            throw unexpected(
                "a value\(context.isEmpty ? "" : " after \(context)") (a string, number, date, `-7d`, word or `$variable`)"
            )
        }
    }

    /// `"… \($x) …"`: the text and each `\(…)`'s value, parsed from the source where it stands.
    private mutating func parseInterpolation(_ token: Token) throws(Diagnostic) -> ValueExpr {
        var parts: [InterpolationPart] = []
        for slice in Lexer.interpolationParts(of: token, in: source) {
            switch slice {
            case .text(let text): parts.append(.text(text))
            case .code(let range):
                guard depth < Parser.maximumDepth else {
                    throw error(
                        "the input is nested too deeply (more than \(Parser.maximumDepth) levels)",
                        at: token.span
                    )
                }
                var inner = Parser(interpolating: range, within: self)
                guard !inner.check(.end) else {
                    throw error(
                        "`\\()` needs a value inside, as in \"\\($t.id)\"",
                        at: SourceSpan(start: range.lowerBound - 2, end: range.upperBound + 1)
                    )
                }
                let value = try inner.parseValue()
                guard inner.check(.end) else {
                    throw inner.unexpected("`)` to end the `\\(…)` in the string")
                }
                parts.append(.value(value))
            }
        }
        return .interpolated(parts, token.span)
    }

    /// `-7d`, `0.5h`, `+1w`, `-$days d`.
    mutating func parseDuration(after context: String, example: String) throws(Diagnostic) -> Duration {
        let token = peek()
        if token.kind == .duration {
            advance()
            var text = Substring(token.value)
            var sign = 0
            if text.first == "-" {
                sign = -1
                text = text.dropFirst()
            } else if text.first == "+" {
                sign = 1
                text = text.dropFirst()
            }
            let unit = Duration.Unit(rawValue: String(text.last!))!
            let amount = String(text.dropLast())
            let amountSpan = SourceSpan(start: token.span.start + (sign == 0 ? 0 : 1), end: token.span.end - 1)
            return Duration(sign: sign, amount: .number(amount, amountSpan), unit: unit, span: token.span)
        }
        if token.kind == .minus || token.kind == .plus {
            advance()
            let sign = token.kind == .minus ? -1 : 1
            guard check(.variable), let duration = try parseVariableDuration(sign: sign, start: token.span) else {
                throw unexpected(
                    "a number or `$variable` and a unit after `\(token.kind == .minus ? "-" : "+")`, as in \(example)"
                )
            }
            return duration
        }
        if check(.variable), let duration = try parseVariableDuration() { return duration }
        throw unexpected("a duration after \(context), as in \(example)")
    }

    /// `$days d`: a variable followed by a unit word on the same line.
    private mutating func parseVariableDuration(sign: Int = 0, start: SourceSpan? = nil) throws(Diagnostic) -> Duration?
    {
        let variable = peek()
        guard variable.kind == .variable else { return nil }
        let unitToken = peekNext()
        guard unitToken.kind == .identifier, let unit = Duration.Unit(rawValue: unitToken.value) else {
            if sign != 0 {
                throw error(
                    "a signed variable needs a unit: write `\(sign < 0 ? "-" : "+")$\(variable.value) d` (s, m, h, d or w)",
                    at: (start ?? variable.span).merged(with: variable.span)
                )
            }
            return nil
        }
        advance()
        advance()
        let amount = ValueExpr.variable(Name(variable.value, span: variable.span), path: [], variable.span)
        return Duration(
            sign: sign,
            amount: amount,
            unit: unit,
            span: (start ?? variable.span).merged(with: unitToken.span)
        )
    }

    /// `{ field: value, custom("Caption"): value, … }`
    mutating func parseObject() throws(Diagnostic) -> ObjectLiteral {
        let open = try expect(.leftBrace, "`{` and the record's fields, as in `{ summary: \"…\", board: \"Alerts\" }`")
        return try nested { (parser: inout Parser) throws(Diagnostic) -> ObjectLiteral in
            var fields: [FieldAssignment] = []
            while !parser.check(.rightBrace) {
                let subject = try parser.parseSubject("a field name or `}`")
                try parser.expect(.colon, "`:` after the field name `\(parser.source.text(of: subject.span))`")
                fields.append(FieldAssignment(field: subject, value: try parser.parseConditionValue(after: "`:`")))
                if !parser.match(.comma) { break }
            }
            try parser.expect(
                .rightBrace,
                "`,` or `}` in the record opened at \(parser.source.location(of: open.span.start))"
            )
            return ObjectLiteral(fields: fields, span: open.span.merged(with: parser.previous().span))
        }
    }
}
