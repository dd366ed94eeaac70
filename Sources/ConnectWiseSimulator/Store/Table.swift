import CWJSON

/// One collection of records, kept in ascending id order.
struct Table: Sendable {
    private(set) var records: [JSONObject] = []
    private(set) var nextId = 1

    /// Adds a record, giving it the next id.
    mutating func insert(_ record: JSONObject) -> JSONObject {
        var record = record
        record["id"] = .int(nextId)
        // keep `id` first, as ConnectWise does
        var ordered = JSONObject(pairs: [("id", .int(nextId))])
        for (key, value) in record.pairs where key != "id" { ordered[key] = value }
        nextId += 1
        records.append(ordered)
        return ordered
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
