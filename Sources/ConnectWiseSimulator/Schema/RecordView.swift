import CWJSON
import ConnectWiseSpec

/// What conditions, `orderBy` and `fields` read a record through: a value at a `/`-separated
/// path, names matched ignoring case.
protocol FieldLookup {
    func lookup(_ path: Substring) -> JSON?
}

extension JSON: FieldLookup {
    func lookup(_ path: Substring) -> JSON? { value(atPathIgnoringCase: path) }
}

/// A stored record seen through its model's defaults: the fields a record was given are stored,
/// every other field the real system fills comes from the model (``ModelDefaults``), so a
/// hundred thousand tickets cost their own fields only. A stored `null` hides the default.
struct RecordView: FieldLookup {
    let stored: JSONObject
    let defaults: JSONObject

    func lookup(_ path: Substring) -> JSON? {
        let head: Substring
        let rest: Substring?
        if let slash = path.firstIndex(of: "/") {
            head = path[..<slash]
            rest = path[path.index(after: slash)...]
        } else {
            head = path
            rest = nil
        }
        let name = String(head)
        // Stored records and defaults use the model's spelling: an exact name is found without
        // comparing every key ignoring case.
        let value: JSON?
        if let exact = stored[name] ?? defaults[name] {
            value = exact
        } else if let key = stored.key(matching: name) {
            value = stored[key]
        } else if let key = defaults.key(matching: name) {
            value = defaults[key]
        } else {
            value = nil
        }
        guard let value, value != .null else { return nil }
        guard let rest else { return value }
        return value.value(atPathIgnoringCase: rest)
    }
}

/// A record read with one array field narrowed to one of its elements, for `childConditions`
/// (one element must satisfy them all).
struct ElementLookup<Base: FieldLookup>: FieldLookup {
    let base: Base
    let arrayField: String
    let element: JSON

    func lookup(_ path: Substring) -> JSON? {
        let head = path.prefix { $0 != "/" }
        guard head.lowercased() == arrayField.lowercased() else { return base.lookup(path) }
        let rest = path.dropFirst(head.count).drop { $0 == "/" }
        return rest.isEmpty ? element : element.value(atPathIgnoringCase: rest)
    }
}

extension SimulatedResource {
    /// The record as ConnectWise sends it: every field of the model that has a value (stored,
    /// else the default), in the model's order, `null`s and write-only fields left out, each
    /// reference with its `_info` link. With `only`, just those fields (what `fields=` asks for).
    /// Stored records and defaults hold the model's spelling of each name (the writer and the
    /// seeder see to it).
    func render(
        _ stored: JSONObject,
        defaults: JSONObject,
        links: ReferenceLinks,
        only: [FieldFact]? = nil
    ) -> JSONObject {
        let fields = only ?? self.fields
        var pairs: [(String, JSON)] = []
        pairs.reserveCapacity(fields.count)
        for field in fields where !field.isWriteOnly {
            var value = stored[field.name] ?? defaults[field.name]
            guard let found = value, found != .null else { continue }
            if case .reference(let model) = field.type, case .object(var reference) = found, reference["_info"] == nil,
                let id = reference["id"]?.intValue, let href = links.href(model: model, id: id)
            {
                reference["_info"] = .object(JSONObject(pairs: [("\(field.name)_href", .string(href))]))
                value = .object(reference)
            }
            pairs.append((field.name, value!))
        }
        return JSONObject(distinctPairs: pairs)
    }

    /// The fields the top-level names of `fields=` paths name, in the model's order; nil when
    /// every field is wanted.
    func fields(forPaths paths: [String]?) -> [FieldFact]? {
        guard let paths else { return nil }
        let heads = Set(paths.map { ($0.split(separator: "/").first.map(String.init) ?? $0).lowercased() })
        return fields.filter { heads.contains($0.name.lowercased()) }
    }
}

/// Absolute URLs of referenced records, as a reference's `_info` carries them.
struct ReferenceLinks {
    /// The API root as the client reached it (`http://127.0.0.1:8080/v4_6_release/apis/3.0`).
    let apiRoot: String
    let catalog: ResourceCatalog

    func href(model: String, id: Int) -> String? {
        catalog.referenceTargets[model].map { "\(apiRoot)\($0)/\(id)" }
    }
}
