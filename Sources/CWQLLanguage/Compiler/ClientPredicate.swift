import ConnectWiseRequests

/// A `where` clause compiled for evaluation on the client (a `where` after a `take`, say):
/// the same field resolution and value checks as the conditions string, and the same
/// meaning, including SQL's three-valued logic for missing values.
public indirect enum ClientPredicate: Sendable {
    case compare(path: String, op: ComparisonOperator, values: [Value])
    case custom(caption: String, op: ComparisonOperator, values: [Value])
    case and(ClientPredicate, ClientPredicate)
    case or(ClientPredicate, ClientPredicate)
    /// Some element of a list of objects satisfies the predicate, its paths read from the
    /// element: what `childConditions` means on the server (`communicationItems` with
    /// `value ~ "@acme"` and `communicationType = "Email"`).
    case some(list: String, ClientPredicate)

    /// True, false, or nil for unknown. `lookup` reads a `/` path of the record;
    /// `custom` reads a custom field's value by caption.
    public func evaluate(lookup: (String) -> Value?, custom: (String) -> Value?) -> Bool? {
        switch self {
        case .and(let lhs, let rhs):
            let left = lhs.evaluate(lookup: lookup, custom: custom)
            if left == false { return false }
            let right = rhs.evaluate(lookup: lookup, custom: custom)
            if right == false { return false }
            return left == true && right == true ? true : nil
        case .or(let lhs, let rhs):
            let left = lhs.evaluate(lookup: lookup, custom: custom)
            if left == true { return true }
            let right = rhs.evaluate(lookup: lookup, custom: custom)
            if right == true { return true }
            return left == false && right == false ? false : nil
        case .compare(let path, let op, let values):
            return ClientPredicate.test(lookup(path) ?? .null, op, values)
        case .custom(let caption, let op, let values):
            return ClientPredicate.test(custom(caption) ?? .null, op, values)
        case .some(let list, let inner):
            guard case .list(let items)? = lookup(list) else { return false }
            var unknown = false
            for case .record(let element) in items {
                switch inner.evaluate(lookup: { element.value(atPath: $0) }, custom: { _ in nil }) {
                case true?: return true
                case nil: unknown = true
                case false?: break
                }
            }
            return unknown ? nil : false
        }
    }

    /// One comparison of a value with literals, under three-valued logic.
    public static func test(_ field: Value, _ op: ComparisonOperator, _ values: [Value]) -> Bool? {
        switch op {
        case .isNull: return field == .null
        case .isNotNull: return field != .null
        default: break
        }
        if values.count == 1, values[0] == .null {
            if op == .equal { return field == .null }
            if op == .notEqual { return field != .null }
            return nil
        }
        if field == .null { return nil }
        switch op {
        case .isIn, .notIn:
            var unknown = false
            for value in values {
                switch order(field, value) {
                case 0?: return op == .isIn
                case nil: unknown = true
                default: break
                }
            }
            return unknown ? nil : op == .notIn
        case .contains, .notContains, .like, .notLike:
            guard case .string(let pattern) = values[0] else { return nil }
            let text = field.displayText.lowercased()
            let matched =
                op == .contains || op == .notContains
                ? text.contains(pattern.lowercased()) : likeMatch(text, pattern.lowercased())
            return (op == .contains || op == .like) ? matched : !matched
        default:
            guard let order = order(field, values[0]) else { return nil }
            switch op {
            case .equal: return order == 0
            case .notEqual: return order != 0
            case .less: return order < 0
            case .lessOrEqual: return order <= 0
            case .greater: return order > 0
            case .greaterOrEqual: return order >= 0
            default: return nil
            }
        }
    }

    /// Compares a record's value with a literal the way ConnectWise does (text ignoring case).
    public static func order(_ field: Value, _ literal: Value) -> Int? {
        func compare<T: Comparable>(_ a: T, _ b: T) -> Int { a == b ? 0 : (a < b ? -1 : 1) }
        switch (field, literal) {
        case (.integer(let a), .integer(let b)): return compare(a, b)
        case (.integer(let a), .decimal(let b)): return compare(Double(a), b)
        case (.decimal(let a), .integer(let b)): return compare(a, Double(b))
        case (.decimal(let a), .decimal(let b)): return compare(a, b)
        case (.boolean(let a), .boolean(let b)): return a == b ? 0 : (a ? 1 : -1)
        case (.date(let a), .date(let b)): return compare(a, b)
        case (.string(let a), .date(let b)):
            guard let parsed = DateLiteral(parsing: a) else { return nil }
            return compare(parsed.date, b)
        case (.string(let a), .string(let b)): return compare(a.lowercased(), b.lowercased())
        case (.integer, .string), (.decimal, .string), (.boolean, .string):
            return compare(field.displayText.lowercased(), literal.displayText.lowercased())
        default: return nil
        }
    }

    /// `like` as ConnectWise matches it: `%` or `*` for any run of characters, `_` for one,
    /// ignoring case (the simulator's evaluator agrees; a shared table tests both).
    static func likeMatch(_ text: String, _ pattern: String) -> Bool {
        let t = Array(text)
        let p = Array(pattern)
        func isRun(_ character: Character) -> Bool { character == "%" || character == "*" }
        var ti = 0
        var pi = 0
        var star = -1
        var mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "_" || (!isRun(p[pi]) && p[pi] == t[ti]) {
                ti += 1
                pi += 1
            } else if pi < p.count, isRun(p[pi]) {
                star = pi
                mark = ti
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, isRun(p[pi]) { pi += 1 }
        return pi == p.count
    }
}

extension ConditionCompiler {
    /// Compiles a `where` clause for evaluation on the client.
    public func predicate(_ condition: Condition) throws(Diagnostic) -> ClientPredicate {
        try clientPredicate(ConditionCompiler.negationNormalForm(condition, negate: false))
    }

    private func clientPredicate(_ condition: Condition) throws(Diagnostic) -> ClientPredicate {
        switch condition {
        case .and(let lhs, let rhs): return ClientPredicate.all(try clientPredicate(lhs), try clientPredicate(rhs))
        case .or(let lhs, let rhs): return .or(try clientPredicate(lhs), try clientPredicate(rhs))
        case .not(let inner, _): return try clientPredicate(ConditionCompiler.negationNormalForm(inner, negate: true))
        case .comparison(let comparison):
            let conversion = ValueConversion(source: source, environment: environment)
            switch comparison.subject {
            case .customField(let caption, _):
                let values = try comparison.values.map { (value) throws(Diagnostic) in
                    ClientPredicate.value(of: try conversion.literal(value, as: .unknown, field: caption))
                }
                return .custom(caption: caption, op: comparison.op, values: values)
            case .field(let path):
                var field = try entity.resolve(path, in: source)
                if let idPath = field.referenceIdPath, !comparison.values.isEmpty,
                    comparison.values.allSatisfy({
                        if case .number(let text, _) = $0 { !text.contains(".") } else { false }
                    })
                {
                    field = ResolvedField(path: idPath, type: .integer)
                }
                var literals: [ConditionsLiteral] = []
                for value in comparison.values {
                    if case .variable(let name, let steps, let span) = value,
                        case .list(let items) = try conversion.lookUp(name, path: steps, span: span)
                    {
                        for item in items {
                            literals.append(
                                try conversion.literal(of: item, as: field.type, field: path.written, span: span)
                            )
                        }
                    } else {
                        literals.append(try conversion.literal(value, as: field.type, field: path.written))
                    }
                }
                if literals.count == 1, case .day(let start) = literals[0],
                    comparison.op == .equal || comparison.op == .notEqual
                {
                    let from = ClientPredicate.compare(
                        path: field.path,
                        op: comparison.op == .equal ? .greaterOrEqual : .less,
                        values: [.date(start)]
                    )
                    let until = ClientPredicate.compare(
                        path: field.path,
                        op: comparison.op == .equal ? .less : .greaterOrEqual,
                        values: [.date(start.adding(seconds: 86_400))]
                    )
                    return ClientPredicate.scoped(
                        comparison.op == .equal ? .and(from, until) : .or(from, until),
                        field: field
                    )
                }
                return ClientPredicate.scoped(
                    .compare(path: field.path, op: comparison.op, values: literals.map(ClientPredicate.value(of:))),
                    field: field
                )
            }
        }
    }
}

extension ClientPredicate {
    /// Both, with the comparisons on one list's elements joined inside one `some`: the server
    /// reads `childConditions` as one element satisfying all of them.
    static func all(_ lhs: ClientPredicate, _ rhs: ClientPredicate) -> ClientPredicate {
        var parts: [ClientPredicate] = []
        for part in lhs.conjuncts + rhs.conjuncts {
            if case .some(let list, let inner) = part,
                let index = parts.firstIndex(where: { if case .some(list, _) = $0 { true } else { false } }),
                case .some(_, let earlier) = parts[index]
            {
                parts[index] = .some(list: list, .and(earlier, inner))
            } else {
                parts.append(part)
            }
        }
        return parts.dropFirst().reduce(parts[0]) { .and($0, $1) }
    }

    private var conjuncts: [ClientPredicate] {
        if case .and(let lhs, let rhs) = self { return lhs.conjuncts + rhs.conjuncts }
        return [self]
    }

    /// A field's comparison with the condition every comparison of it carries (`email` is a
    /// communication item of type Email), inside its list when it is a field of a list's
    /// elements, as the server reads `childConditions`.
    static func scoped(_ comparison: ClientPredicate, field: ResolvedField) -> ClientPredicate {
        var predicate = comparison
        if let also = field.also.flatMap(ClientPredicate.init(conditions:)) { predicate = .and(predicate, also) }
        guard let list = field.arrayField else { return predicate }
        return .some(list: list, predicate.relative(to: list + "/"))
    }

    /// The predicate with its paths read from inside a list's element.
    func relative(to prefix: String) -> ClientPredicate {
        switch self {
        case .compare(let path, let op, let values):
            return .compare(
                path: path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path,
                op: op,
                values: values
            )
        case .and(let lhs, let rhs): return .and(lhs.relative(to: prefix), rhs.relative(to: prefix))
        case .or(let lhs, let rhs): return .or(lhs.relative(to: prefix), rhs.relative(to: prefix))
        case .custom, .some: return self
        }
    }

    /// The client's reading of a fixed condition of the catalog (`communicationType = "Email"`).
    init?(conditions: Conditions) {
        switch conditions {
        case .comparison(let path, let op, let value):
            guard let op = ComparisonOperator(rawValue: op) else { return nil }
            self = .compare(path: path, op: op, values: [ClientPredicate.value(of: value)])
        case .all(let parts), .any(let parts):
            let predicates = parts.compactMap(ClientPredicate.init(conditions:))
            guard predicates.count == parts.count, let first = predicates.first else { return nil }
            let isAll = if case .all = conditions { true } else { false }
            self = predicates.dropFirst().reduce(first) { isAll ? .and($0, $1) : .or($0, $1) }
        case .parentIds:
            return nil
        }
    }

    /// A value of a fixed condition of the catalog, as the client compares it.
    static func value(of value: ConditionsValue) -> Value {
        switch value {
        case .text(let text): return .string(text)
        case .number(let text): return number(text)
        case .boolean(let flag): return .boolean(flag)
        case .null: return .null
        case .date(let text): return DateLiteral(parsing: text).map { .date($0.date) } ?? .string(text)
        case .list(let items): return .list(items.map(ClientPredicate.value(of:)))
        }
    }

    /// A checked number's text as a whole number, else a decimal.
    static func number(_ text: String) -> Value { Int(text).map(Value.integer) ?? .decimal(Double(text) ?? 0) }
}

extension ClientPredicate {
    static func value(of literal: ConditionsLiteral) -> Value {
        switch literal {
        case .text(let text): return .string(text)
        case .number(let text): return number(text)
        case .boolean(let flag): return .boolean(flag)
        case .null: return .null
        case .moment(let date), .day(let date): return .date(date)
        }
    }
}
