import ConnectWiseRequests

/// The `conditions`, `childConditions` and `customFieldConditions` parameters of one
/// request, as trees that ``Conditions`` prints.
public struct CompiledFilter: Sendable, Equatable, Codable {
    public var conditions: Conditions?
    /// Conditions on fields inside arrays (`communicationItems/value = "a@b.com"`).
    public var childConditions: Conditions?
    public var customFieldConditions: Conditions?

    public init(
        conditions: Conditions? = nil,
        childConditions: Conditions? = nil,
        customFieldConditions: Conditions? = nil
    ) {
        self.conditions = conditions
        self.childConditions = childConditions
        self.customFieldConditions = customFieldConditions
    }

    /// The filter parameters (those that are set) in ``QueryItem/filterNames`` order, with
    /// `conditions` ANDed with `extra` (a child step's parent-id condition).
    public func queryItems(and extra: Conditions? = nil) -> [QueryItem] {
        var items: [QueryItem] = []
        if let conditions = Conditions.both(extra, conditions) {
            items.append(QueryItem("conditions", .conditions(conditions)))
        }
        if let childConditions { items.append(QueryItem("childConditions", .conditions(childConditions))) }
        if let customFieldConditions {
            items.append(QueryItem("customFieldConditions", .conditions(customFieldConditions)))
        }
        return items
    }

    /// This filter and another, ANDed; nil when both filter on a custom field (ConnectWise
    /// takes one custom-field condition per request).
    func and(_ other: CompiledFilter) -> CompiledFilter? {
        if customFieldConditions != nil && other.customFieldConditions != nil { return nil }
        return CompiledFilter(
            conditions: Conditions.both(conditions, other.conditions),
            childConditions: Conditions.both(childConditions, other.childConditions),
            customFieldConditions: customFieldConditions ?? other.customFieldConditions
        )
    }
}

/// Compiles `where` clauses into ConnectWise conditions strings for one entity.
///
/// The output is canonical: `not` is pushed down to the comparisons (sound under SQL's
/// three-valued logic, so `not (a = 1)` and `a != 1` agree on nulls too), and a group is
/// parenthesised whenever its connective differs from its parent's, so the meaning never
/// depends on how ConnectWise ranks `and` against `or`.
public struct ConditionCompiler {
    public let entity: EntitySpec
    public let source: SourceFile
    public let environment: CompileEnvironment
    private var values: ValueConversion { ValueConversion(source: source, environment: environment) }
    /// Each field of the condition being compiled, resolved once (sorting comparisons into
    /// `conditions` and `childConditions` and emitting them both read it).
    private var resolvedFields: [FieldPath: ResolvedField] = [:]

    public init(entity: EntitySpec, source: SourceFile, environment: CompileEnvironment) {
        self.entity = entity
        self.source = source
        self.environment = environment
    }

    /// Compiles several `where` clauses, ANDed.
    public func compile(_ conditions: [Condition]) throws(Diagnostic) -> CompiledFilter {
        guard var combined = conditions.first else { return CompiledFilter() }
        for condition in conditions.dropFirst() { combined = .and(combined, condition) }
        return try compile(combined)
    }

    public func compile(_ condition: Condition) throws(Diagnostic) -> CompiledFilter {
        var compiler = self
        for comparison in condition.comparisons {
            guard case .field(let path) = comparison.subject, compiler.resolvedFields[path] == nil else { continue }
            compiler.resolvedFields[path] = try entity.resolve(path, in: source)
        }
        return try compiler.compileResolved(condition)
    }

    private func resolution(of path: FieldPath) throws(Diagnostic) -> ResolvedField {
        if let known = resolvedFields[path] { return known }
        return try entity.resolve(path, in: source)
    }

    private func compileResolved(_ condition: Condition) throws(Diagnostic) -> CompiledFilter {
        var conjuncts: [Condition] = []
        flattenAnd(ConditionCompiler.negationNormalForm(condition, negate: false), into: &conjuncts)
        var custom: Comparison?
        var regular: [Condition] = []
        var child: [Condition] = []
        for conjunct in conjuncts {
            if case .comparison(let comparison) = conjunct, case .customField = comparison.subject {
                if custom != nil {
                    throw Diagnostic(.oneCustomFieldPerRequest, source: source, span: comparison.span)
                }
                custom = comparison
            } else {
                try rejectNestedCustomFields(conjunct)
                if try isOnArrayFields(conjunct) { child.append(conjunct) } else { regular.append(conjunct) }
            }
        }
        var filter = CompiledFilter()
        if !regular.isEmpty {
            let parts = try regular.map { (part) throws(Diagnostic) in try emit(part) }
            filter.conditions = parts.count == 1 ? parts[0] : .all(parts)
        }
        if !child.isEmpty {
            let parts = try child.map { (part) throws(Diagnostic) in try emit(part) }
            filter.childConditions = parts.count == 1 ? parts[0] : .all(parts)
        }
        if let custom { filter.customFieldConditions = try emitCustom(custom) }
        return filter
    }

