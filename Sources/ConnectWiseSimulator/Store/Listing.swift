import CWJSON

/// The query parameters of a list request, parsed and checked.
struct ListQuery: Sendable {
    var conditions: ConditionsNode?
    var customFieldConditions: ConditionsNode?
    /// Conditions on fields inside arrays (`communicationItems/value = "a@b.com"`): one element
    /// of the array must satisfy them all.
    var childConditions: ConditionsNode?
    var orderBy: [(path: String, descending: Bool)] = []
    var fields: [String]?
    var page = 1
    var pageSize = 25
    var pageId: Int?
    var forwardOnly = false
    /// The filter and order as sent, for caching the matching records between pages.
    var cacheKey = ""

    /// Every path the query names on the record itself, for the unknown-field check.
    var paths: [String] {
        (conditions?.paths ?? []) + (childConditions?.paths ?? []) + orderBy.map(\.path) + (fields ?? [])
            + (customFieldConditions?.paths ?? []).map { "customFields/" + $0 }
    }
}

/// A failure that becomes a ConnectWise error response.
struct APIFailure: Error, Sendable {
    var status: Int
    var code: String
    var message: String
    var errors: [JSONObject] = []

    static func badRequest(_ message: String, code: String = "InvalidObject") -> APIFailure {
        APIFailure(status: 400, code: code, message: message)
    }

    static func notFound(_ message: String) -> APIFailure {
        APIFailure(status: 404, code: "NotFound", message: message)
    }

    var body: JSON {
        var object = JSONObject(["code": .string(code), "message": .string(message)])
        if !errors.isEmpty { object["errors"] = .array(errors.map(JSON.object)) }
        return .object(object)
    }
}

