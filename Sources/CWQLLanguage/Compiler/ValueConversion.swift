import CWJSON

/// Turns a value written in a condition into a ``ConditionsLiteral`` of the field's type,
/// or a diagnostic saying what the field expects.
struct ValueConversion {
    let source: SourceFile
    let environment: CompileEnvironment

    /// Date keywords usable wherever a date is expected.
    static let dateKeywords = DateWord.names

    func literal(_ value: ValueExpr, as type: ValueType, field: String) throws(Diagnostic) -> ConditionsLiteral {
        let converted = try unchecked(value, as: type, field: field)
        switch converted {
        case .moment(let date), .day(let date):
            // ConnectWise dates have four-digit years; anything else would be written malformed.
            guard (1...9999).contains(date.components.year) else {
                throw Diagnostic(.dateOutOfRange(source.text(of: value.span)), source: source, span: value.span)
            }
        default: break
        }
        return converted
    }

    private func unchecked(
        _ value: ValueExpr,
        as type: ValueType,
        field: String
    ) throws(Diagnostic) -> ConditionsLiteral {
        switch value {
        case .null: return .null
        case .variable(let name, let path, let span):
            return try literal(of: try lookUp(name, path: path, span: span), as: type, field: field, span: span)
        case .duration(let duration):
            guard type == .date || type == .unknown else { throw mismatch(value, type: type, field: field) }
            return .moment(try resolve(duration))
        case .arithmetic, .interpolated, .list, .member, .object:
            return try literal(of: try constant(value), as: type, field: field, span: value.span)
        default:
            break
        }
        switch type {
        case .string:
            switch value {
            case .word(let word, let span) where word.lowercased() == "me":
                // JQL's currentUser(): the profile's member (`owner = me`).
                guard let me = environment.me else { throw Diagnostic(.meUnknown, source: source, span: span) }
                return .text(me)
            case .string(let text, _), .word(let text, _): return .text(text)
            case .number(let text, let span): return .text(try canonicalNumber(text, span: span))
            default: throw mismatch(value, type: type, field: field)
            }
        case .integer:
            guard case .number(let text, let span) = value, !text.contains(".") else {
                throw mismatch(value, type: type, field: field)
            }
            return .number(try canonicalNumber(text, span: span))
        case .decimal:
            guard case .number(let text, let span) = value else { throw mismatch(value, type: type, field: field) }
            return .number(try canonicalNumber(text, span: span))
        case .boolean:
            guard case .boolean(let flag, _) = value else { throw mismatch(value, type: type, field: field) }
            return .boolean(flag)
        case .date:
            switch value {
            case .date(let literal, _): return literal.hasTime ? .moment(literal.date) : .day(literal.date)
            case .word(let word, let span): return try dateKeyword(word, span: span, field: field)
            case .string(let text, let span):
                guard let literal = DateLiteral(parsing: text) else {
                    throw Diagnostic(.notADate(field: field, text: text), source: source, span: span)
                }
                return literal.hasTime ? .moment(literal.date) : .day(literal.date)
            default: throw mismatch(value, type: type, field: field)
            }
        case .unknown:
            switch value {
            case .string(let text, _), .word(let text, _): return .text(text)
            case .number(let text, let span): return .number(try canonicalNumber(text, span: span))
            case .boolean(let flag, _): return .boolean(flag)
            case .date(let literal, _): return literal.hasTime ? .moment(literal.date) : .day(literal.date)
            default: throw mismatch(value, type: type, field: field)
            }
        }
    }

