import CWJSON
import ConnectWiseRequests

/// What to list: the request of the first page (its parameters, other than paging, repeat on
/// every page), and when to stop.
public struct ListRequest: Sendable {
    /// The request as planned, with no holes left (the ids of a previous step filled in).
    public var request: Request
    /// Stop after this many records.
    public var limit: Int?
    /// Records per page, at most 1000.
    public var pageSize: Int
    /// How to walk the pages.
    public var walk: Walk
    /// Pages a numbered walk starts with its first, before it knows how many there are; nil:
    /// the client's `prefetch`.
    public var prefetch: Int?

    /// How pages are walked.
    public enum Walk: Sendable {
        /// Numbered pages, `concurrency` at a time, once the first page has said how many there
        /// are (plus the client's `prefetch` pages started with it): the fastest for large
        /// results. Records changed while walking may shift pages.
        case fastest
        /// Forward-only by id, one page after another: stays correct while the walked records
        /// change (closing "open tickets" as they arrive skips none).
        case stable
    }

    /// Parameters the client sets itself, page by page.
    static let pagingParameters: Set<String> = ["page", "pageSize", "pageId"]

    public init(_ request: Request, limit: Int? = nil, pageSize: Int = 1000, walk: Walk = .stable) {
        self.request = request
        self.limit = limit
        self.pageSize = Swift.max(1, Swift.min(1000, pageSize))
        self.walk = walk
    }

    /// A list of a collection with text parameters (name lookups, reconciliation, tests).
    public init(
        path: String,
        conditions: String? = nil,
        filters: [QueryItem] = [],
        orderBy: String? = nil,
        fields: [String]? = nil,
        limit: Int? = nil,
        pageSize: Int = 1000,
        walk: Walk = .stable
    ) {
        var query: [QueryItem] = []
        if let conditions { query.append(QueryItem("conditions", conditions)) }
        query += filters
        if let orderBy { query.append(QueryItem("orderBy", orderBy)) }
        if let fields { query.append(QueryItem("fields", fields.joined(separator: ","))) }
        self.init(Request(.get, RequestPath(path), query: query), limit: limit, pageSize: pageSize, walk: walk)
    }

    /// The collection's path under the API root.
    public var path: String { request.boundPath() }
    /// `orderBy`; nil walks forward-only by id, which stays correct while records change.
    public var orderBy: String? { request.parameter("orderBy") }
    public var conditions: String? { request.parameter("conditions") }
    /// The parameters that choose records (`conditions`, `childConditions`, `customFieldConditions`).
    public var filters: [QueryItem] { request.query.filter { QueryItem.filterNames.contains($0.name) } }

    /// The parameters every page repeats, in the planned order.
    var sharedParameters: [QueryItem] {
        request.query.filter { !ListRequest.pagingParameters.contains($0.name) }
    }

    /// Records per numbered page: every page of a walk has the same length.
    var numberedPageLength: Int { limit.map { Swift.min(pageSize, $0) } ?? pageSize }

    /// The query of one numbered page.
    func numberedPageQuery(_ page: Int) -> [QueryItem] {
        var query = sharedParameters
        query.append(QueryItem("page", String(page)))
        query.append(QueryItem("pageSize", String(numberedPageLength)))
        return query
    }
}

extension ConnectWiseClient {
    /// The matching records, fetched a page at a time ahead of the consumer (a bounded number
    /// of pages), so memory does not grow with the result.
    ///
    /// With `walk: .stable` and no `orderBy`, pages are walked forward-only by id (`pageId`): a
    /// record changed or removed while walking cannot make another be skipped, and the known
    /// forward-only quirks (a next link repeating the current page, no Link header) end the walk
    /// cleanly. Otherwise numbered pages are fetched `concurrency` at a time in a sliding window
    /// (``NumberedPageWindow``).
    public func records(_ request: ListRequest) -> RecordStream {
        RecordStream(client: self, request: request)
    }
}

/// An `AsyncSequence` of records; see ``ConnectWiseClient/records(_:)``.
public struct RecordStream: AsyncSequence, Sendable {
    public typealias Element = JSON
    let client: ConnectWiseClient
    let request: ListRequest

    public func makeAsyncIterator() -> Iterator {
        Iterator(client: client, request: request)
    }

    /// Collects every record (for small results).
    public func collect() async throws -> [JSON] {
        var all: [JSON] = []
        for try await record in self { all.append(record) }
        return all
    }

    public struct Iterator: AsyncIteratorProtocol {
        let client: ConnectWiseClient
        let request: ListRequest
        private var buffer: [JSON] = []
        private var bufferIndex = 0
        private var delivered = 0
        private var finished = false
        // forward-only
        private var pageId = 0
        // numbered pages
        private var numbered: WindowOwner?

