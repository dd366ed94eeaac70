/// Backquoted endpoints (SPEC 6.1): what the catalog lacks, reached raw, its fields sent as
/// written and unchecked.
extension QueryPlanner {
    /// `` `/system/mycompany/other` `` as a source: a collection with no holes.
    func endpointSource(_ path: Name) throws(Diagnostic) -> PlanSegment {
        guard !path.text.contains("{id}") else {
            throw Diagnostic(.endpointNeedsRecord(path.text), source: source, span: path.span)
        }
        return PlanSegment(entity: .raw(path: path.text), origin: .collection)
    }

    /// `` | `/service/tickets/{id}/tasks` ``: an endpoint read for each record of `parent`,
    /// `{id}` standing for that record's id.
    func endpointSegment(_ path: Name, after parent: PlanSegment) throws(Diagnostic) -> PlanSegment {
        let holes = path.text.ranges(of: "{id}").count
        guard holes == 1 else {
            throw Diagnostic(
                .endpointHoles(path: path.text, holes: holes, parent: parent.label),
                source: source,
                span: path.span
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
    public var isUnchecked: Bool { entity.isRaw && !entity.isRows }
}