    /// A variable's value as a literal of the field's type.
    func literal(
        of value: Value,
        as type: ValueType,
        field: String,
        span: SourceSpan
    ) throws(Diagnostic) -> ConditionsLiteral {
        switch (value, type) {
        case (.null, _): return .null
        case (.string(let text), .string), (.string(let text), .unknown): return .text(text)
        case (.integer(let number), .string): return .text(String(number))
        case (.integer(let number), .integer), (.integer(let number), .decimal), (.integer(let number), .unknown):
            return .number(String(number))
        case (.decimal(let number), .decimal), (.decimal(let number), .unknown):
            return .number(Value.decimal(number).displayText)
        case (.boolean(let flag), .boolean), (.boolean(let flag), .unknown): return .boolean(flag)
        case (.date(let date), .date), (.date(let date), .unknown): return .moment(date)
        case (.string(let text), .date):
            guard let literal = DateLiteral(parsing: text) else { break }
            return literal.hasTime ? .moment(literal.date) : .day(literal.date)
        case (.record(let record), _):
            for key in ["id", "identifier", "name"] {
                if let inner = record[key] { return try literal(of: Value(inner), as: type, field: field, span: span) }
            }
        default: break
        }
        throw Diagnostic(
            .variableOfWrongType(field: field, expected: type.displayName, holds: value.kindName),
            source: source,
            span: span
        )
    }

    /// A variable's value, following `.field` steps into records (an alias of the record's
    /// entity too: `$t.updated`).
    func lookUp(_ name: Name, path: [Name], span: SourceSpan) throws(Diagnostic) -> Value {
        guard let value = environment.variables[name.text] else {
            throw .unknownVariable(name, in: source, known: environment.variables.keys.sorted())
        }
        guard let first = path.first else { return value }
        guard let found = value.field(at: path, of: environment.variableEntities[name.text]) else {
            throw Diagnostic(
                .noSuchFieldInVariable(variable: name.text, field: first.text),
                source: source,
                span: first.span
            )
        }
        return found
    }

    /// A value computed from what is written and the variables, without running anything:
    /// arithmetic, interpolation, lists and a variable's fields.
    func constant(_ value: ValueExpr) throws(Diagnostic) -> Value {
        switch value {
        case .variable(let name, let path, let span): return try lookUp(name, path: path, span: span)
        case .duration(let duration): return .date(try resolve(duration))
        case .word(let word, _): return .string(word)
        case .arithmetic(let lhs, let op, let rhs, let span):
            let (left, right) = (try constant(lhs), try constant(rhs))
            do {
                return try Arithmetic.apply(op, left, right)
            } catch {
                throw Diagnostic(error.problem, source: source, span: span)
            }
        case .interpolated(let parts, _):
            var values: [Value] = []
            for part in parts {
                switch part {
                case .text(let text): values.append(.string(text))
                case .value(let inner): values.append(try constant(inner))
                }
            }
            return .string(Arithmetic.interpolate(values))
        case .list(let items, _):
            var values: [Value] = []
            for item in items { values.append(try constant(item)) }
            return .list(values)
        case .member(let inner, let path, _):
            let held = try constant(inner)
            guard let found = held.field(at: path, of: nil) else {
                throw Diagnostic(
                    .valueOfWrongType(field: path[0].text, expected: "a record", found: held.kindName, help: []),
                    source: source,
                    span: path[0].span
                )
            }
            return found
        case .object(let object):
            var pairs: [(String, JSON)] = []
            for assignment in object.fields {
                if !pairs.contains(where: { $0.0 == assignment.key }) {
                    pairs.append((assignment.key, try constant(assignment.value).json))
                }
            }
            return .record(JSONObject(distinctPairs: pairs))
        case .string, .number, .boolean, .null, .date:
            return ClientPredicate.value(of: try literal(value, as: .unknown, field: "value"))
        case .query, .compare, .and, .or, .not, .field, .customField:
            throw Diagnostic(
                .valueOfWrongType(
                    field: "value",
                    expected: "a value known before the query runs",
                    found: ValueConversion.describe(value),
                    help: ["bind it to a variable first: `let n = (…)`"]
                ),
                source: source,
                span: value.span
            )
        }
    }

    /// The moment a signed duration names, counted from now.
    func resolve(_ duration: Duration) throws(Diagnostic) -> UTCDate {
        guard duration.sign != 0 else {
            throw Diagnostic(
                .relativeDateWithoutSign(source.text(of: duration.span)),
                source: source,
                span: duration.span
            )
        }
        let seconds = try length(of: duration) * Double(duration.sign)
        guard seconds.isFinite, abs(seconds) < 1e11 else {
            throw Diagnostic(.relativeDateOutOfRange, source: source, span: duration.span)
        }
        return environment.now.adding(seconds: Int64(seconds.rounded()))
    }

