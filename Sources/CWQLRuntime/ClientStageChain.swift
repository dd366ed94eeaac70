import CWJSON
import CWQLLanguage

/// Runs the stages the server could not (filter, select, sort, take, count, aggregates) over
/// records as they stream in; only `sort` buffers records (an aggregate keeps its totals).
final class ClientStageChain {
    /// What the chain ends in.
    enum Ending {
        case records
        case count(Int)
    }

    private let stages: [ClientStage]
    private let downstream: (JSON) async throws -> Bool
    private var taken: [Int: Int] = [:]
    private var sortBuffers: [Int: [JSON]] = [:]
    private var counted = 0
    private var aggregators: [Int: Aggregator] = [:]
    private(set) var ending: Ending = .records

    /// - Parameter downstream: receives each surviving record; returns false to stop the input.
    init(stages: [ClientStage], downstream: @escaping (JSON) async throws -> Bool) {
        self.stages = stages
        self.downstream = downstream
    }

    /// Pushes one record; false means no more input is wanted (a `take` is satisfied).
    func push(_ record: JSON) async throws -> Bool {
        try await push(record, from: 0)
    }

    private func push(_ input: JSON, from start: Int) async throws -> Bool {
        var record = input
        var index = start
        while index < stages.count {
            switch stages[index] {
            case .filter(let predicate, _):
                let keep = predicate.evaluate(lookup: { record.lookup($0) }, custom: { record.customField($0) }) == true
                if !keep { return true }
            case .project:
                break  // the writer shows the selected columns
            case .compute(let columns):
                guard case .object(var object) = record else { break }
                for column in columns {
                    object[column.label] = try column.expression.evaluate(record, source: column.source).json
                }
                record = .object(object)
            case .sort:
                sortBuffers[index, default: []].append(record)
                return true
            case .take(let limit):
                let seen = taken[index, default: 0]
                if seen >= limit { return false }
                taken[index] = seen + 1
                if seen + 1 == limit {
                    let more = try await push(record, from: index + 1)
                    _ = more
                    return false
                }
            case .count:
                counted += 1
                return true
            case .aggregate(let plan):
                aggregators[index, default: Aggregator(plan: plan)].add(record)
                return true
            }
            index += 1
        }
        return try await downstream(record)
    }

    /// Ends the input: flushes sorts and aggregates, in order, and settles the ending.
    func finish() async throws {
        for index in stages.indices {
            if case .aggregate(let plan) = stages[index] {
                let rows = (aggregators.removeValue(forKey: index) ?? Aggregator(plan: plan)).rows()
                for row in rows where !(try await push(row, from: index + 1)) { break }
            }
            if case .sort(let keys) = stages[index], let buffer = sortBuffers[index] {
                sortBuffers[index] = nil
                let sorted = buffer.sorted { lhs, rhs in
                    for key in keys {
                        let order = ClientStageChain.compare(lhs.lookup(key.column.path), rhs.lookup(key.column.path))
                        if order != 0 { return key.descending ? order > 0 : order < 0 }
                    }
                    return false
                }
                for record in sorted where !(try await push(record, from: index + 1)) { break }
            }
        }
        if let last = stages.last {
            switch last {
            case .count: ending = .count(counted)
            default: break
            }
        }
    }

    /// Nulls first, then numbers, dates and text in order (text ignoring case).
    static func compare(_ a: Value?, _ b: Value?) -> Int {
        switch (a ?? .null, b ?? .null) {
        case (.null, .null): return 0
        case (.null, _): return -1
        case (_, .null): return 1
        case (let x, let y):
            if let order = ClientPredicate.order(x, y) { return order }
            let (p, q) = (x.displayText.lowercased(), y.displayText.lowercased())
            return p == q ? 0 : (p < q ? -1 : 1)
        }
    }
}
