/// A value: a literal, a variable, a query used as a value, or a test built from them.
///
/// The same node serves the right-hand side of a condition (`status != Closed`), the fields of
/// `create { … }` and the scripting statements (`if`, `print`, `let`).
public indirect enum ValueExpr: Sendable {
    /// `"text"` or `'text'`.
    case string(String, SourceSpan)
    /// `42`, `-3`, `0.25`, kept as written.
    case number(String, SourceSpan)
    /// `true` / `false`.
    case boolean(Bool, SourceSpan)
    /// `null`.
    case null(SourceSpan)
    /// `2026-01-31`, `2026-01-31T09:30:00Z`.
    case date(DateLiteral, SourceSpan)
    /// `-7d`, `+1w`, `0.5h`, or `-$days d`: an amount and a unit, relative to now when compared.
    case duration(Duration)
    /// A bare word such as `Closed` or `today`; a string, or a date keyword on a date field.
    case word(String, SourceSpan)
    /// `$name` or `$t.summary.name`.
    case variable(Name, path: [Name], SourceSpan)
    /// `(tickets where … | count)` and other queries used as values.
    case query(Pipeline)
    /// `a > b`, `a = b`, … between two values.
    case compare(ValueExpr, ComparisonOperator, ValueExpr, SourceSpan)
    case and(ValueExpr, ValueExpr)
    case or(ValueExpr, ValueExpr)
    case not(ValueExpr, SourceSpan)
    /// `a + b`, `a - b`, `a * b`, `a / b`; `+` also joins text.
    case arithmetic(ValueExpr, ArithmeticOperator, ValueExpr, SourceSpan)
    /// `"no update in \($days) days"`: text and values, joined when evaluated.
    case interpolated([InterpolationPart], SourceSpan)
    /// `("ACME", "GLOBEX")`.
    case list([ValueExpr], SourceSpan)
    /// `(ticket 5).summary`: a field of the one record a value holds.
    case member(ValueExpr, path: [Name], SourceSpan)
    /// A field of the record at hand, in a computed column (`minutes = actualHours * 60`).
    case field(FieldPath)
    /// A custom field's value by caption, in a computed column (`custom("Alert ID")`).
    case customField(String, SourceSpan)
    /// `{ product: $product, quantity: $seats }`: a record made in the script.
    case object(ObjectLiteral)

    /// The source text this value covers.
    public var span: SourceSpan {
        switch self {
        case .string(_, let span), .number(_, let span), .boolean(_, let span), .null(let span),
            .date(_, let span), .word(_, let span), .variable(_, _, let span), .compare(_, _, _, let span),
            .not(_, let span), .arithmetic(_, _, _, let span), .interpolated(_, let span), .list(_, let span),
            .member(_, _, let span), .customField(_, let span):
            return span
        case .field(let path): return path.span
        case .duration(let duration): return duration.span
        case .query(let pipeline): return pipeline.span
        case .object(let object): return object.span
        case .and(let lhs, let rhs), .or(let lhs, let rhs): return lhs.span.merged(with: rhs.span)
        }
    }
}

/// The arithmetic operators, loosest first within each level: `+ -`, then `* /`.
public enum ArithmeticOperator: String, Sendable {
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
}

/// A piece of an interpolated string.
public enum InterpolationPart: Sendable {
    case text(String)
    case value(ValueExpr)
}

/// A signed amount of time: `-7d`, `0.5h`, `-$days d`.
public struct Duration: Sendable {
    /// The units cwql knows.
    public enum Unit: String, Sendable, CaseIterable {
        case seconds = "s"
        case minutes = "m"
        case hours = "h"
        case days = "d"
        case weeks = "w"

        /// Seconds in one unit.
        public var seconds: Double {
            switch self {
            case .seconds: return 1
            case .minutes: return 60
            case .hours: return 3600
            case .days: return 86_400
            case .weeks: return 604_800
            }
        }
    }

    /// `-1`, `+1`, or `0` when written without a sign (`0.5h`).
    public var sign: Int
    /// A number literal or a variable.
    public var amount: ValueExpr
    public var unit: Unit
    public var span: SourceSpan

    public init(sign: Int, amount: ValueExpr, unit: Unit, span: SourceSpan) {
        self.sign = sign
        self.amount = amount
        self.unit = unit
        self.span = span
    }
}

extension ValueExpr {
    /// The fields a computed column reads, left to right.
    public var fieldsRead: [FieldPath] {
        switch self {
        case .field(let path): return [path]
        case .arithmetic(let lhs, _, let rhs, _), .compare(let lhs, _, let rhs, _), .and(let lhs, let rhs),
            .or(let lhs, let rhs):
            return lhs.fieldsRead + rhs.fieldsRead
        case .interpolated(let parts, _):
            return parts.flatMap { part -> [FieldPath] in
                if case .value(let inner) = part { return inner.fieldsRead }
                return []
            }
        case .list(let items, _): return items.flatMap(\.fieldsRead)
        case .object(let object): return object.fields.flatMap(\.value.fieldsRead)
        case .not(let inner, _), .member(let inner, _, _): return inner.fieldsRead
        default: return []
        }
    }
}