    /// How many seconds a duration's amount and unit make, its sign left aside (`every 5m`).
    func length(of duration: Duration) throws(Diagnostic) -> Double {
        let amount: Double
        switch duration.amount {
        case .number(let text, let span):
            guard let parsed = Double(text) else {
                throw Diagnostic(.invalidNumber(text), source: source, span: span)
            }
            amount = parsed
        case .variable(let name, let path, let span):
            switch try lookUp(name, path: path, span: span) {
            case .integer(let number): amount = Double(number)
            case .decimal(let number): amount = number
            case .string(let text) where Double(text) != nil: amount = Double(text) ?? 0
            case let other:
                throw Diagnostic(
                    .variableNotANumber(variable: name.text, holds: other.kindName),
                    source: source,
                    span: span
                )
            }
        default:
            throw Diagnostic(.expectedNumberOf("\(duration.unit)"), source: source, span: duration.amount.span)
        }
        return amount * duration.unit.seconds
    }

    private func dateKeyword(_ word: String, span: SourceSpan, field: String) throws(Diagnostic) -> ConditionsLiteral {
        if let literal = DateWord.literal(word, now: environment.now, zone: environment.zone) { return literal }
        switch word {
        default:
            throw Diagnostic(
                .notADateKeyword(
                    field: field,
                    word: word,
                    near: Suggestions.didYouMean(word, among: ValueConversion.dateKeywords)
                ),
                source: source,
                span: span
            )
        }
    }

    /// Integers without leading zeros; decimals as written. Rejects what doesn't fit.
    private func canonicalNumber(_ text: String, span: SourceSpan) throws(Diagnostic) -> String {
        if !text.contains(".") {
            guard let number = Int(text) else {
                throw Diagnostic(.numberTooLarge(text), source: source, span: span)
            }
            return String(number)
        }
        guard Double(text) != nil else { throw Diagnostic(.invalidNumber(text), source: source, span: span) }
        return text.hasPrefix("+") ? String(text.dropFirst()) : text
    }

    private func mismatch(_ value: ValueExpr, type: ValueType, field: String) -> Diagnostic {
        var help: [String] = []
        switch (value, type) {
        case (.word(let word, _), .integer), (.word(let word, _), .decimal):
            help = ["`\(field)` holds numbers; `\(word)` is read as text"]
        case (.word(let word, _), .boolean):
            help = [
                "write `true` or `false`" + (["yes", "y", "on"].contains(word.lowercased()) ? " (`true` here)" : "")
            ]
        case (.string, .boolean):
            help = ["write true or false without quotes"]
        case (.duration, _):
            help = ["relative dates such as `-7d` compare with date fields"]
        case (.number(let text, _), .integer) where text.contains("."):
            help = ["`\(field)` holds whole numbers"]
        case (.date, .string):
            help = ["quote it to compare as text: \"\(source.text(of: value.span))\""]
        default: break
        }
        return Diagnostic(
            .valueOfWrongType(
                field: field,
                expected: type.displayName,
                found: ValueConversion.describe(value),
                help: help
            ),
            source: source,
            span: value.span
        )
    }

    static func describe(_ value: ValueExpr) -> String {
        switch value {
        case .string: return "text"
        case .number: return "a number"
        case .boolean: return "a boolean"
        case .null: return "null"
        case .date: return "a date"
        case .duration: return "a relative date"
        case .word(let word, _): return "the word `\(word)`"
        case .variable: return "a variable"
        case .query: return "a query"
        case .arithmetic: return "a calculation"
        case .interpolated: return "text"
        case .list: return "a list"
        case .object: return "a record"
        case .member: return "a field of a record"
        case .field, .customField: return "a field"
        default: return "a test"
        }
    }
}