        init(client: ConnectWiseClient, request: ListRequest) {
            self.client = client
            self.request = request
        }

        public mutating func next() async throws -> JSON? {
            while true {
                if let limit = request.limit, delivered >= limit {
                    cancelPending()
                    return nil
                }
                if bufferIndex < buffer.count {
                    // Handed over, not copied: a record is freed once its consumer is done with
                    // it, not when the whole page is.
                    let record = buffer[bufferIndex]
                    buffer[bufferIndex] = .null
                    bufferIndex += 1
                    delivered += 1
                    return record
                }
                if finished { return nil }
                buffer = []
                bufferIndex = 0
                do {
                    if request.orderBy == nil && (request.walk == .stable || client.concurrency == 1) {
                        try await fetchForwardOnly()
                    } else {
                        try await fetchNumbered()
                    }
                } catch {
                    cancelPending()
                    finished = true
                    throw error
                }
            }
        }

        private var pageSize: Int {
            guard let limit = request.limit else { return request.pageSize }
            return Swift.max(1, Swift.min(request.pageSize, limit - delivered))
        }

        private mutating func fetchForwardOnly() async throws {
            let size = pageSize
            var query = request.sharedParameters
            query.append(QueryItem("pageSize", String(size)))
            if pageId > 0 { query.append(QueryItem("pageId", String(pageId))) }
            let response = try await client.send(
                Request(.get, RequestPath(request.path), query: query, headers: [("pagination-type", "forward-only")])
            )
            guard let page = response.body.arrayValue else {
                throw ConnectWiseError.invalidResponse(path: request.path, reason: "expected a list of records")
            }
            let lastId = page.last?["id"]?.intValue ?? 0
            // A page that does not move past the last one is the server ignoring `pageId` (or a
            // looping link): its records were delivered already, so none is delivered again,
            // and the walk ends with an error rather than a result that may be incomplete.
            if pageId > 0, let firstId = page.first?["id"]?.intValue, firstId <= pageId {
                throw ConnectWiseError.invalidResponse(
                    path: request.path,
                    reason:
                        "the page after id \(pageId) started at id \(firstId) again (pageId was ignored); \(delivered) records were read before it"
                )
            }
            buffer = page
            // Stop on a short page, or when the walk would not move forward.
            if page.count < size || lastId <= pageId {
                finished = true
            } else if let limit = request.limit, delivered + page.count >= limit {
                finished = true
            } else if response.header("Link") != nil && response.nextLink == nil {
                finished = true
            }
            pageId = lastId
        }

        /// Numbered pages in a sliding window of `concurrency` requests
        /// (``NumberedPageWindow``). The first page says how many pages there are
        /// (`Link rel="last"`); a server that does not say is asked `/count`. Without
        /// `prefetch` the walk sends exactly its pages and costs one round trip more than
        /// `pages / concurrency`; with it, that round trip is bought with requests for pages
        /// past the end of a short result.
        private mutating func fetchNumbered() async throws {
            if numbered == nil {
                let length = pageLength
                let maximumPages = request.limit.map { Swift.max(1, ($0 + length - 1) / length) }
                let window = NumberedPageWindow(
                    concurrency: client.concurrency,
                    speculative: request.prefetch ?? client.prefetch,
                    maximumPages: maximumPages,
                    fetch: pageFetcher()
                )
                numbered = WindowOwner(window)
                window.begin()
            }
            guard let records = try await numbered!.window.next() else {
                finished = true
                return
            }
            buffer = records
            // A short page ends the walk even before the last (records removed meanwhile).
            if records.count < pageLength {
                finished = true
                cancelPending()
            }
        }

        /// Fetches one numbered page; the first also learns how many pages there are.
        private func pageFetcher() -> NumberedPageWindow.Fetch {
            let client = self.client
            let request = self.request
            let length = pageLength
            return { page in
                let response = try await client.send(
                    Request(.get, RequestPath(request.path), query: request.numberedPageQuery(page))
                )
                guard let records = response.body.arrayValue else {
                    throw ConnectWiseError.invalidResponse(path: request.path, reason: "expected a list of records")
                }
                let bytes = response.bodyBytes
                guard page == 1 else { return NumberedPage(records: records, bytes: bytes) }
                if records.count < length { return NumberedPage(records: records, bytes: bytes, totalPages: 1) }
                if let last = response.lastPage {
                    return NumberedPage(records: records, bytes: bytes, totalPages: last)
                }
                let total = try await client.count(request.path, filters: request.filters)
                return NumberedPage(
                    records: records,
                    bytes: bytes,
                    totalPages: Swift.max(1, (total + length - 1) / length)
                )
            }
        }

        private var pageLength: Int { request.numberedPageLength }

        private mutating func cancelPending() {
            numbered?.window.cancel()
            numbered = nil
        }
    }
}
