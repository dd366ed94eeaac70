import CWJSON

/// HTTP methods of the ConnectWise API.
public enum HTTPMethod: String, Sendable, Codable, CaseIterable {
    case get = "GET"
    case post = "POST"
    case patch = "PATCH"
    case put = "PUT"
    case delete = "DELETE"

    /// Methods that may be sent again after a lost response.
    public var isIdempotent: Bool { self == .get || self == .put || self == .delete }
}

/// A path under the API root with typed holes for the ids a plan only knows when it runs:
/// `/service/tickets/{id}/notes` for each record of the previous step, and
/// `/service/boards/{board.id}/statuses/{id}/notifications` for a list under two ids.
public struct RequestPath: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Part: Sendable, Hashable, Codable {
        case literal(String)
        /// The id of a record of the previous step (`{id}`).
        case parentId
        /// The id of a record that the record of the previous step (or, in a write, the
        /// written record) hangs under, read from this path of it (`board/id` of a board's
        /// status; `{board.id}` in `translate`).
        case ancestorId(String)
    }

    public var parts: [Part]

    public init(_ parts: [Part]) { self.parts = parts }

    /// A path with no holes.
    public init(_ literal: String) { self.parts = [.literal(literal)] }

    /// The path with `{id}` for the parent's id and `{name.id}` for an ancestor's, as `translate` shows it.
    public var description: String {
        parts.map { part in
            switch part {
            case .literal(let text): return text
            case .parentId: return "{id}"
            case .ancestorId(let path): return RequestPath.hole(path)
            }
        }.joined()
    }

    /// `board/id` → `{board.id}`.
    static func hole(_ path: String) -> String { "{" + path.replacing("/", with: ".") + "}" }

    /// True when the path waits for a parent's id.
    public var hasHoles: Bool { parts.contains { if case .literal = $0 { false } else { true } } }

    /// The path with its holes filled: `parentId` for `{id}`, `ancestorId(path)` for an
    /// ancestor's; a hole whose id is nil is shown as in ``description``.
    public func bound(parentId: Int?, ancestorId: (String) -> Int? = { _ in nil }) -> String {
        parts.map { part in
            switch part {
            case .literal(let text): return text
            case .parentId: return parentId.map(String.init) ?? "{id}"
            case .ancestorId(let path): return ancestorId(path).map(String.init) ?? RequestPath.hole(path)
            }
        }.joined()
    }

    /// The paths the ancestor holes read, outermost first.
    public var ancestorPaths: [String] {
        parts.compactMap { if case .ancestorId(let path) = $0 { path } else { nil } }
    }

    /// This path followed by more.
    public func appending(_ suffix: String) -> RequestPath {
        guard case .literal(let last)? = parts.last else { return RequestPath(parts + [.literal(suffix)]) }
        return RequestPath(parts.dropLast() + [.literal(last + suffix)])
    }
}

/// A query parameter's value: text, a conditions tree, or the page number the runtime fills.
public enum QueryValue: Sendable, Hashable, Codable {
    case text(String)
    case conditions(Conditions)
    /// `page`, numbered by the client's walk (`1` in `translate`).
    case page

    /// The value; `ids` fills a conditions hole, `page` the page number.
    public func rendered(ids: [Int]? = nil, page: Int = 1) -> String {
        switch self {
        case .text(let text): return text
        case .conditions(let conditions): return conditions.rendered(ids: ids)
        case .page: return String(page)
        }
    }
}

/// One query parameter; parameters keep their order (ConnectWise's `Link` does too).
public struct QueryItem: Sendable, Hashable, Codable {
    /// The parameters that choose records, in the order cwql sends them: every page and a
    /// `/count` of the same collection repeat them.
    public static let filterNames = ["conditions", "childConditions", "customFieldConditions"]

    public var name: String
    public var value: QueryValue

    public init(_ name: String, _ value: QueryValue) {
        self.name = name
        self.value = value
    }

    public init(_ name: String, _ text: String) {
        self.init(name, .text(text))
    }
}

/// One request to the ConnectWise API, relative to the API root (`…/apis/3.0`): what the
/// planner emits (with holes for the ids of the previous step and the page), what `translate`
/// and `--dry-run` print, and what the client sends once the holes are filled.
public struct Request: Sendable {
    public var method: HTTPMethod
    public var path: RequestPath
    public var query: [QueryItem]
    public var headers: [(name: String, value: String)]
    public var body: JSON?
    /// Set for writes that change nothing when repeated (a PATCH of `replace` operations).
    public var repeatable: Bool

    public init(
        _ method: HTTPMethod,
        _ path: RequestPath,
        query: [QueryItem] = [],
        headers: [(name: String, value: String)] = [],
        body: JSON? = nil,
        repeatable: Bool = false
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.repeatable = repeatable
    }

    /// A request with a literal path and text parameters.
    public init(
        _ method: HTTPMethod,
        _ path: String,
        query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = [],
        body: JSON? = nil,
        repeatable: Bool = false
    ) {
        self.init(
            method,
            RequestPath(path),
            query: query.map { QueryItem($0.name, $0.value) },
            headers: headers,
            body: body,
            repeatable: repeatable
        )
    }

    /// True when sending again after a lost answer cannot change anything: reads (including
    /// `POST …/search`), PUT and DELETE.
    public var isRetrySafe: Bool {
        method.isIdempotent || repeatable || (method == .post && path.description.hasSuffix("/search"))
    }

    /// The path with its holes filled (`{id}` where not).
    public func boundPath(parentId: Int? = nil) -> String { path.bound(parentId: parentId) }

    /// `path?name=value&…`, every value percent-encoded; holes filled with the arguments, or
    /// shown as `{id}` and `{ids}` when nil.
    public func pathAndQuery(parentId: Int? = nil, ids: [Int]? = nil, page: Int = 1) -> String {
        let path = path.bound(parentId: parentId)
        guard !query.isEmpty else { return path }
        return path + "?"
            + query.map { "\($0.name)=\(PercentEncoding.encode($0.value.rendered(ids: ids, page: page)))" }
            .joined(separator: "&")
    }

    /// The path of this request (holes as `{id}`); for messages and traces.
    public var pathText: String { path.description }

    /// The value of a query parameter, rendered.
    public func parameter(_ name: String) -> String? {
        query.first { $0.name == name }?.value.rendered()
    }

    /// This request with a parameter set (replaced when present, else appended).
    public func setting(_ name: String, _ value: QueryValue) -> Request {
        var copy = self
        if let index = copy.query.firstIndex(where: { $0.name == name }) {
            copy.query[index].value = value
        } else {
            copy.query.append(QueryItem(name, value))
        }
        return copy
    }
}

extension Request {
    /// The request with its holes filled and nothing left to bind but the page: the path's
    /// `{id}` with `parentId` and `{board.id}` with `ancestorId("board/id")`, a `{ids}` in the conditions with `ids`.
    public func bound(parentId: Int? = nil, ancestorId: (String) -> Int? = { _ in nil }, ids: [Int]? = nil) -> Request {
        var copy = self
        copy.path = RequestPath(path.bound(parentId: parentId, ancestorId: ancestorId))
        copy.query = query.map { item in
            guard case .conditions(let conditions) = item.value else { return item }
            return QueryItem(item.name, .text(conditions.rendered(ids: ids)))
        }
        return copy
    }
}
