import CWJSON
import CWQLLanguage
import ConnectWiseClient
import ConnectWiseRequests

/// Runs the read part of a ``QueryPlan``: each segment's request (streamed page by page),
/// child segments for each parent record (batched into `in (…)` lists where the child is a
/// filtered collection), and the client stages.
struct QueryExecutor {
    let client: ConnectWiseClient
    let plan: QueryPlan
    let source: SourceFile
    let environment: CompileEnvironment
    /// Records a variable holds, for a plan whose first segment is `.provided`.
    var provided: [JSON]? = nil
    /// Pages the first segment's read starts with its first page, when it asks for some fields
    /// (`select`); nil: the client's own. A read of whole records does not speculate: its pages
    /// can be megabytes each, and the window bounds them by bytes only once it has seen one.
    /// Child segments (a read per parent, mostly short) never speculate.
    var prefetch: Int? = nil
    /// Takes the pages of a plan with nothing to do on the client (one read, at most a
    /// `select`), as they came: their records are not built for it. Nil: every record is built
    /// and fed to the sink.
    var pages: ((RecordPage) -> Void)? = nil

    /// Parents per request when a child collection is reached by `parent/id in (…)`.
    static let batchSize = 100

    /// Feeds every resulting record to `sink` (false stops early) and says how the pipeline ended.
    func run(_ sink: @escaping (JSON) async throws -> Bool) async throws -> ClientStageChain.Ending {
        var chains: [ClientStageChain] = []
        var stop = false
        // Build the chains from the last segment back, so each feeds the next segment.
        var next: (JSON) async throws -> Bool = { record in
            let more = try await sink(record)
            if !more { stop = true }
            return more
        }
        var pendingParents: [[JSON]] = Array(repeating: [], count: plan.segments.count)
        for index in plan.segments.indices.reversed() {
            let segment = plan.segments[index]
            let chain = ClientStageChain(
                stages: segment.clientStages,
                downstream: next
            )
            chains.insert(chain, at: 0)
            if index > 0, case .rows = segment.origin {
                // An aggregate's rows go straight on to the stages after it.
                next = { row in
                    if stop { return false }
                    return try await chain.push(row) && !stop
                }
            } else if index > 0 {
                let childIndex = index
                next = { parent in
                    if stop { return false }
                    if case .child(let link) = segment.origin, case .filteredBy = link.access {
                        pendingParents[childIndex].append(parent)
                        if pendingParents[childIndex].count >= QueryExecutor.batchSize {
                            let batch = pendingParents[childIndex]
                            pendingParents[childIndex] = []
                            try await feed(segmentAt: childIndex, parents: batch, into: chain)
                        }
                    } else {
                        try await feed(segmentAt: childIndex, parents: [parent], into: chain)
                    }
                    return !stop
                }
            }
        }
        try await feed(segmentAt: 0, parents: [], into: chains[0])
        try await chains[0].finish()
        for index in 1..<max(1, plan.segments.count) {
            if !pendingParents[index].isEmpty, !stop {
                try await feed(segmentAt: index, parents: pendingParents[index], into: chains[index])
                pendingParents[index] = []
            }
            try await chains[index].finish()
        }
        if let last = plan.segments.last, last.countOnly { return .count(countTotal) }
        return chains.last!.ending
    }

    let countBox = CountBox()
    private var countTotal: Int { countBox.total }

    /// Runs one segment's request(s) for the given parents and pushes the records into `chain`.
    /// The requests are the plan's own steps, with the parents' ids filled in: nothing here
    /// builds a request a second time.
    private func feed(segmentAt index: Int, parents: [JSON], into chain: ClientStageChain) async throws {
        let segment = plan.segments[index]
        if case .provided = segment.origin {
            for record in provided ?? [] where !(try await chain.push(record)) { return }
            return
        }
        let requests = boundRequests(plan.steps[index].request, segment: segment, parents: parents)
        if segment.countOnly {
            for (request, _) in requests {
                let body = try await client.send(request).body
                guard let count = body["count"]?.intValue else {
                    throw ConnectWiseError.invalidResponse(path: request.pathText, reason: "no count in the answer")
                }
                countBox.total += count
            }
            return
        }
        if case .record = segment.origin {
            _ = try await chain.push(try await client.send(requests[0].request).body)
            return
        }
        // A segment's `take` caps what it delivers over all its parents' requests together.
        for (request, parent) in requests {
            var limit = segment.limit
            if let cap = segment.limit {
                limit = cap - countBox.delivered[index, default: 0]
                if limit! <= 0 { return }
            }
            var list = ListRequest(request, limit: limit, pageSize: maximumPageSize, walk: .fastest)
            if index == 0, request.parameter("fields") != nil { list.prefetch = prefetch }
            if let pages, takesPages(segmentAt: index) {
                var stream = client.records(list).makeAsyncIterator()
                while let page = try await stream.nextPage() {
                    countBox.delivered[index, default: 0] += page.elements.count
                    pages(page)
                }
                return
            }
            for try await record in client.records(list) {
                countBox.delivered[index, default: 0] += 1
                if !(try await chain.push(carrying(parent(record), in: segment, record))) { return }
            }
        }
    }

    /// Whether a segment's pages can go to ``pages`` as they came: the plan's only read, of a
    /// collection, with no stage on the client but a `select` (which the writer applies).
    private func takesPages(segmentAt index: Int) -> Bool {
        let segment = plan.segments[index]
        guard plan.segments.count == 1, case .collection = segment.origin else { return false }
        return !segment.countOnly && !segment.carriesParent && segment.clientStages.allSatisfy(\.isPresentationOnly)
    }

    /// The step's request with its holes filled, each with a way to find the parent of a
    /// record it answers: once for a collection or a record, once per parent for a sub-path
    /// (`…/{id}/notes`, `/service/boards/{board.id}/statuses/{id}/notifications`), once per
    /// batch of parents for a filtered child (`… in ({ids})`).
    private func boundRequests(
        _ template: Request,
        segment: PlanSegment,
        parents: [JSON]
    ) -> [(request: Request, parent: @Sendable (JSON) -> JSON?)] {
        guard case .child(let link) = segment.origin else { return [(template.bound(), { _ in nil })] }
        switch link.access {
        case .subPath:
            return parents.compactMap { parent in
                guard let id = parent["id"]?.intValue else { return nil }
                let request = template.bound(
                    parentId: id,
                    ancestorId: { parent.value(atPathIgnoringCase: $0)?.intValue }
                )
                return (request, { _ in parent })
            }
        case .filteredBy(let field, _):
            let ids = parents.compactMap { $0["id"]?.intValue }
            guard !ids.isEmpty else { return [] }
            let byId = Dictionary(
                parents.compactMap { parent in parent["id"]?.intValue.map { ($0, parent) } },
                uniquingKeysWith: { first, _ in first }
            )
            return [
                (
                    template.bound(ids: ids),
                    { record in record.value(atPathIgnoringCase: field)?.intValue.flatMap { byId[$0] } }
                )
            ]
        }
    }

    /// The record with the record it hangs under, when the plan needs its parent's fields or ids.
    private func carrying(_ parent: @autoclosure () -> JSON?, in segment: PlanSegment, _ record: JSON) -> JSON {
        guard segment.carriesParent, let key = segment.carryKey, case .object(var object) = record,
            let parent = parent()
        else { return record }
        object[key] = parent
        return .object(object)
    }

}

/// The running total of `/count` answers over several parents, and how many records each
/// segment has delivered (for a `take` over several parents' requests).
final class CountBox: @unchecked Sendable {
    var total = 0
    var delivered: [Int: Int] = [:]
}
