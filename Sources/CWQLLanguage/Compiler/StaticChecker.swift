/// Checks a whole program before any of it runs: entities, stages and field names of every
/// query whose source is known without running (an entity or `ticket N`), in statements,
/// `def` bodies and procedures, and the fields of `create`/`upsert` records. A script with a
/// typo on its last line therefore changes nothing. Values are checked when they are known,
/// at run time.
public struct StaticChecker {
    public let catalog: Catalog
    public let source: SourceFile

    public init(catalog: Catalog = .standard, source: SourceFile) {
        self.catalog = catalog
        self.source = source
    }

    /// Every problem found, one per statement at most.
    public func check(_ program: Program) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        check(program.statements, into: &diagnostics)
        return diagnostics
    }

    private func check(_ statements: [Statement], into diagnostics: inout [Diagnostic]) {
        for statement in statements {
            do {
                try check(statement)
            } catch {
                diagnostics.append(error)
            }
            switch statement.kind {
            case .for(_, _, let body), .procedure(_, _, let body): check(body, into: &diagnostics)
            case .if(_, let then, let otherwise):
                check(then, into: &diagnostics)
                if let otherwise { check(otherwise, into: &diagnostics) }
            default: break
            }
        }
    }

    private func check(_ statement: Statement) throws(Diagnostic) {
        switch statement.kind {
        case .pipeline(let pipeline), .def(_, _, let pipeline): try check(pipeline)
        case .let(_, let value): try check(value)
        case .print(let values): for value in values { try check(value) }
        case .for(_, let value, _), .if(let value, _, _): try check(value)
        case .create(let name, let object):
            try checkObject(object, entity: try entity(name))
        case .upsert(let name, let match, let object):
            let entity = try entity(name)
            try checkCondition(match, entity: entity)
            try checkObject(object, entity: entity)
        default: break
        }
    }

    private func check(_ value: ValueExpr) throws(Diagnostic) {
        switch value {
        case .query(let pipeline): try check(pipeline)
        case .compare(let lhs, _, let rhs, _), .and(let lhs, let rhs), .or(let lhs, let rhs):
            try check(lhs)
            try check(rhs)
        case .not(let inner, _): try check(inner)
        default: break
        }
    }

    private func check(_ pipeline: Pipeline) throws(Diagnostic) {
        var current: EntitySpec
        switch pipeline.source {
        case .entity(let name), .record(let name, _):
            guard let found = catalog.entity(named: name.text), found.isTopLevel else {
                throw Diagnostic(
                    "unknown entity `\(name.text)`", source: source, span: name.span,
                    help: Suggestions.didYouMean(name.text, among: catalog.sourceNames + catalog.singularNames))
            }
            current = found
        case .variable, .call:
            return
        }
        for stage in pipeline.stages {
            switch stage.kind {
            case .where(let condition): try checkCondition(condition, entity: current)
            case .select(let paths): for path in paths { _ = try current.resolve(path, in: source) }
            case .sort(let keys): for key in keys { _ = try current.resolve(key.field, in: source) }
            case .countBy(let path): _ = try current.resolve(path, in: source)
            case .set(let assignments):
                for assignment in assignments { if case .field(let path) = assignment.field { _ = try current.resolveForWrite(path, in: source) } }
            case .child(let name):
                guard let link = current.child(named: name.text), let child = catalog.entity(named: link.entity) else {
                    throw Diagnostic(
                        "\(current.name) have no `\(name.text)`", source: source, span: name.span,
                        help: Suggestions.didYouMean(name.text, among: current.children.map(\.name)))
                }
                current = child
            default: break
            }
        }
    }

    private func checkCondition(_ condition: Condition, entity: EntitySpec) throws(Diagnostic) {
        switch condition {
        case .comparison(let comparison):
            if case .field(let path) = comparison.subject { _ = try entity.resolve(path, in: source) }
        case .and(let lhs, let rhs), .or(let lhs, let rhs):
            try checkCondition(lhs, entity: entity)
            try checkCondition(rhs, entity: entity)
        case .not(let inner, _): try checkCondition(inner, entity: entity)
        }
    }

    private func checkObject(_ object: ObjectLiteral, entity: EntitySpec) throws(Diagnostic) {
        for assignment in object.fields {
            if case .field(let path) = assignment.field { _ = try entity.resolveForWrite(path, in: source) }
        }
    }

    private func entity(_ name: Name) throws(Diagnostic) -> EntitySpec {
        guard let entity = catalog.entity(named: name.text), entity.isTopLevel else {
            throw Diagnostic(
                "unknown entity `\(name.text)`", source: source, span: name.span,
                help: Suggestions.didYouMean(name.text, among: catalog.singularNames))
        }
        return entity
    }
}
