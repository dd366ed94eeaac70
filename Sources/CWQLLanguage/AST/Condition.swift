/// The comparison operators of `where` clauses and scripting tests.
public enum ComparisonOperator: String, Sendable, CaseIterable {
    case equal = "="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case contains = "~"
    case notContains = "!~"
    case like = "like"
    case notLike = "not like"
    case isIn = "in"
    case notIn = "not in"
    case isNull = "is null"
    case isNotNull = "is not null"

    /// The operator that holds exactly when this one does not (SQL's three-valued logic
    /// included: a null field fails both).
    public var negated: ComparisonOperator {
        switch self {
        case .equal: return .notEqual
        case .notEqual: return .equal
        case .less: return .greaterOrEqual
        case .lessOrEqual: return .greater
        case .greater: return .lessOrEqual
        case .greaterOrEqual: return .less
        case .contains: return .notContains
        case .notContains: return .contains
        case .like: return .notLike
        case .notLike: return .like
        case .isIn: return .notIn
        case .notIn: return .isIn
        case .isNull: return .isNotNull
        case .isNotNull: return .isNull
        }
    }

    /// True for `<`, `<=`, `>`, `>=`.
    public var isOrdering: Bool {
        self == .less || self == .lessOrEqual || self == .greater || self == .greaterOrEqual
    }
}

/// What a comparison tests: an entity field, or a custom field by its caption.
public enum ConditionSubject: Sendable {
    case field(FieldPath)
    /// `custom("Alert ID")`
    case customField(caption: String, SourceSpan)

    public var span: SourceSpan {
        switch self {
        case .field(let path): return path.span
        case .customField(_, let span): return span
        }
    }
}

/// One test in a `where` clause: `board = "Help"`, `priority in (P1, P2)`, `owner is null`.
public struct Comparison: Sendable {
    public var subject: ConditionSubject
    public var op: ComparisonOperator
    /// One value; several for `in`; none for `is null`.
    public var values: [ValueExpr]
    /// The operator's own span.
    public var operatorSpan: SourceSpan
    public var span: SourceSpan

    public init(
        subject: ConditionSubject,
        op: ComparisonOperator,
        values: [ValueExpr],
        operatorSpan: SourceSpan,
        span: SourceSpan
    ) {
        self.subject = subject
        self.op = op
        self.values = values
        self.operatorSpan = operatorSpan
        self.span = span
    }
}

/// A `where` clause: comparisons joined by `and`, `or` and `not`.
public indirect enum Condition: Sendable {
    case comparison(Comparison)
    case and(Condition, Condition)
    case or(Condition, Condition)
    case not(Condition, SourceSpan)

    public var span: SourceSpan {
        switch self {
        case .comparison(let comparison): return comparison.span
        case .and(let lhs, let rhs), .or(let lhs, let rhs): return lhs.span.merged(with: rhs.span)
        case .not(_, let span): return span
        }
    }

    /// Every comparison of the condition, left to right, without recursion (a condition may
    /// join thousands of comparisons).
    public var comparisons: [Comparison] {
        var found: [Comparison] = []
        var pending = [self]
        while let next = pending.popLast() {
            switch next {
            case .comparison(let comparison): found.append(comparison)
            case .and(let lhs, let rhs), .or(let lhs, let rhs): pending += [rhs, lhs]
            case .not(let inner, _): pending.append(inner)
            }
        }
        return found
    }
}
