import CWJSON
import ConnectWiseSpec
import Foundation
import Synchronization

/// The simulator's data: every table behind one lock, so concurrent requests see each
/// write whole. The first release's resources are seeded at start; every other list of the
/// spec is generated from its model the first time it is read, so memory grows with what is
/// seeded and read, not with the size of the spec.
public final class SimulatorStore: Sendable {
    struct State: Sendable {
        let catalog: ResourceCatalog
        let synthesis: Synthesis
        var partitions: Partitions
        /// Bumped by every write; cached matches of an older version are stale.
        var version = 0
        var matches: [String: (version: Int, indices: [Int])] = [:]
        var defaultsByModel: [String: JSONObject] = [:]
    }

    private let state: Mutex<State>
    let catalog: ResourceCatalog

    init(partitions: Partitions, synthesis: Synthesis) {
        catalog = synthesis.catalog
        state = Mutex(State(catalog: synthesis.catalog, synthesis: synthesis, partitions: partitions))
    }

    /// Seeded data for a configuration.
    convenience init(configuration: SimulatorConfiguration) {
        let today = Int64(Date().timeIntervalSince1970) / 86_400 * 86_400
        let synthesis = Synthesis(
            catalog: .published,
            seed: configuration.seed,
            referenceDay: configuration.referenceDay ?? today
        )
        // Seeded "today" ends a minute before the simulator starts: ConnectWise has no change
        // stamped in the future, and a watch started on a fresh simulator has nothing to handle
        // until something changes. A fixed reference day stays as given.
        var seeder = Seeder(
            synthesis: synthesis,
            latest: configuration.referenceDay == nil ? Int64(configuration.clock.now()) - 60 : nil
        )
        self.init(partitions: seeder.seed(tickets: configuration.tickets), synthesis: synthesis)
    }

    /// How many records a hand-seeded resource (`tickets`, `ticket_notes`) or a template holds,
    /// all parents together.
    public func count(_ name: String) -> Int {
        records(name).count
    }

    /// Every stored record of a hand-seeded resource (`tickets`) or a template, all parents
    /// together, in id order: the fields each record holds itself, without its model's defaults.
    public func records(_ name: String) -> [JSONObject] {
        let template = catalog.templatesByName[name] ?? name
        return state.withLock { $0.partitions.all(template) }
    }

    /// One stored record by id, whatever its parent.
    public func record(_ name: String, id: Int) -> JSONObject? {
        let template = catalog.templatesByName[name] ?? name
        return state.withLock { $0.partitions.find(template, id: id) }
    }

    /// Reads under the lock; may fill the caches and generate a list's rows, changes no record.
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
    /// The records of a list under its parents: a view's source rows, generated rows on the
    /// first read of a list nobody seeded, the seeded rows otherwise.
    mutating func table(_ resource: SimulatedResource, parents: [Int]) -> Table {
        let template = resource.viewOf ?? resource.template
        let key = PartitionKey(template: template, parents: parents)
        if let table = partitions.tables[key] { return table }
        guard let source = catalog.resources[template], !source.isCore else { return Table() }
        var table = Table()
        for id in synthesis.rowIds(template, parents: parents) {
            let row = synthesis.row(source, parents: parents, id: id) { model, pick in self.reference(model, pick) }
            _ = table.insert(row, id: id)
        }
        partitions.tables[key] = table
        if partitions.nextIds[template] == nil {
            partitions.nextIds[template] = parents.isEmpty ? synthesis.rowCount(template, parents: []) + 1 : 10_000_000
        }
        return table
    }

    /// The defaults of a model, built on first use.
    mutating func defaults(_ model: String) -> JSONObject {
        if let known = defaultsByModel[model] { return known }
        let made = synthesis.defaults(for: model) { model, pick in self.reference(model, pick) }
        defaultsByModel[model] = made
        return made
    }

    /// A reference to a record of the list a reference model points at (``Partitions/reference(_:_:catalog:synthesis:)``).
    func reference(_ model: String, _ pick: Synthesis.ReferencePick) -> JSON {
        partitions.reference(model, pick, catalog: catalog, synthesis: synthesis)
    }

    /// The rows of a list and its model's defaults as they are now (a copy that shares their
    /// storage), with the match cache's entry for `key`, for filtering outside the lock.
    mutating func snapshot(_ resource: SimulatedResource, parents: [Int], key: String) -> ListSnapshot {
        let cached = matches[key].flatMap { $0.version == version ? $0.indices : nil }
        return ListSnapshot(
            table: table(resource, parents: parents),
            defaults: defaults(resource.model),
            version: version,
            cached: cached
        )
    }

    /// Remembers the matches of a walk's query between its pages, unless a write came since.
    mutating func remember(_ indices: [Int], key: String, version: Int) {
        guard version == self.version else { return }
        if matches.count > 64 { matches.removeAll() }
        matches[key] = (version, indices)
    }
}

/// A list's rows as they were when a request came, read outside the store's lock.
struct ListSnapshot: Sendable {
    var table: Table
    var defaults: JSONObject
    var version: Int
    var cached: [Int]?
}

