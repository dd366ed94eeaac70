/// The rules of write stages and of what may follow what, shared by the planner and the static
/// check before a script runs (so a mistake is found before anything is written).
extension QueryPlanner {
    /// Refuses a stage after one that ends the pipeline (`count`, `count by`, a write).
    func checkOrder(of stage: Stage, at position: Int, in pipeline: Pipeline, after write: Stage?) throws(Diagnostic) {
        if let write {
            throw Diagnostic(
                .stageAfterWrite(stage: stage.kind.keyword, write: write.kind.keyword),
                source: source,
                span: stage.keywordSpan
            )
        }
        if position > 0, let previous = pipeline.stages[position - 1].kind.endsPipeline {
            throw Diagnostic(
                .stageAfterEnding(stage: stage.kind.keyword, previous: previous),
                source: source,
                span: stage.keywordSpan
            )
        }
    }

    /// The write a stage makes of each record of `segments[index]`, checked against what the
    /// entity allows (its methods, and the fields and children the ticket stages need); the
    /// segment is narrowed to what the write reads.
    func writeAction(_ stage: Stage, at index: Int, in segments: inout [PlanSegment]) throws(Diagnostic) -> WriteAction
    {
        let entity = segments[index].entity
        let span = stage.keywordSpan
        func refuse(_ needs: String) -> Diagnostic {
            Diagnostic(
                .stageNeedsCapability(
                    stage: stage.kind.keyword,
                    needs: needs,
                    entity: entity.name,
                    example: stage.kind.example
                ),
                source: source,
                span: span
            )
        }
        var lookups: [ReferenceLookup] = []
        switch stage.kind {
        case .note:
            guard entity.takesNotes(in: catalog) else { throw refuse("notes that take a text and flags") }
            segments[index].narrow(to: ["id"])
        case .close:
            guard entity.canClose else { throw refuse("a board, a status and closedFlag") }
            try entity.require(.update, source: source, span: span)
            // The status it replaces is read too: the run's journal keeps it, for `cwql undo`.
            segments[index].narrow(to: ["id", "board/id", "closedFlag", "status/id"])
            lookups.append(.closedStatus(ofBoard: .ancestorId("board/id")))
        case .assign(let member):
            guard entity.canAssign else { throw refuse("an owner") }
            try entity.require(.update, source: source, span: span)
            segments[index].narrow(to: ["id", "owner/id"])
            if let name = lookupName(member) { lookups.append(EntitySpec.memberLookup(name, catalog: catalog)) }
        case .log(_, _, let details):
            guard entity.timeChargeType != nil else { throw refuse("time entries charged to them") }
            segments[index].narrow(to: ["id"])
            // `member M`, `worktype W` by name: looked up once, as translate shows.
            if let timeEntries = catalog.entity(named: "time_entries") {
                for (key, value) in [("member", details.member), ("workType", details.workType)] {
                    if let value, let name = lookupName(value),
                        let lookup = timeEntries.lookup(
                            forReference: key,
                            named: name,
                            board: .ancestorId("board/id"),
                            catalog: catalog
                        )
                    {
                        lookups.append(lookup)
                    }
                }
            }
        case .set(let assignments):
            try entity.require(.update, source: source, span: span)
            var customFields = false
            var changed: [String] = []
            for assignment in assignments {
                switch assignment.field {
                case .field(let path):
                    let resolved = try entity.resolveForWrite(path, in: source)
                    // What the write replaces is read with the record, for the journal and `cwql undo`.
                    changed.append(resolved.referenceIdPath ?? resolved.path)
                    if let idPath = resolved.referenceIdPath, let name = lookupName(assignment.value),
                        let lookup = entity.lookup(
                            forReference: String(idPath.dropLast(3)),
                            named: name,
                            board: .ancestorId("board/id"),
                            catalog: catalog
                        )
                    {
                        lookups.append(lookup)
                    }
                case .customField:
                    // The record's own customFields (ids, captions, the other values) are read
                    // with it and written back whole.
                    customFields = true
                }
            }
            segments[index].narrow(
                to: ["id"] + (entity.hasBoardStatuses ? ["board/id"] : []) + (customFields ? ["customFields"] : [])
                    + changed.filter { $0 != "board/id" }
            )
        case .delete:
            try entity.require(.delete, source: source, span: span)
            segments[index].narrow(to: ["id"])
        default:
            break
        }
        return WriteAction(
            stage: stage,
            entity: entity,
            ancestorPaths: try ancestorPaths(of: index, in: &segments, span: span),
            lookups: lookups
        )
    }

    /// The name a reference is looked up by, as written (`jsmith`, `"In Progress"`, `$who`);
    /// nil for an id or null, which need no lookup.
    private func lookupName(_ value: ValueExpr) -> String? {
        switch value {
        case .string(let text, _), .word(let text, _): return text
        case .number, .null: return nil
        default: return source.text(of: value.span)
        }
    }
}

extension StageKind {
    /// The stage as a message shows it in an example.
    var example: String {
        switch self {
        case .note: return "note \"…\""
        case .assign: return "assign jsmith"
        case .log: return "log 1h \"…\""
        default: return keyword
        }
    }
}
