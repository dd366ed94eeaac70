/// How a block uses one variable: the fields it reads through it (`$change.summary`), and
/// whether it needs the whole value (`print $change`, `$change | set …`, an argument). A
/// `watch` asks ConnectWise only for the fields its block reads.
public struct VariableUses: Sendable, Equatable {
    /// The fields read (`summary`, `company.name`), in the order first seen.
    public private(set) var fields: [FieldPath] = []
    /// True when the block uses the value whole, so every field may be needed.
    public private(set) var whole = false
    /// True when the block only writes through it (`$change | note "…"`): its id is enough.
    public private(set) var writesThrough = false

    /// The uses of `$name` in `statements`.
    public init(of name: String, in statements: [Statement]) {
        self.name = name.lowercased()
        for statement in statements { visit(statement) }
    }

    private var name: String

    /// The ConnectWise paths to ask for so that the block has what it reads of an `entity`
    /// record (its id always); nil when it needs whole records.
    public func paths(on entity: EntitySpec, in source: SourceFile) -> [String]? {
        if whole { return nil }
        var paths = ["id"]
        for field in fields {
            guard let resolved = try? entity.resolveColumn(field, in: source) else { return nil }
            if !paths.contains(resolved.path) { paths.append(resolved.path) }
        }
        return paths
    }

    private mutating func read(_ path: [Name]) {
        guard let first = path.first, let last = path.last else {
            whole = true
            return
        }
        let field = FieldPath(.dotted(path), span: first.span.merged(with: last.span))
        if !fields.contains(where: { $0.written == field.written }) { fields.append(field) }
    }

    private func names(_ variable: Name) -> Bool { variable.text.lowercased() == name }

    private mutating func visit(_ statement: Statement) {
        switch statement.kind {
        case .let(_, let value): visit(value)
        case .def(_, _, let body): visit(body)
        case .procedure(_, _, let body): for inner in body { visit(inner) }
        case .import, .watch, .on: break
        case .for(_, let sequence, let body):
            visit(sequence)
            for inner in body { visit(inner) }
        case .if(let condition, let then, let otherwise):
            visit(condition)
            for inner in then + (otherwise ?? []) { visit(inner) }
        case .print(let values): for value in values { visit(value) }
        case .create(_, let object): visit(object)
        case .upsert(_, let match, let object):
            visit(match)
            visit(object)
        case .sync(let sync):
            visit(sync.scope)
            if case .variable(let variable) = sync.source, names(variable) { whole = true }
        case .pipeline(let pipeline): visit(pipeline)
        }
    }

    private mutating func visit(_ pipeline: Pipeline) {
        switch pipeline.source {
        case .variable(let variable) where names(variable):
            // Writing through the record needs its id (and `close` its board); anything else reads it.
            let onlyWrites = pipeline.stages.allSatisfy { stage in
                guard let keyword = stage.kind.stageKeyword else { return false }
                return keyword.isWrite && keyword != .close
            }
            if onlyWrites && !pipeline.stages.isEmpty { writesThrough = true } else { whole = true }
        case .call(_, let arguments, _): for argument in arguments { visit(argument) }
        case .record(_, let id): visit(id)
        default: break
        }
        for stage in pipeline.stages { visit(stage.kind) }
    }

    private mutating func visit(_ stage: StageKind) {
        switch stage {
        case .where(let condition): visit(condition)
        case .select(let items):
            for case .computed(_, let value) in items { visit(value) }
        case .take(let value), .assign(let value): visit(value)
        case .note(let text, _): visit(text)
        case .set(let assignments): for assignment in assignments { visit(assignment.value) }
        case .log(let hours, let notes, let details):
            visit(hours.amount)
            for value in [notes, details.member, details.workType, details.start].compactMap({ $0 }) { visit(value) }
        case .sort, .first, .count, .aggregate, .child, .endpoint, .close, .delete: break
        }
    }

    private mutating func visit(_ condition: Condition) {
        switch condition {
        case .comparison(let comparison): for value in comparison.values { visit(value) }
        case .and(let lhs, let rhs), .or(let lhs, let rhs):
            visit(lhs)
            visit(rhs)
        case .not(let inner, _): visit(inner)
        }
    }

    private mutating func visit(_ object: ObjectLiteral) {
        for assignment in object.fields { visit(assignment.value) }
    }

    private mutating func visit(_ value: ValueExpr) {
        switch value {
        case .variable(let variable, let path, _):
            if names(variable) { read(path) }
        case .query(let pipeline): visit(pipeline)
        case .compare(let lhs, _, let rhs, _), .arithmetic(let lhs, _, let rhs, _), .and(let lhs, let rhs),
            .or(let lhs, let rhs):
            visit(lhs)
            visit(rhs)
        case .not(let inner, _): visit(inner)
        case .duration(let duration): visit(duration.amount)
        case .interpolated(let parts, _):
            for case .value(let inner) in parts { visit(inner) }
        case .list(let items, _): for item in items { visit(item) }
        case .member(let inner, let path, _):
            if case .variable(let variable, let prefix, _) = inner, names(variable) {
                read(prefix + path)
            } else {
                visit(inner)
            }
        case .object(let object): visit(object)
        case .field, .customField, .string, .number, .boolean, .date, .null, .word: break
        }
    }
}