    // MARK: - Normalisation

    /// Pushes `not` down to the comparisons by De Morgan's laws.
    static func negationNormalForm(_ condition: Condition, negate: Bool) -> Condition {
        switch condition {
        case .comparison(var comparison):
            if negate { comparison.op = comparison.op.negated }
            return .comparison(comparison)
        case .and(let lhs, let rhs):
            let (l, r) = (negationNormalForm(lhs, negate: negate), negationNormalForm(rhs, negate: negate))
            return negate ? .or(l, r) : .and(l, r)
        case .or(let lhs, let rhs):
            let (l, r) = (negationNormalForm(lhs, negate: negate), negationNormalForm(rhs, negate: negate))
            return negate ? .and(l, r) : .or(l, r)
        case .not(let inner, _):
            return negationNormalForm(inner, negate: !negate)
        }
    }

    private func flattenAnd(_ condition: Condition, into conjuncts: inout [Condition]) {
        if case .and(let lhs, let rhs) = condition {
            flattenAnd(lhs, into: &conjuncts)
            flattenAnd(rhs, into: &conjuncts)
        } else {
            conjuncts.append(condition)
        }
    }

    /// True when every comparison of the condition reads a field inside an array (those go to
    /// `childConditions`); a condition mixing both kinds under `or` cannot be sent.
    private func isOnArrayFields(_ condition: Condition) throws(Diagnostic) -> Bool {
        var onArray: [Comparison] = []
        var offArray: [Comparison] = []
        for comparison in condition.comparisons {
            guard case .field(let path) = comparison.subject else { continue }
            if try resolution(of: path).arrayField != nil {
                onArray.append(comparison)
            } else {
                offArray.append(comparison)
            }
        }
        if !onArray.isEmpty, let misplaced = offArray.first {
            throw Diagnostic(.listConditionJoinedWithOr, source: source, span: misplaced.span)
        }
        return !onArray.isEmpty
    }

    private func rejectNestedCustomFields(_ condition: Condition) throws(Diagnostic) {
        for comparison in condition.comparisons {
            guard case .customField = comparison.subject else { continue }
            throw Diagnostic(.customConditionJoinedWithOr, source: source, span: comparison.span)
        }
    }

    // MARK: - Emission

    private func emit(_ condition: Condition) throws(Diagnostic) -> Conditions {
        switch condition {
        case .comparison(let comparison):
            return try emitComparison(comparison)
        case .and(let lhs, let rhs):
            return .all(try flatten(.and, lhs) + flatten(.and, rhs))
        case .or(let lhs, let rhs):
            return .any(try flatten(.or, lhs) + flatten(.or, rhs))
        case .not(let inner, _):
            return try emit(ConditionCompiler.negationNormalForm(inner, negate: true))
        }
    }

    private enum Connective { case and, or }

    /// The parts of a chain of one connective (`a or b or c`), without recursing into them.
    private func flatten(_ connective: Connective, _ condition: Condition) throws(Diagnostic) -> [Conditions] {
        switch (connective, condition) {
        case (.and, .and(let lhs, let rhs)): return try flatten(.and, lhs) + flatten(.and, rhs)
        case (.or, .or(let lhs, let rhs)): return try flatten(.or, lhs) + flatten(.or, rhs)
        default:
            let emitted = try emit(condition)
            switch (connective, emitted) {
            case (.and, .all(let parts)), (.or, .any(let parts)): return parts
            default: return [emitted]
            }
        }
    }