extension SimulatorStore {
    /// A page of matching records. Forward-only pages start after `pageId`; numbered pages
    /// slice the matches, which are cached between the pages of one walk (until a write).
    /// The records are filtered and sorted outside the store's lock, so a costly request holds
    /// up no other.
    func list(
        _ resource: SimulatedResource,
        parents: [Int],
        query: ListQuery
    ) throws(APIFailure)
        -> (records: [JSONObject], more: Bool, total: Int?, defaults: JSONObject)
    {
        let key = matchKey(resource, parents: parents, query: query)
        let snapshot = try read { (state) throws(APIFailure) in state.snapshot(resource, parents: parents, key: key) }
        let rows = snapshot.table.records
        if query.forwardOnly {
            var page: [JSONObject] = []
            var index = snapshot.table.firstIndex(after: query.pageId ?? 0)
            while index < rows.count {
                let record = rows[index]
                index += 1
                guard query.matches(RecordView(stored: record, defaults: snapshot.defaults)) else { continue }
                if page.count == query.pageSize { return (page, true, nil, snapshot.defaults) }
                page.append(record)
            }
            return (page, false, nil, snapshot.defaults)
        }
        let indices = try matchingIndices(snapshot, query: query, key: key)
        // A huge page number is past the end, not an overflow.
        let (offset, overflowed) = Swift.max(0, query.page - 1).multipliedReportingOverflow(by: query.pageSize)
        let start = overflowed ? indices.count : min(indices.count, offset)
        let end = min(indices.count, start + query.pageSize)
        return (indices[start..<end].map { rows[$0] }, end < indices.count, indices.count, snapshot.defaults)
    }

    func count(_ resource: SimulatedResource, parents: [Int], query: ListQuery) throws(APIFailure) -> Int {
        let key = matchKey(resource, parents: parents, query: query)
        let snapshot = try read { (state) throws(APIFailure) in state.snapshot(resource, parents: parents, key: key) }
        return try matchingIndices(snapshot, query: query, key: key).count
    }

    private func matchKey(_ resource: SimulatedResource, parents: [Int], query: ListQuery) -> String {
        "\(resource.template)|\(parents)|\(query.cacheKey)"
    }

    /// Positions of the matching records, in the query's order.
    private func matchingIndices(_ snapshot: ListSnapshot, query: ListQuery, key: String) throws(APIFailure) -> [Int] {
        if let cached = snapshot.cached { return cached }
        let views = snapshot.table.records.map { RecordView(stored: $0, defaults: snapshot.defaults) }
        var indices = views.indices.filter { query.matches(views[$0]) }
        if !query.orderBy.isEmpty {
            indices = query.sorted(indices) { views[$0] }
        }
        try read { (state) throws(APIFailure) in state.remember(indices, key: key, version: snapshot.version) }
        return indices
    }
}

extension Partitions {
    /// A reference (`{id, identifier, name}`, as the reference model has them) to a record of the
    /// list the model points at; a made-up record when no list of the spec holds that model.
    func reference(
        _ model: String,
        _ pick: Synthesis.ReferencePick,
        catalog: ResourceCatalog,
        synthesis: Synthesis
    ) -> JSON {
        let keys = (catalog.facts.fields(of: model) ?? []).filter { $0.name == "identifier" || $0.name == "name" }
        var record: JSONObject?
        var id: Int
        switch pick {
        case .exact(let exact): id = exact
        case .some(let n): id = 1 + n % 5
        }
        if let template = catalog.referenceTargets[model], let target = catalog.resources[template] {
            if target.isCore {
                let table = tables[PartitionKey(template: template, parents: [])] ?? Table()
                switch pick {
                case .some(let n): record = table.records.isEmpty ? nil : table.records[n % table.records.count]
                case .exact(let exact): record = table.record(exact)
                }
                id = record?["id"]?.intValue ?? id
            } else if case .some(let n) = pick {
                id = 1 + n % max(1, synthesis.rowCount(template, parents: []))
            }
        }
        let modelName = String(model.dropLast(model.hasSuffix("Reference") ? "Reference".count : 0))
        var pairs: [(String, JSON)] = [("id", .int(id))]
        for field in keys {
            let key = field.name
            if case .enumeration(let values) = field.type, !values.isEmpty {
                // Some references are named by a fixed set (`AccountingPackageReference.identifier`).
                pairs.append((key, .string(values[(id - 1 + values.count) % values.count])))
            } else if let value = record?[key] {
                pairs.append((key, value))
            } else if key == "name", let record, let first = record["firstName"]?.stringValue {
                let last = record["lastName"]?.stringValue ?? ""
                pairs.append((key, .string(last.isEmpty ? first : "\(first) \(last)")))
            } else if record == nil {
                pairs.append(
                    (
                        key,
                        .string(
                            key == "identifier"
                                ? Synthesis.identifier(model: modelName, id: id)
                                : Synthesis.name(model: modelName, id: id)
                        )
                    )
                )
            }
        }
        return .object(JSONObject(pairs: pairs))
    }
}
