import CWQLLanguage

/// Where a watch is, kept in the state directory (`watches/NAME.json`) and replaced after each
/// change it handles, so that a restart resumes with no change missed and none handled twice.
///
/// ConnectWise's `_info/lastUpdated` has one-second resolution and several records can share a
/// second, and a change can be committed a moment after a later one was: so each poll reads
/// again from ``overlap`` seconds before the cursor, and the changes handled in that window are
/// remembered by id and second, to be passed over.
struct WatchCheckpoint: Codable, Sendable {
    /// A change: a record and the second of its last update.
    struct Change: Codable, Sendable, Equatable {
        var id: Int
        var lastUpdated: Int64
    }

    /// A block started and not yet finished: run again (creates looked for first) on restart.
    struct Attempt: Codable, Sendable {
        var change: Change
        /// When it started, on ConnectWise's clock (whole seconds).
        var startedAt: Double
    }

    /// A change whose block failed, retried at the next polls until it succeeds or fails too often.
    struct Failure: Codable, Sendable {
        var change: Change
        var attempts: Int
        var reason: String
    }

    /// Seconds read again before the cursor at each poll.
    static let overlap: Int64 = 5

    /// What is watched, for whoever reads the file.
    var watch: String
    var script: String
    /// The last change handled, in the order changes are read (by second, then id).
    var cursor: WatchCursor
    /// Where the watch started (`since`, or now at its first run): reading never goes back
    /// before it, even by the overlap.
    var start: Int64?
    /// Changes handled at or after `cursor.seconds - overlap` (and a block's own later writes).
    var handled: [Change] = []
    var pending: Attempt?
    var failures: [Failure] = []

    init(watch: String, script: String, since seconds: Int64) {
        self.watch = watch
        self.script = script
        self.cursor = WatchCursor(seconds: seconds)
        self.start = seconds
    }

    func isHandled(_ change: Change) -> Bool { handled.contains(change) }

    func failure(of change: Change) -> Failure? { failures.first { $0.change == change } }

    /// Where the next poll starts reading.
    var readFrom: WatchCursor {
        WatchCursor(seconds: max(cursor.seconds - WatchCheckpoint.overlap, start ?? .min))
    }

    /// Records a change as done and moves the cursor to it when it is further on (never past
    /// `now`, ConnectWise's time: a record stamped ahead of it is read again until it is past).
    mutating func markHandled(_ change: Change, now: Int64) {
        if !handled.contains(change) { handled.append(change) }
        advance(to: change, now: now)
        failures.removeAll { $0.change.id == change.id && $0.change.lastUpdated <= change.lastUpdated }
        let floor = cursor.seconds - WatchCheckpoint.overlap
        handled.removeAll { $0.lastUpdated < floor }
    }

    /// Remembers a change a block made itself (its write to the record it handled), to pass
    /// over when the reading comes to it; the cursor stays where the reading is.
    mutating func rememberOwnWrite(_ change: Change) {
        if !handled.contains(change) { handled.append(change) }
    }

    /// Records a failed attempt; true when it has now failed `limit` times and is given up.
    mutating func markFailed(_ change: Change, reason: String, limit: Int, now: Int64) -> Bool {
        var attempts = 1
        if let index = failures.firstIndex(where: { $0.change == change }) {
            attempts = failures[index].attempts + 1
            failures.remove(at: index)
        }
        if attempts >= limit {
            markHandled(change, now: now)
            return true
        }
        failures.append(Failure(change: change, attempts: attempts, reason: reason))
        advance(to: change, now: now)
        return false
    }

    /// Moves the cursor to `change` when it is further on in reading order.
    private mutating func advance(to change: Change, now: Int64) {
        let position =
            change.lastUpdated > now
            ? WatchCursor(seconds: now) : WatchCursor(seconds: change.lastUpdated, id: change.id)
        if position.seconds > cursor.seconds
            || (position.seconds == cursor.seconds && (position.id ?? -1) > (cursor.id ?? -1))
        {
            cursor = position
        }
    }
}
