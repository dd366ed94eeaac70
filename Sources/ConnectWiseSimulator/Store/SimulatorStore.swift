import CWJSON
import Foundation
import Synchronization

/// The simulator's data: every table behind one lock, so concurrent requests see each
/// write whole.
public final class SimulatorStore: Sendable {
    struct State: Sendable {
        var tables: [String: Table]
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

    func read<T>(_ body: (State) throws(APIFailure) -> T) throws(APIFailure) -> T {
        try state.withLock { (state: inout State) throws(APIFailure) -> T in try body(state) }
    }

    func write<T>(_ body: (inout State) throws(APIFailure) -> T) throws(APIFailure) -> T {
        try state.withLock { (state: inout State) throws(APIFailure) -> T in try body(&state) }
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
    /// skip `(page - 1) * pageSize` matches. `more` tells whether another match follows.
    func list(_ table: String, parent: (key: String, id: Int)?, query: ListQuery) -> (records: [JSONObject], more: Bool) {
        guard let rows = tables[table]?.records else { return ([], false) }
        let parentMatches: (JSONObject) -> Bool = { record in
            guard let parent else { return true }
            return JSON.object(record).value(atPath: parent.key)?.intValue == parent.id
        }
        if query.orderBy.isEmpty {
            var start = 0
            var skip = 0
            if query.forwardOnly {
                start = tables[table]!.firstIndex(after: query.pageId ?? 0)
            } else {
                skip = (query.page - 1) * query.pageSize
            }
            var page: [JSONObject] = []
            var index = start
            while index < rows.count {
                let record = rows[index]
                index += 1
                guard parentMatches(record), query.matches(record) else { continue }
                if skip > 0 { skip -= 1; continue }
                if page.count == query.pageSize { return (page, true) }
                page.append(record)
            }
            return (page, false)
        }
        let matching = query.sorted(rows.filter { parentMatches($0) && query.matches($0) })
        let start = min(matching.count, (query.page - 1) * query.pageSize)
        let end = min(matching.count, start + query.pageSize)
        return (Array(matching[start..<end]), end < matching.count)
    }

    func count(_ table: String, parent: (key: String, id: Int)?, query: ListQuery) -> Int {
        (tables[table]?.records ?? []).reduce(0) { total, record in
            if let parent, JSON.object(record).value(atPath: parent.key)?.intValue != parent.id { return total }
            return query.matches(record) ? total + 1 : total
        }
    }
}
