import CWJSON

/// The records of one list under one parent (or of a top-level list), kept in ascending id order.
struct Table: Sendable {
    private(set) var records: [JSONObject] = []

    /// Adds a record under the id given (above every id present), `id` first as ConnectWise sends it.
    mutating func insert(_ record: JSONObject, id: Int) -> JSONObject {
        let identified = Self.identified(record, id: id)
        records.append(identified)
        return identified
    }

    /// Adds a record that already starts with its id, above every id present.
    mutating func append(_ record: JSONObject) {
        records.append(record)
    }

    /// The record with `id` as its first field, replacing any id it had.
    static func identified(_ record: JSONObject, id: Int) -> JSONObject {
        JSONObject(
            distinctPairs: [("id", .int(id))] + record.pairs.lazy.filter { $0.key != "id" }.map { ($0.key, $0.value) }
        )
    }

    func index(of id: Int) -> Int? {
        var low = 0
        var high = records.count - 1
        while low <= high {
            let mid = (low + high) / 2
            let midId = records[mid]["id"]?.intValue ?? 0
            if midId == id { return mid }
            if midId < id { low = mid + 1 } else { high = mid - 1 }
        }
        return nil
    }

    /// The position of the first record whose id is above `id`.
    func firstIndex(after id: Int) -> Int {
        var low = 0
        var high = records.count
        while low < high {
            let mid = (low + high) / 2
            if (records[mid]["id"]?.intValue ?? 0) <= id { low = mid + 1 } else { high = mid }
        }
        return low
    }

    func record(_ id: Int) -> JSONObject? {
        index(of: id).map { records[$0] }
    }

    mutating func replace(_ id: Int, with record: JSONObject) {
        guard let position = index(of: id) else { return }
        records[position] = record
    }

    mutating func remove(_ id: Int) -> Bool {
        guard let position = index(of: id) else { return false }
        records.remove(at: position)
        return true
    }
}

/// Which records a table holds: a list's template and the parent ids its path binds.
struct PartitionKey: Hashable, Sendable {
    var template: String
    var parents: [Int]
}

/// Every table of the simulator, and the next id of each list (ids count per list across its
/// parents, as ConnectWise's do).
struct Partitions: Sendable {
    var tables: [PartitionKey: Table] = [:]
    var nextIds: [String: Int] = [:]

    /// Stores a new record under the next id of its list.
    mutating func insert(_ record: JSONObject, into template: String, parents: [Int] = []) -> JSONObject {
        insert(into: template, parents: parents) { id in Table.identified(record, id: id) }
    }

    /// Stores the record `make` builds around the next id of its list (which it must put first).
    mutating func insert(into template: String, parents: [Int] = [], make: (Int) -> JSONObject) -> JSONObject {
        let id = nextIds[template, default: 1]
        nextIds[template] = id + 1
        let record = make(id)
        tables[PartitionKey(template: template, parents: parents), default: Table()].append(record)
        return record
    }

    /// Every record of a list, all parents together, in id order.
    func all(_ template: String) -> [JSONObject] {
        tables.filter { $0.key.template == template }.values.flatMap(\.records)
            .sorted { ($0["id"]?.intValue ?? 0) < ($1["id"]?.intValue ?? 0) }
    }

    /// A record of a list by id, whatever its parent.
    func find(_ template: String, id: Int) -> JSONObject? {
        if let record = tables[PartitionKey(template: template, parents: [])]?.record(id) { return record }
        for (key, table) in tables where key.template == template {
            if let record = table.record(id) { return record }
        }
        return nil
    }
}
