/// One HTTP request of a plan, relative to the API root (`…/apis/3.0`).
public struct PlannedRequest: Sendable, Codable, Equatable {
    /// A query parameter, kept in order so output is deterministic.
    public struct QueryItem: Sendable, Codable, Equatable {
        public var name: String
        public var value: String
    }

    public var method: String
    /// The path under the API root, e.g. `/service/tickets`; `{id}` stands for each record's id.
    public var path: String
    public var query: [QueryItem]
    /// Extra headers the request carries beyond authentication and `Accept`.
    public var headers: [String: String]
    /// Nil for a single request; otherwise what the request is repeated for
    /// ("each page", "each ticket").
    public var repeats: String?

    /// `path?name=value&…`, each value percent-encoded.
    public var pathAndQuery: String {
        guard !query.isEmpty else { return path }
        return path + "?" + query.map { "\($0.name)=\(PlannedRequest.percentEncode($0.value))" }.joined(separator: "&")
    }

    /// Percent-encodes a query value: everything but `A-Z a-z 0-9 - . _ ~ / , :` is escaped,
    /// so `+`, `&`, `#`, quotes and brackets in values can never be misread.
    public static func percentEncode(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count * 2)
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: "/"), UInt8(ascii: ","), UInt8(ascii: ":"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(byte >> 4)]))
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(byte & 0x0F)]))
            }
        }
        return out
    }
}

/// The largest page ConnectWise serves.
public let maximumPageSize = 1000

extension QueryPlan {
    /// The requests the plan makes, in order, as `translate --url` shows them.
    public var requests: [PlannedRequest] {
        var requests: [PlannedRequest] = []
        var parent: PlanSegment?
        for segment in segments {
            requests.append(segment.request(after: parent))
            parent = segment
        }
        if let write {
            let line = write.requestLine.split(separator: " ", maxSplits: 1)
            requests.append(PlannedRequest(
                method: String(line[0]), path: String(line[1]), query: [], headers: [:],
                repeats: "each \(write.entity.singular.replacingUnderscores)"))
        }
        return requests
    }
}

extension PlanSegment {
    /// The request this segment makes; `parent` is the segment whose records it hangs off.
    func request(after parent: PlanSegment?) -> PlannedRequest {
        var path = entity.path
        var repeats: String?
        var conditions = filter.conditions
        switch origin {
        case .collection, .provided:
            break
        case .record(let id):
            path = "\(entity.path)/\(id)"
        case .child(let link):
            let parentName = parent.map { $0.entity.singular.replacingUnderscores } ?? "record"
            switch link.access {
            case .subPath(let suffix):
                path = (parent?.entity.path ?? "") + "/{id}" + suffix
                repeats = "each \(parentName)"
            case .filteredBy(let field):
                let join = "\(field) in ({ids})"
                conditions = conditions.map { "\(join) and \($0.wrappedIfDisjunction)" } ?? join
                repeats = "each batch of \(parentName) ids"
            }
        }
        var query: [PlannedRequest.QueryItem] = []
        if let conditions { query.append(.init(name: "conditions", value: conditions)) }
        if let custom = filter.customFieldConditions { query.append(.init(name: "customFieldConditions", value: custom)) }
        if countOnly {
            return PlannedRequest(method: "GET", path: path + "/count", query: query, headers: [:], repeats: repeats)
        }
        if case .record = origin {
            if let fields { query.append(.init(name: "fields", value: fields.joined(separator: ","))) }
            return PlannedRequest(method: "GET", path: path, query: query, headers: [:], repeats: repeats)
        }
        if !orderBy.isEmpty { query.append(.init(name: "orderBy", value: orderBy.joined(separator: ", "))) }
        if let fields { query.append(.init(name: "fields", value: fields.joined(separator: ","))) }
        // Numbered pages: the first says how many there are (Link rel="last"), the rest are
        // fetched --concurrency at a time, each with exactly the first page's parameters.
        query.append(.init(name: "page", value: "1"))
        query.append(.init(name: "pageSize", value: String(min(limit ?? maximumPageSize, maximumPageSize))))
        if limit.map({ $0 > maximumPageSize }) ?? true {
            let pages = limit.map { "pages 2…\(($0 + maximumPageSize - 1) / maximumPageSize) at most" }
                ?? "pages 2, 3, … as the first page's Link rel=\"last\" says"
            repeats = repeats.map { "\($0), \(pages)" } ?? pages
        }
        return PlannedRequest(method: "GET", path: path, query: query, headers: [:], repeats: repeats)
    }
}

extension String {
    var replacingUnderscores: String { String(map { $0 == "_" ? " " : $0 }) }

    /// Parenthesised when the conditions hold a top-level `or`, so that adding `and …` keeps
    /// the meaning.
    var wrappedIfDisjunction: String {
        var depth = 0
        var inString = false
        var escaped = false
        var previous: Character = " "
        var index = startIndex
        while index < endIndex {
            let character = self[index]
            if inString {
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { inString = false }
            } else if character == "\"" {
                inString = true
            } else if character == "(" {
                depth += 1
            } else if character == ")" {
                depth -= 1
            } else if depth == 0, previous == " ", self[index...].hasPrefix("or ") {
                return "(\(self))"
            }
            previous = character
            index = self.index(after: index)
        }
        return self
    }
}
