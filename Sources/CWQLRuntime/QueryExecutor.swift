import CWJSON
import CWQLLanguage
import ConnectWiseClient

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
                stages: segment.clientStages, predicates: try predicates(for: segment), downstream: next)
            chains.insert(chain, at: 0)
            if index > 0 {
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
    private func feed(segmentAt index: Int, parents: [JSON], into chain: ClientStageChain) async throws {
        let segment = plan.segments[index]
        if segment.countOnly {
            for request in listRequests(segment, at: index, parents: parents) {
                countBox.total += try await client.count(request.path, conditions: request.conditions, customFieldConditions: request.customFieldConditions)
            }
            return
        }
        if case .provided = segment.origin {
            for record in provided ?? [] where !(try await chain.push(record)) { return }
            return
        }
        if case .record(let id) = segment.origin {
            var query: [(name: String, value: String)] = []
            if let fields = segment.fields { query.append(("fields", fields.joined(separator: ","))) }
            let record = try await client.get("\(segment.entity.path)/\(id)", query: query)
            _ = try await chain.push(record)
            return
        }
        for request in listRequests(segment, at: index, parents: parents) {
            for try await record in client.records(request) {
                if !(try await chain.push(record)) { return }
            }
        }
    }

    /// The list requests of a segment: one for a collection, one per parent for a sub-path,
    /// one per batch for a filtered child.
    private func listRequests(_ segment: PlanSegment, at index: Int, parents: [JSON]) -> [ListRequest] {
        func request(path: String, extra: String?) -> ListRequest {
            let conditions: String?
            switch (extra, segment.filter.conditions) {
            case (nil, let own): conditions = own
            case (let join?, nil): conditions = join
            case (let join?, let own?): conditions = "\(join) and (\(own))"
            }
            return ListRequest(
                path: path, conditions: conditions, customFieldConditions: segment.filter.customFieldConditions,
                orderBy: segment.orderBy.isEmpty ? nil : segment.orderBy.joined(separator: ", "), fields: segment.fields,
                limit: segment.limit, pageSize: maximumPageSize, walk: .fastest)
        }
        switch segment.origin {
        case .collection, .record, .provided:
            return [request(path: segment.entity.path, extra: nil)]
        case .child(let link):
            let ids = parents.compactMap { $0["id"]?.intValue }
            switch link.access {
            case .subPath:
                return ids.map { request(path: segment.entity.path.replacing("{parentId}", with: String($0)), extra: nil) }
            case .filteredBy(let field):
                guard !ids.isEmpty else { return [] }
                var join = "\(field) in (\(ids.map(String.init).joined(separator: ", ")))"
                if field == "chargeToId" {
                    let type = plan.segments[index - 1].entity.name == "project_tickets" ? "ProjectTicket" : "ServiceTicket"
                    join = "chargeToType = \"\(type)\" and \(join)"
                }
                return [request(path: segment.entity.path, extra: join)]
            }
        }
    }

    private func predicates(for segment: PlanSegment) throws -> [Int: ClientPredicate] {
        var result: [Int: ClientPredicate] = [:]
        let compiler = ConditionCompiler(entity: segment.entity, source: source, environment: environment)
        for (index, stage) in segment.clientStages.enumerated() {
            if case .filter(let condition) = stage { result[index] = try compiler.predicate(condition) }
        }
        return result
    }
}

/// The running total of `/count` answers over several parents.
final class CountBox: @unchecked Sendable {
    var total = 0
}
