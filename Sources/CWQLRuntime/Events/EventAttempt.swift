import CWJSON
import ConnectWiseRequests
import Synchronization

/// The change an event block (`watch`, `on … changed`) is handling, seen by every write the
/// block makes through the task-local ``current``: the writes note their paths here (so that a
/// block's own change to its record is not taken for a new one), and a block run again after
/// it was interrupted (a crash, a kill) looks for each record it would create before creating
/// it, as for a write whose answer was lost.
final class EventAttempt: Sendable {
    @TaskLocal static var current: EventAttempt?

    /// For a block run again: when the interrupted attempt started, on ConnectWise's clock.
    let replayingSince: Double?
    private let written = Mutex<[String]>([])

    init(replayingSince: Double? = nil) { self.replayingSince = replayingSince }

    /// Notes that the block sent (or found already made) this write.
    func noteWrite(_ request: Request) {
        let path = request.pathText
        written.withLock { $0.append(path) }
    }

    /// True when the block wrote to the record at `recordPath` or under it (its notes, its time).
    func wrote(under recordPath: String) -> Bool {
        written.withLock { paths in paths.contains { $0 == recordPath || $0.hasPrefix(recordPath + "/") } }
    }
}
