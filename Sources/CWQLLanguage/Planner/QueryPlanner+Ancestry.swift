/// What a child segment's rows know of the records they hang under: their parent's fields
/// (`agreements | additions | select agreement.name`) and the ids a path under two ids, or a
/// write to a child record, needs (`/service/boards/{board.id}/statuses/{id}/notifications`).
extension QueryPlanner {
    /// A column of the records of `segments[index]`: a field of its entity, else (on a child's
    /// rows) a field of the record each hangs under, named by that record's label
    /// (`agreement.name`, `agreement.company.name`). The parent segment is made to fetch the
    /// field and the child's records to carry their parent.
    func column(_ path: FieldPath, at index: Int, in segments: inout [PlanSegment]) throws(Diagnostic) -> OutputColumn {
        let label = String(path.written.filter { $0 != "`" })
        let segment = segments[index]
        let parent = parentField(path, at: index, in: segments)
        func parentColumn(_ rest: FieldPath, key: String) throws(Diagnostic) -> OutputColumn {
            let inner = try column(rest, at: index - 1, in: &segments)
            segments[index - 1].require(inner.path)
            segments[index].carriesParent = true
            return OutputColumn(label: label, path: key + "/" + inner.path)
        }
        // A raw endpoint's rows have no known fields: the parent's label names the parent.
        if segment.entity.isRaw, let (rest, key) = parent { return try parentColumn(rest, key: key) }
        do {
            return OutputColumn(label: label, path: try segment.entity.resolveColumn(path, in: source).path)
        } catch {
            if let (rest, key) = parent { return try parentColumn(rest, key: key) }
            guard index > 0, case .child = segment.origin else { throw error }
            var diagnostic = error
            diagnostic.help.append(
                "the \(segments[index - 1].label) each hangs under is `\(segments[index - 1].label)`: `\(segments[index - 1].label).…`"
            )
            throw diagnostic
        }
    }

    /// The rest of a path that names the parent of a child segment's rows (`agreement.name`
    /// on additions → `name`), with the key the rows carry their parent under; nil when the
    /// path is the rows' own.
    func parentField(_ path: FieldPath, at index: Int, in segments: [PlanSegment]) -> (FieldPath, String)? {
        guard index > 0, case .child = segments[index].origin, let key = segments[index].carryKey,
            case .dotted(let names) = path.form, names.count >= 2,
            names[0].folded == segments[index - 1].label.lowercased(),
            segments[index].entity.field(named: names[0].text) == nil
        else { return nil }
        let rest = Array(names.dropFirst())
        return (FieldPath(.dotted(rest), span: rest[0].span.merged(with: rest[rest.count - 1].span)), key)
    }

    /// The paths of a segment's records that hold the ids of the records they hang under,
    /// outermost first: `agreementId` for additions, `parent_status/board/id` and `statusId`
    /// for notifications. The segments are made to fetch those fields, or to carry their parent
    /// where the records have no such field.
    func ancestorPaths(of index: Int, in segments: inout [PlanSegment], span: SourceSpan) throws(Diagnostic) -> [String]
    {
        let entity = segments[index].entity
        let depth = entity.parentDepth
        guard depth > 0 else { return [] }
        let carryKey: String? =
            if index > 0, case .child = segments[index].origin { segments[index].carryKey } else { nil }
        func unreachable() -> Diagnostic {
            Diagnostic(
                .childNeedsParent(
                    entity: entity.name,
                    path: entity.path,
                    example: CatalogPaths.example(for: entity, in: catalog)
                ),
                source: source,
                span: span
            )
        }
        var paths: [String] = []
        if depth > 1 {
            guard let carryKey else { throw unreachable() }
            let outer = try ancestorPaths(of: index - 1, in: &segments, span: span)
            guard outer.count == depth - 1 else { throw unreachable() }
            segments[index].carriesParent = true
            paths += outer.map { carryKey + "/" + $0 }
        }
        if let key = entity.parentKey {
            segments[index].require(key)
            paths.append(key)
        } else if let carryKey {
            segments[index].carriesParent = true
            paths.append(carryKey + "/id")
        } else {
            throw unreachable()
        }
        return paths
    }
}

extension QueryPlanner {
    /// The child stage `name` after the records of `parent`: the child's segment, labelled
    /// and keyed so that its rows can carry `parent`'s records; shared by the planner and the
    /// static checker.
    func childSegment(_ name: Name, after parent: PlanSegment) throws(Diagnostic) -> PlanSegment {
        let entity = parent.entity
        guard let link = entity.child(named: name.text), let childEntity = catalog.entity(named: link.entity) else {
            throw Diagnostic(
                .unknownChild(
                    entity: entity.name,
                    child: name.text,
                    help: Suggestions.didYouMean(name.text, among: entity.children.map(\.name))
                        + (entity.children.isEmpty
                            ? []
                            : [
                                "\(entity.name) lead to "
                                    + entity.children.map { "`\($0.name)`" }.joined(separator: ", ")
                            ])
                ),
                source: source,
                span: name.span
            )
        }
        var child = PlanSegment(entity: childEntity, origin: .child(link), label: EndpointNaming.singular(link.name))
        child.carryKey = childEntity.field(named: parent.label) == nil ? parent.label : "parent_" + parent.label
        return child
    }

    /// Refuses a `where` on a child's rows that names their parent's fields: ConnectWise
    /// filters a list by its own fields, and the parent's list can be filtered instead.
    func refuseParentFields(in condition: Condition, at index: Int, in segments: [PlanSegment]) throws(Diagnostic) {
        for comparison in condition.comparisons {
            guard case .field(let path) = comparison.subject,
                let (rest, _) = parentField(path, at: index, in: segments),
                case .child(let link) = segments[index].origin
            else { continue }
            let parent = segments[index - 1]
            throw Diagnostic(
                .filterOnParentField(
                    field: path.written,
                    parent: parent.label,
                    each: segments[index].label,
                    child: link.name,
                    parentEntity: parent.entity.name,
                    rest: rest.written
                ),
                source: source,
                span: path.span
            )
        }
    }
}

/// How to reach an entity, for messages.
enum CatalogPaths {
    /// `boards | statuses | notifications`: the query that reaches an entity from a source.
    static func example(for entity: EntitySpec, in catalog: Catalog) -> String {
        if entity.isTopLevel { return entity.name }
        for parent in catalog.entities {
            if let link = parent.children.first(where: { $0.entity == entity.name }) {
                return example(for: parent, in: catalog) + " | " + link.name
            }
        }
        return entity.name
    }
}
