import CWJSON
import Foundation
import Synchronization

/// The simulator's data: every table behind one lock, so concurrent requests see each
/// write whole.
public final class SimulatorStore: Sendable {
    struct State: Sendable {
        var tables: [String: Table]
        /// Bumped by every write; cached matches of an older version are stale.
        var version = 0
        var matches: [String: (version: Int, indices: [Int])] = [:]
    }

    private let state: Mutex<State>

    init(tables: [String: Table]) {
        state = Mutex(State(tables: tables))
    }

    /// Seeded data for a configuration.
    convenience init(configuration: SimulatorConfiguration) {
        let today = Int64(Date().timeIntervalSince1970) / 86_400 * 86_400
        var seeder = Seeder(seed: configuration.seed, referenceDay: configuration.referenceDay ?? today)
        self.init(tables: seeder.seed(tickets: configuration.tickets))
    }

    /// How many records a table holds (all parents together for child tables).
    public func count(_ table: String) -> Int {
        state.withLock { $0.tables[table]?.records.count ?? 0 }
    }

    /// Every record of a table, as JSON objects in id order; for tests and tools.
    public func records(_ table: String) -> [JSONObject] {
        state.withLock { $0.tables[table]?.records ?? [] }
    }

    /// One record by id.
    public func record(_ table: String, id: Int) -> JSONObject? {
        state.withLock { $0.tables[table]?.record(id) }
    }

    /// Reads under the lock; may fill the match cache, changes no record.
    func read<T>(_ body: (inout State) throws(APIFailure) -> T) throws(APIFailure) -> T {
        try state.withLock { (state: inout State) throws(APIFailure) -> T in try body(&state) }
    }

    func write<T>(_ body: (inout State) throws(APIFailure) -> T) throws(APIFailure) -> T {
        try state.withLock { (state: inout State) throws(APIFailure) -> T in
            state.version += 1
            return try body(&state)
        }
    }
}

extension SimulatorStore.State {
    /// Paths that appear in a table's records (up to two levels, plus `customFields`).
    func knownPaths(_ table: String) -> Set<String> {
        var paths: Set<String> = ["id"]
        for record in (tables[table]?.records ?? []).prefix(64) {
            for (key, value) in record.pairs {
                paths.insert(key)
                if case .object(let inner) = value {
                    for innerKey in inner.keys { paths.insert("\(key)/\(innerKey)") }
                }
            }
        }
        return paths
    }

    /// A page of matching records. Forward-only pages start after `pageId`; numbered pages
    /// slice the matches, which are cached between the pages of one walk (until a write).
    mutating func list(_ table: String, parent: (key: String, id: Int)?, query: ListQuery) -> (records: [JSONObject], more: Bool, total: Int?) {
        guard let rows = tables[table]?.records else { return ([], false, 0) }
        if query.forwardOnly {
            var page: [JSONObject] = []
            var index = tables[table]!.firstIndex(after: query.pageId ?? 0)
            while index < rows.count {
                let record = rows[index]
                index += 1
                guard Self.belongs(record, to: parent), query.matches(record) else { continue }
                if page.count == query.pageSize { return (page, true, nil) }
                page.append(record)
            }
            return (page, false, nil)
        }
        let indices = matchingIndices(table, parent: parent, query: query)
        // A huge page number is past the end, not an overflow.
        let (offset, overflowed) = Swift.max(0, query.page - 1).multipliedReportingOverflow(by: query.pageSize)
        let start = overflowed ? indices.count : min(indices.count, offset)
        let end = min(indices.count, start + query.pageSize)
        return (indices[start..<end].map { rows[$0] }, end < indices.count, indices.count)
    }

    /// Positions of the matching records, in the query's order.
    mutating func matchingIndices(_ table: String, parent: (key: String, id: Int)?, query: ListQuery) -> [Int] {
        let key = "\(table)|\(parent.map { "\($0.key)=\($0.id)" } ?? "")|\(query.cacheKey)"
        if let hit = matches[key], hit.version == version { return hit.indices }
        let rows = tables[table]?.records ?? []
        var indices = rows.indices.filter { Self.belongs(rows[$0], to: parent) && query.matches(rows[$0]) }
        if !query.orderBy.isEmpty {
            let sorted = query.sorted(indices.map { rows[$0] })
            let position = Dictionary(uniqueKeysWithValues: indices.map { (rows[$0]["id"]!.intValue!, $0) })
            indices = sorted.map { position[$0["id"]!.intValue!]! }
        }
        if matches.count > 64 { matches.removeAll() }
        matches[key] = (version, indices)
        return indices
    }

    static func belongs(_ record: JSONObject, to parent: (key: String, id: Int)?) -> Bool {
        guard let parent else { return true }
        return JSON.object(record).value(atPath: parent.key)?.intValue == parent.id
    }

    mutating func count(_ table: String, parent: (key: String, id: Int)?, query: ListQuery) -> Int {
        matchingIndices(table, parent: parent, query: query).count
    }
}