    private func emitComparison(_ comparison: Comparison) throws(Diagnostic) -> Conditions {
        guard case .field(let path) = comparison.subject else {
            throw Diagnostic(.customConditionNotAlone, source: source, span: comparison.span)
        }
        var field = try resolution(of: path)
        // A whole number compared with a bare reference means its id: `board = 3` is `board/id = 3`.
        if let idPath = field.referenceIdPath, comparison.values.count >= 1,
            comparison.values.allSatisfy({ if case .number(let text, _) = $0 { !text.contains(".") } else { false } })
        {
            field = ResolvedField(path: idPath, type: .integer)
        }
        field = try comparingRecords(comparison, field: field)
        try checkOperator(comparison, field: field)
        try field.checkEnumeration(comparison, source: source)
        let emitted = try emitComparison(comparison, field: field, written: path.written)
        guard let also = field.also else { return emitted }
        return .all([emitted, also])
    }

    private func emitComparison(
        _ comparison: Comparison,
        field: ResolvedField,
        written: String
    ) throws(Diagnostic) -> Conditions {
        switch comparison.op {
        case .isNull: return .comparison(path: field.path, op: "=", value: .null)
        case .isNotNull: return .comparison(path: field.path, op: "!=", value: .null)
        case .isIn, .notIn:
            var literals: [ConditionsLiteral] = []
            for value in comparison.values {
                literals += try listLiterals(value, type: field.type, field: written)
            }
            guard !literals.isEmpty else {
                throw Diagnostic(.emptyInList, source: source, span: comparison.span)
            }
            let keyword = comparison.op == .isIn ? "in" : "not in"
            return .comparison(
                path: field.path,
                op: keyword,
                value: .list(literals.map { ConditionsLiteral.moment(from: $0).value })
            )
        default:
            let literal = try values.literal(comparison.values[0], as: field.type, field: written)
            return emitSingle(field.path, comparison.op, literal, valueSpan: comparison.values[0].span)
        }
    }

    /// One `path op literal`; a bare day under `=`/`!=` becomes the whole day's range.
    private func emitSingle(
        _ path: String,
        _ op: ComparisonOperator,
        _ literal: ConditionsLiteral,
        valueSpan: SourceSpan
    ) -> Conditions {
        if case .day(let start) = literal, op == .equal || op == .notEqual {
            let from = ConditionsLiteral.moment(start).value
            let until = ConditionsLiteral.moment(start.adding(seconds: 86_400)).value
            return op == .equal
                ? .all([.comparison(path: path, op: ">=", value: from), .comparison(path: path, op: "<", value: until)])
                : .any([.comparison(path: path, op: "<", value: from), .comparison(path: path, op: ">=", value: until)])
        }
        if literal == .null {
            return .comparison(path: path, op: op == .equal ? "=" : "!=", value: .null)
        }
        return .comparison(path: path, op: ConditionCompiler.keyword(op), value: literal.value)
    }

    /// Records compare by id, never by another key: `company in $cos` (companies) is
    /// `company/id in (1, 4)`, `id in $tickets` their ids. Any other field compared with records
    /// is refused rather than matched against the wrong key.
    private func comparingRecords(_ comparison: Comparison, field: ResolvedField) throws(Diagnostic) -> ResolvedField {
        for value in comparison.values {
            guard case .variable(let name, let path, let span) = value else { continue }
            let held = try values.lookUp(name, path: path, span: span)
            let isRecords: Bool
            switch held {
            case .record: isRecords = true
            case .list(let items):
                isRecords = !items.isEmpty && items.allSatisfy { if case .record = $0 { true } else { false } }
            default: isRecords = false
            }
            guard isRecords else { continue }
            if let idPath = field.referenceIdPath { return ResolvedField(path: idPath, type: .integer) }
            if field.path.lowercased() == "id" || field.path.lowercased().hasSuffix("/id") { return field }
            throw Diagnostic(
                .recordsComparedWithNonReference(variable: name.text, subject: comparison.subject.written(in: source)),
                source: source,
                span: span
            )
        }
        return field
    }

    private func listLiterals(
        _ value: ValueExpr,
        type: ValueType,
        field: String
    ) throws(Diagnostic) -> [ConditionsLiteral] {
        if case .variable(let name, let path, let span) = value {
            switch try values.lookUp(name, path: path, span: span) {
            case .list(let items):
                return try items.map { (item) throws(Diagnostic) in
                    try values.literal(of: item, as: type, field: field, span: span)
                }
            case .string(let text) where text.contains(","):
                // `--var list=ACME,GLOBEX`: inside `in (…)` a text with commas is a list.
                return try text.split(separator: ",").map { part throws(Diagnostic) in
                    let trimmed = part.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()
                    let item = CommandLineVariables.typed(String(trimmed))
                    return try values.literal(of: item, as: type, field: field, span: span)
                }
            default: break
            }
        }
        return [try values.literal(value, as: type, field: field)]
    }

