/// Backquoted endpoints (SPEC 6.1): what the catalog lacks, reached raw, its fields sent as
/// written and unchecked.
extension QueryPlanner {
    /// `` `/system/mycompany/other` `` as a source: a collection with no holes.
    func endpointSource(_ path: Name) throws(Diagnostic) -> PlanSegment {
        guard !path.text.contains("{id}") else {
            throw Diagnostic(
                "`\(path.text)` waits for a record's id, and a query's first endpoint has no record before it",
                source: source,
                span: path.span,
                help: [
                    "read it for each record of a query: tickets where … | `\(path.text)`",
                    "or write the id: `\(path.text.replacing("{id}", with: "4711"))`",
                ]
            )
        }
        return PlanSegment(entity: .raw(path: path.text), origin: .collection)
    }

    /// `` | `/service/tickets/{id}/tasks` ``: an endpoint read for each record of `parent`,
    /// `{id}` standing for that record's id.
    func endpointSegment(_ path: Name, after parent: PlanSegment) throws(Diagnostic) -> PlanSegment {
        let holes = path.text.ranges(of: "{id}").count
        guard holes == 1 else {
            throw Diagnostic(
                holes == 0
                    ? "`\(path.text)` has no `{id}` for the \(parent.label.replacingUnderscores) before it"
                    : "`\(path.text)` has \(holes) `{id}` holes; a stage fills one, with the id of the record before it",
                source: source,
                span: path.span,
                help: holes == 0
                    ? [
                        "write {id} where each \(parent.label.replacingUnderscores)'s id goes: `/service/tickets/{id}/tasks`",
                        "or start a query with it: `\(path.text)`",
                    ]
                    : ["write the outer ids as numbers: `/service/boards/12/statuses/{id}/notifications`"]
            )
        }
        let entity = EntitySpec.raw(path: path.text)
        var segment = PlanSegment(
            entity: entity,
            origin: .child(ChildLink(name: path.text, entity: path.text, access: .subPath))
        )
        segment.carryKey = parent.label
        return segment
    }
}

extension QueryPlanner {
    /// Appends the segment a child stage (`| notes`) or a backquoted endpoint stage leads to
    /// from the records of the last segment. A catalog list under two ids also learns the ids
    /// its parent's path needs (`{board.id}` of a status), and the parent is made to fetch or
    /// carry them; a backquoted endpoint fills its one `{id}` with the parent's id only.
    func appendSegment(leadingFrom stage: Stage, to segments: inout [PlanSegment]) throws(Diagnostic) {
        let last = segments.count - 1
        switch stage.kind {
        case .endpoint(let path):
            segments.append(try endpointSegment(path, after: segments[last]))
        case .child(let name):
            var child = try childSegment(name, after: segments[last])
            child.parentAncestorPaths = try ancestorPaths(of: last, in: &segments, span: stage.keywordSpan)
            segments.append(child)
        default:
            preconditionFailure("only child and endpoint stages lead to a segment")
        }
    }
}

extension PlanSegment {
    /// True when the segment reads a backquoted endpoint, whose fields cwql does not check.
    public var isUnchecked: Bool { entity.isRaw }
}
