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

/// A page of records as it came: the parsed document, and which of its elements a stream
/// delivers (a limit can cut the last page short).
public struct RecordPage: Sendable {
    public let document: JSONDocument
    public let elements: Range<Int>

    public init(document: JSONDocument, elements: Range<Int>) {
        self.document = document
        self.elements = elements
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
        /// The page being delivered, with the reader that builds its records.
        private var page: JSONRecordReader?
        private var pageEnd = 0
        private var pageIndex = 0
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

        /// The next record, built from its page when it is asked for: a page's records are
        /// never all built at once, and each is freed once its consumer is done with it.
        public mutating func next() async throws -> JSON? {
            while true {
                if pageIndex < pageEnd, var reader = page {
                    page = nil
                    let record = reader.element(pageIndex)
                    page = reader
                    pageIndex += 1
                    delivered += 1
                    return record
                }
                guard try await fetchPage() else { return nil }
            }
        }

        /// The rest of the current page, or the next page: the records as they came, for a
        /// consumer that reads them without building them. Nil after the last.
        public mutating func nextPage() async throws -> RecordPage? {
            while true {
                if pageIndex < pageEnd, let reader = page {
                    let elements = pageIndex..<pageEnd
                    pageIndex = pageEnd
                    delivered += elements.count
                    return RecordPage(document: reader.document, elements: elements)
                }
                guard try await fetchPage() else { return nil }
            }
        }

        /// Makes the next page current; false after the last (or once the limit is reached).
        private mutating func fetchPage() async throws -> Bool {
            if let limit = request.limit, delivered >= limit {
                cancelPending()
                return false
            }
            if finished { return false }
            page = nil
            pageIndex = 0
            pageEnd = 0
            do {
                let document: JSONDocument?
                if request.orderBy == nil && (request.walk == .stable || client.concurrency == 1) {
                    document = try await fetchForwardOnly()
                } else {
                    document = try await fetchNumbered()
                }
                if let document {
                    page = JSONRecordReader(document)
                    pageEnd = request.limit.map { Swift.min(document.count, $0 - delivered) } ?? document.count
                }
            } catch {
                cancelPending()
                finished = true
                throw error
            }
            return true
        }

        private var pageSize: Int {
            guard let limit = request.limit else { return request.pageSize }
            return Swift.max(1, Swift.min(request.pageSize, limit - delivered))
        }

        private mutating func fetchForwardOnly() async throws -> JSONDocument {
            let size = pageSize
            var query = request.sharedParameters
            query.append(QueryItem("pageSize", String(size)))
            if pageId > 0 { query.append(QueryItem("pageId", String(pageId))) }
            let response = try await client.sendForPage(
                Request(.get, RequestPath(request.path), query: query, headers: [("pagination-type", "forward-only")])
            )
            let page = try RecordStream.records(of: response, path: request.path)
            let id = JSONPath("id")
            let lastId = page.count > 0 ? page.value(at: id, inElement: page.count - 1)?.intValue ?? 0 : 0
            // A page that does not move past the last one is the server ignoring `pageId` (or a
            // looping link): its records were delivered already, so none is delivered again,
            // and the walk ends with an error rather than a result that may be incomplete.
            if pageId > 0, page.count > 0, let firstId = page.value(at: id, inElement: 0)?.intValue, firstId <= pageId {
                throw ConnectWiseError.invalidResponse(
                    path: request.path,
                    reason:
                        "the page after id \(pageId) started at id \(firstId) again (pageId was ignored); \(delivered) records were read before it"
                )
            }
            // Stop on a short page, or when the walk would not move forward.
            if page.count < size || lastId <= pageId {
                finished = true
            } else if let limit = request.limit, delivered + page.count >= limit {
                finished = true
            } else if response.header("Link") != nil && response.nextLink == nil {
                finished = true
            }
            pageId = lastId
            return page
        }

        /// Numbered pages in a sliding window of `concurrency` requests
        /// (``NumberedPageWindow``). The first page says how many pages there are
        /// (`Link rel="last"`); a server that does not say is asked `/count`. Without
        /// `prefetch` the walk sends exactly its pages and costs one round trip more than
        /// `pages / concurrency`; with it, that round trip is bought with requests for pages
        /// past the end of a short result.
        private mutating func fetchNumbered() async throws -> JSONDocument? {
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
                return nil
            }
            // A short page ends the walk even before the last (records removed meanwhile).
            if records.count < pageLength {
                finished = true
                cancelPending()
            }
            return records
        }

        /// Fetches one numbered page; the first also learns how many pages there are.
        private func pageFetcher() -> NumberedPageWindow.Fetch {
            let client = self.client
            let request = self.request
            let length = pageLength
            return { page in
                let response = try await client.sendForPage(
                    Request(.get, RequestPath(request.path), query: request.numberedPageQuery(page))
                )
                let records = try RecordStream.records(of: response, path: request.path)
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

extension RecordStream {
    /// The page of records a response holds.
    static func records(of response: APIResponse, path: String) throws -> JSONDocument {
        guard let document = response.document, document.isArray else {
            throw ConnectWiseError.invalidResponse(path: path, reason: "expected a list of records")
        }
        return document
    }
}
