import CWJSON
import Synchronization

/// One page of a numbered walk.
struct NumberedPage: Sendable {
    var records: JSONDocument
    /// The size of the page's body as it came, in bytes.
    var bytes: Int
    /// How many pages the walk has, when this page tells (the first page does).
    var totalPages: Int?
}

/// Numbered pages fetched in a sliding window and handed out in order.
///
/// Up to `concurrency` pages are in flight. A slot is refilled the moment its page arrives, not
/// when the consumer gets to it, so the consumer's own work overlaps the network; at most
/// `window` pages are held ahead of the consumer (in flight or waiting), and at most
/// `byteBudget` bytes of them (pages in flight counted at the size of the largest page seen),
/// which bounds memory whatever the size of a record: pages of whole tickets are a hundred
/// times the size of pages of two fields. One page may always start when none is held.
/// Until the first page says how many pages there are and the consumer asks for the second,
/// only page 1 and `speculative` further pages are started; pages past the end are dropped
/// (and cancelled if still in flight).
/// A failed page stops new starts; the pages before it are still handed out, then its error.
final class NumberedPageWindow: Sendable {
    typealias Fetch = @Sendable (_ page: Int) async throws -> NumberedPage

    private struct State {
        var totalPages: Int?
        var nextToStart = 1
        var nextToDeliver = 1
        /// Pages started and not yet answered, with their tasks once stored.
        var running: [Int: Task<Void, Never>?] = [:]
        var ready: [Int: Result<NumberedPage, any Error>] = [:]
        /// Bytes of the pages in `ready`.
        var readyBytes = 0
        /// The largest page seen so far, in bytes: what a page in flight is expected to take.
        var largestPage: Int?
        var waiter: CheckedContinuation<JSONDocument?, any Error>?
        /// A page failed: no new pages start; the consumer gets the pages before it, then its error.
        var failed = false
        var cancelled = false
        /// The consumer has asked for page 2: until then a consumer that stops inside the first
        /// page (a `take` on the client, a `break`) costs no pages it did not ask for.
        var pastFirstPage = false
    }

    private let state = Mutex(State())
    private let fetch: Fetch
    private let concurrency: Int
    private let speculative: Int
    private let maximumPages: Int
    private let window: Int
    private let byteBudget: Int

    /// - Parameters:
    ///   - concurrency: pages in flight at most.
    ///   - speculative: pages started with page 1, before the walk's length is known.
    ///   - maximumPages: pages the walk needs at most (from a `take`), whatever the server says.
    ///   - byteBudget: bytes of pages held ahead of the consumer at most.
    init(
        concurrency: Int,
        speculative: Int,
        maximumPages: Int?,
        byteBudget: Int = NumberedPageWindow.defaultByteBudget,
        fetch: @escaping Fetch
    ) {
        self.byteBudget = max(1, byteBudget)
        self.concurrency = max(1, concurrency)
        self.maximumPages = max(1, maximumPages ?? Int.max)
        self.speculative = max(0, min(speculative, self.concurrency - 1, self.maximumPages - 1))
        self.window = 2 * self.concurrency
        self.fetch = fetch
    }

    /// Bytes of pages held ahead of the consumer by default: 8 MiB, about three pages of
    /// whole tickets as the simulator sends them (every field of the spec), eight of
    /// ConnectWise's usual tickets, any number of pages of a few fields.
    static let defaultByteBudget = 8 * 1024 * 1024