    private func checkOperator(_ comparison: Comparison, field: ResolvedField) throws(Diagnostic) {
        let op = comparison.op
        let textOnly = ConditionCompiler.textOperators
        if textOnly.contains(op), field.type != .string, field.type != .unknown {
            throw Diagnostic(
                .textOperatorOnNonText(
                    op: op.rawValue,
                    subject: comparison.subject.written(in: source),
                    type: field.type.displayName
                ),
                source: source,
                span: comparison.operatorSpan
            )
        }
        if op.isOrdering, field.type == .string || field.type == .boolean {
            throw Diagnostic(
                .orderingOnUnordered(
                    op: op.rawValue,
                    subject: comparison.subject.written(in: source),
                    type: field.type.displayName,
                    isText: field.type == .string
                ),
                source: source,
                span: comparison.operatorSpan
            )
        }
        if op.isOrdering || textOnly.contains(op), comparison.values.count == 1, case .null = comparison.values[0] {
            throw Diagnostic(.comparedWithNull(op: op.rawValue), source: source, span: comparison.values[0].span)
        }
    }

    private func emitCustom(_ comparison: Comparison) throws(Diagnostic) -> Conditions {
        guard case .customField(let caption, _) = comparison.subject else { return .all([]) }
        let captionIs = Conditions.comparison(path: "caption", op: "=", value: .text(caption))
        let valueIs: Conditions
        switch comparison.op {
        case .isNull: valueIs = .comparison(path: "value", op: "=", value: .null)
        case .isNotNull: valueIs = .comparison(path: "value", op: "!=", value: .null)
        case .isIn, .notIn:
            var literals: [ConditionsValue] = []
            for value in comparison.values {
                literals += try listLiterals(value, type: .unknown, field: "custom(\"\(caption)\")").map(\.value)
            }
            valueIs = .comparison(path: "value", op: comparison.op == .isIn ? "in" : "not in", value: .list(literals))
        default:
            var literal = try values.literal(comparison.values[0], as: .unknown, field: "custom(\"\(caption)\")")
            if case .day(let date) = literal { literal = .moment(date) }
            valueIs = .comparison(path: "value", op: ConditionCompiler.keyword(comparison.op), value: literal.value)
        }
        return .all([captionIs, valueIs])
    }

    static let textOperators: Set<ComparisonOperator> = [.contains, .notContains, .like, .notLike]

    /// The operator as ConnectWise spells it.
    static func keyword(_ op: ComparisonOperator) -> String {
        switch op {
        case .contains: return "contains"
        case .notContains: return "not contains"
        case .isNull: return "="
        case .isNotNull: return "!="
        default: return op.rawValue
        }
    }
}

extension ConditionsLiteral {
    /// Inside an `in` list a bare day is its midnight.
    static func moment(from literal: ConditionsLiteral) -> ConditionsLiteral {
        if case .day(let date) = literal { return .moment(date) }
        return literal
    }
}

extension ConditionSubject {
    /// The subject as written, for messages.
    func written(in source: SourceFile) -> String {
        switch self {
        case .field(let path): return path.written
        case .customField(let caption, _): return "custom(\"\(caption)\")"
        }
    }
}

extension ResolvedField {
    /// An enum compared with a value the spec does not list is a typo: said now, with the
    /// closest allowed value.
    func checkEnumeration(_ comparison: Comparison, source: SourceFile) throws(Diagnostic) {
        guard let allowed = allowedValues, [.equal, .notEqual, .isIn, .notIn].contains(comparison.op) else { return }
        for value in comparison.values {
            let text: String
            switch value {
            case .string(let string, _): text = string
            case .word(let word, _): text = word
            default: continue
            }
            guard !allowed.contains(where: { $0.lowercased() == text.lowercased() }) else { continue }
            throw Diagnostic(
                .notAnAllowedValue(
                    value: text,
                    subject: comparison.subject.written(in: source),
                    allowed: allowed,
                    near: Suggestions.didYouMean(text, among: allowed)
                ),
                source: source,
                span: value.span
            )
        }
    }
}
