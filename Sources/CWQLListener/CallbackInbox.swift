import CWQLRuntime
import Foundation

/// The callbacks `cwql listen` accepted and has not yet handled, and the deliveries it has
/// handled (the last ``rememberedDeliveries``), kept in one state file replaced atomically on
/// every change: a callback is answered only once it is on disk, so a crash loses none, and a
/// delivery ConnectWise retries (or anyone replays) is recognised and not handled twice.
actor CallbackInbox {
    /// One accepted callback.
    struct Item: Codable, Sendable {
        var key: String
        /// The body as received (UTF-8 JSON).
        var body: String
        var attempts = 0
        /// When its blocks started, on ConnectWise's clock; set while they run.
        var startedAt: Double?
    }

    struct State: Codable, Sendable {
        var queue: [Item] = []
        var handled: [String] = []
    }

    /// How many handled deliveries are remembered to recognise a retried one.
    static let rememberedDeliveries = 10_000

    private var state: State
    private let path: String?
    private var waiting: CheckedContinuation<Void, Never>?

    init(path: String?) throws {
        self.path = path
        state = try path.flatMap { try StateFile.load(State.self, at: $0) } ?? State()
    }

    enum Acceptance { case accepted, duplicate }

    /// Keeps a callback to handle, unless it is one already kept or handled.
    func accept(key: String, body: String) throws -> Acceptance {
        if state.handled.contains(key) || state.queue.contains(where: { $0.key == key }) { return .duplicate }
        state.queue.append(Item(key: key, body: body))
        try save()
        waiting?.resume()
        waiting = nil
        return .accepted
    }

    /// The next callback to handle, waiting for one; marked as started at `now`.
    func next(now: @Sendable () -> Double) async throws -> Item? {
        while state.queue.isEmpty {
            if Task.isCancelled { return nil }
            await withTaskCancellationHandler {
                await withCheckedContinuation { waiting = $0 }
            } onCancel: {
                Task { await self.wake() }
            }
        }
        var item = state.queue[0]
        if item.startedAt == nil {
            item.startedAt = now()
            state.queue[0] = item
            try save()
            item.startedAt = nil  // a first attempt: nothing to look for
        }
        return item
    }

    /// Wakes a `next` waiting for work (on shutdown).
    func wake() {
        waiting?.resume()
        waiting = nil
    }

    /// The first callback's blocks succeeded.
    func done(_ key: String) throws {
        state.queue.removeAll { $0.key == key }
        remember(key)
        try save()
    }

    /// The first callback's blocks failed: tried again later, or given up after `limit`
    /// attempts (true).
    func failed(_ key: String, limit: Int) throws -> Bool {
        guard let index = state.queue.firstIndex(where: { $0.key == key }) else { return true }
        var item = state.queue.remove(at: index)
        item.attempts += 1
        item.startedAt = nil
        if item.attempts >= limit {
            remember(key)
        } else {
            state.queue.append(item)
        }
        try save()
        return item.attempts >= limit
    }

    var pending: Int { state.queue.count }

    private func remember(_ key: String) {
        state.handled.append(key)
        if state.handled.count > CallbackInbox.rememberedDeliveries {
            state.handled.removeFirst(state.handled.count - CallbackInbox.rememberedDeliveries)
        }
    }

    private func save() throws {
        guard let path else { return }
        try StateFile.save(state, to: path)
    }
}