    /// The next page's records in order, or nil after the last page.
    func next() async throws -> JSONDocument? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let (delivery, starts) = state.withLock { state -> (Result<JSONDocument?, any Error>?, [Int]) in
                    if state.cancelled { return (.failure(CancellationError()), []) }
                    if state.nextToDeliver > 1 { state.pastFirstPage = true }
                    if let delivery = Self.take(&state) { return (delivery, pagesToStart(&state)) }
                    state.waiter = continuation
                    return (nil, pagesToStart(&state))
                }
                start(starts)
                if let delivery { continuation.resume(with: delivery) }
            }
        } onCancel: {
            cancel()
        }
    }

    /// Starts page 1 and the speculative pages.
    func begin() {
        start(state.withLock { pagesToStart(&$0) })
    }

    /// Stops the walk: cancels the pages in flight and wakes a waiting consumer.
    func cancel() {
        let (tasks, waiter) = state.withLock { state in
            state.cancelled = true
            defer { state.waiter = nil }
            return (state.running.values.compactMap { $0 }, state.waiter)
        }
        for task in tasks { task.cancel() }
        waiter?.resume(throwing: CancellationError())
    }

    // MARK: - The window

    /// Hands out the next page if it is there (nil records after the last page).
    private static func take(_ state: inout State) -> Result<JSONDocument?, any Error>? {
        if let total = state.totalPages, state.nextToDeliver > total { return .success(nil) }
        guard let result = state.ready.removeValue(forKey: state.nextToDeliver) else { return nil }
        if case .success(let page) = result { state.readyBytes -= page.bytes }
        state.nextToDeliver += 1
        return result.map { $0.records }
    }

    /// Claims the pages that may start now.
    private func pagesToStart(_ state: inout State) -> [Int] {
        let beforeLength = 1 + speculative
        let bound = min(state.pastFirstPage ? state.totalPages ?? beforeLength : beforeLength, maximumPages)
        var pages: [Int] = []
        while !state.cancelled, !state.failed, state.running.count < concurrency, state.nextToStart <= bound,
            state.nextToStart - state.nextToDeliver < window, fitsBudget(state)
        {
            pages.append(state.nextToStart)
            state.running[state.nextToStart] = .some(nil)
            state.nextToStart += 1
        }
        return pages
    }

    /// Whether one more page fits the byte budget beside those held and in flight.
    private func fitsBudget(_ state: State) -> Bool {
        guard let page = state.largestPage, !(state.running.isEmpty && state.ready.isEmpty) else { return true }
        return state.readyBytes + (state.running.count + 1) * page <= byteBudget
    }

    private func start(_ pages: [Int]) {
        for page in pages {
            let task = Task { [fetch] in
                let result: Result<NumberedPage, any Error>
                do { result = .success(try await fetch(page)) } catch { result = .failure(error) }
                self.complete(page, result)
            }
            let stillRunning = state.withLock { state in
                // A page may have been answered before its task is stored here.
                guard state.running[page] != nil else { return false }
                state.running[page] = task
                return !state.cancelled
            }
            if !stillRunning { task.cancel() }
        }
    }

    private func complete(_ page: Int, _ result: Result<NumberedPage, any Error>) {
        let (delivery, waiter, starts, surplus) = state.withLock {
            state -> (
                Result<JSONDocument?, any Error>?, CheckedContinuation<JSONDocument?, any Error>?, [Int],
                [Task<Void, Never>]
            )
            in
            state.running[page] = nil
            if state.cancelled { return (nil, nil, [], []) }
            var surplus: [Task<Void, Never>] = []
            if page == 1, case .success(let first) = result {
                let total = min(max(1, first.totalPages ?? 1), maximumPages)
                state.totalPages = total
                for (other, task) in state.running where other > total { task.map { surplus.append($0) } }
            }
            // A page past the end (started before the length was known) is dropped.
            guard page <= state.totalPages ?? Int.max else { return (nil, nil, pagesToStart(&state), surplus) }
            switch result {
            case .failure: state.failed = true
            case .success(let answer):
                state.readyBytes += answer.bytes
                state.largestPage = max(state.largestPage ?? 0, answer.bytes)
            }
            state.ready[page] = result
            guard let waiter = state.waiter, let delivery = Self.take(&state) else {
                return (nil, nil, pagesToStart(&state), surplus)
            }
            state.waiter = nil
            return (delivery, waiter, pagesToStart(&state), surplus)
        }
        for task in surplus { task.cancel() }
        start(starts)
        if let delivery { waiter?.resume(with: delivery) }
    }
}

/// Owns a walk's page window: when the iterator is dropped (a consumer that stopped early),
/// the pages still in flight are cancelled.
final class WindowOwner {
    let window: NumberedPageWindow
    init(_ window: NumberedPageWindow) { self.window = window }
    deinit { window.cancel() }
}