extension ListQuery {
    /// Reads the standard list parameters; a malformed one is a 400 as ConnectWise gives.
    init(parameters: [String: String], forwardOnly: Bool) throws(APIFailure) {
        self.forwardOnly = forwardOnly
        cacheKey = [
            parameters["conditions"] ?? "", parameters["childConditions"] ?? "",
            parameters["customFieldConditions"] ?? "",
            parameters["orderBy"] ?? "",
        ]
        .joined(separator: "\u{1}")
        if let text = parameters["conditions"], !text.trimmingCharacters(in: .whitespaces).isEmpty {
            do {
                conditions = try ConditionsParser.parse(text)
            } catch {
                throw APIFailure(
                    status: 400,
                    code: "InvalidObject",
                    message: "conditions: \(error.message) at position \(error.offset) in: \(text)",
                    errors: [
                        JSONObject([
                            "code": .string("ConditionsParseError"), "message": .string(error.message),
                            "resource": .string("conditions"), "field": .string("conditions"),
                        ])
                    ]
                )
            }
        }
        if let text = parameters["customFieldConditions"], !text.isEmpty {
            do {
                customFieldConditions = try ConditionsParser.parse(text)
            } catch {
                throw APIFailure.badRequest("customFieldConditions: \(error.message) at position \(error.offset)")
            }
        }
        if let text = parameters["childConditions"], !text.isEmpty {
            do {
                childConditions = try ConditionsParser.parse(text)
            } catch {
                throw APIFailure.badRequest("childConditions: \(error.message) at position \(error.offset)")
            }
        }
        if let text = parameters["orderBy"], !text.isEmpty {
            for term in text.split(separator: ",") {
                let words = term.split(separator: " ").map { String($0) }
                guard let path = words.first, words.count <= 2 else {
                    throw APIFailure.badRequest("orderBy: invalid term '\(term)'")
                }
                let direction = words.count == 2 ? words[1].lowercased() : "asc"
                guard direction == "asc" || direction == "desc" else {
                    throw APIFailure.badRequest("orderBy: invalid direction '\(words[1])'")
                }
                orderBy.append((path, direction == "desc"))
            }
        }
        if let text = parameters["fields"], !text.isEmpty {
            fields = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        if let text = parameters["page"] {
            guard let value = Int(text), value >= 0 else {
                throw APIFailure.badRequest("page must be a positive integer")
            }
            page = max(1, value)  // page=0 repeats page 1, as ConnectWise does
        }
        if let text = parameters["pageSize"] {
            guard let value = Int(text), value >= 1 else {
                throw APIFailure.badRequest("pageSize must be a positive integer")
            }
            pageSize = min(value, 1000)
        }
        if let text = parameters["pageId"] {
            guard let value = Int(text), value >= 0 else {
                throw APIFailure.badRequest("pageId must be a positive integer")
            }
            pageId = value
        }
        if forwardOnly, !orderBy.isEmpty {
            throw APIFailure.badRequest("orderBy is not supported with forward-only pagination")
        }
    }

    func matches(_ record: some FieldLookup) -> Bool {
        if let conditions, !ConditionsEvaluator.matches(conditions, record) { return false }
        if let customFieldConditions {
            guard let fields = record.lookup("customFields")?.arrayValue,
                fields.contains(where: { ConditionsEvaluator.matches(customFieldConditions, $0) })
            else { return false }
        }
        if let childConditions, !Self.someElementMatches(childConditions, record) { return false }
        return true
    }

    /// True when one element of the array the child conditions name (their first path's
    /// head) satisfies them all.
    static func someElementMatches(_ node: ConditionsNode, _ record: some FieldLookup) -> Bool {
        guard let head = node.paths.first?.split(separator: "/").first.map(String.init),
            let elements = record.lookup(head[...])?.arrayValue
        else { return false }
        return elements.contains { element in
            ConditionsEvaluator.matches(node, ElementLookup(base: record, arrayField: head, element: element))
        }
    }

    /// The record cut down to the requested fields (nested paths keep their parents).
    func project(_ record: JSONObject) -> JSONObject {
        guard let fields else { return record }
        var out = JSONObject()
        for path in fields {
            let parts = path.split(separator: "/").map(String.init)
            guard let value = JSON.object(record).value(atPathIgnoringCase: path) else { continue }
            out = Self.setting(value, at: parts[...], in: out)
        }
        return out
    }

    private static func setting(_ value: JSON, at path: ArraySlice<String>, in object: JSONObject) -> JSONObject {
        var object = object
        guard let head = path.first else { return object }
        if path.count == 1 {
            object[head] = value
        } else {
            let inner = object[head]?.objectValue ?? JSONObject()
            object[head] = .object(setting(value, at: path.dropFirst(), in: inner))
        }
        return object
    }

    /// Sorts by the orderBy terms (nulls first ascending, as SQL Server does), then by id.
    func sorted<Record: FieldLookup>(_ items: [Int], _ record: (Int) -> Record) -> [Int] {
        guard !orderBy.isEmpty else { return items }
        return items.sorted { lhs, rhs in
            let (left, right) = (record(lhs), record(rhs))
            for term in orderBy {
                let order = Self.compare(left.lookup(term.path[...]), right.lookup(term.path[...]))
                if order != 0 { return term.descending ? order > 0 : order < 0 }
            }
            return (left.lookup("id")?.intValue ?? 0) < (right.lookup("id")?.intValue ?? 0)
        }
    }

    static func compare(_ a: JSON?, _ b: JSON?) -> Int {
        switch (a ?? .null, b ?? .null) {
        case (.null, .null): return 0
        case (.null, _): return -1
        case (_, .null): return 1
        case (let x, let y):
            if let p = x.doubleValue, let q = y.doubleValue { return p == q ? 0 : (p < q ? -1 : 1) }
            if let p = x.boolValue, let q = y.boolValue { return p == q ? 0 : (p ? 1 : -1) }
            let p = (x.stringValue ?? "").lowercased()
            let q = (y.stringValue ?? "").lowercased()
            return p == q ? 0 : (p < q ? -1 : 1)
        }
    }
}
