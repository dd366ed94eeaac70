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
        switch stage.kind {
        case .note:
            guard entity.takesNotes(in: catalog) else { throw refuse("notes that take a text and flags") }
            segments[index].narrow(to: ["id"])
        case .close:
            guard entity.canClose else { throw refuse("a board, a status and closedFlag") }
            try entity.require(.update, source: source, span: span)
            segments[index].narrow(to: ["id", "board/id", "closedFlag"])
        case .assign:
            guard entity.canAssign else { throw refuse("an owner") }
            try entity.require(.update, source: source, span: span)
            segments[index].narrow(to: ["id"])
        case .log:
            guard entity.timeChargeType != nil else { throw refuse("time entries charged to them") }
            segments[index].narrow(to: ["id"])
        case .set(let assignments):
            try entity.require(.update, source: source, span: span)
            for assignment in assignments {
                if case .field(let path) = assignment.field { _ = try entity.resolveForWrite(path, in: source) }
            }
            segments[index].narrow(to: ["id"] + (entity.hasBoardStatuses ? ["board/id"] : []))
        case .delete:
            try entity.require(.delete, source: source, span: span)
            segments[index].narrow(to: ["id"])
        default:
            break
        }
        return WriteAction(
            stage: stage,
            entity: entity,
            ancestorPaths: try ancestorPaths(of: index, in: &segments, span: span)
        )
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
