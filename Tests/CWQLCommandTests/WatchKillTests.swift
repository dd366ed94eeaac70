import CWJSON
import CWQLTestSupport
import ConnectWiseRequests
import ConnectWiseSimulator
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `cwql run` with a `watch`, killed (`kill -9`, now and then SIGTERM) at random moments while
/// 2,000 changes stream in, forty to a second, and started again until it has caught up: each
/// change then has exactly one note, made by the block, none missed and none twice.
@Suite("watch killed at random points")
struct WatchKillTests {
    static let changes = 2_000
    static let perSecond = 40
    /// After every seeded change (the reference day and the day after): 2026-11-25T00:00:00Z,
    /// where the script's watch starts.
    static let start = Double(SimulatedSite.referenceDay + 3 * 86_400)

    @Test func everyChangeIsHandledExactlyOnce() async throws {
        let clock = SimulatorClock.manual(at: WatchKillTests.start)
        try await SimulatedSite.with(over: .loopback, tickets: WatchKillTests.changes, configure: { $0.clock = clock })
        {
            site in
            let home = try TemporaryFolder.make("cwql-home").path
            let environment = site.environment.merging(["HOME": home, "XDG_CONFIG_HOME": "", "XDG_STATE_HOME": ""]) {
                $1
            }
            let script = try TemporaryFolder.make("cwql-watch").appendingPathComponent("notify.cwql").path
            try """
            watch tickets since 2026-11-25T00:00:00Z every 1s {
              $change | note "seen \\($change.updated)"
            }
            """.write(toFile: script, atomically: true, encoding: .utf8)

            // The stream: every ticket changes once, forty to a (simulated) second.
            let client = site.client()
            let streamed = StreamEnd()
            let stream = Task {
                defer { streamed.reached.withLock { $0 = true } }
                for id in 1...WatchKillTests.changes {
                    _ = try await client.send(RecordEdits.summary(of: id, to: "changed \(id)"))
                    if id % WatchKillTests.perSecond == 0 {
                        clock.advance(by: 1)
                        try await Task.sleep(nanoseconds: 30_000_000)
                    }
                }
            }

            func seenNotes() -> [JSONObject] {
                site.server.store.records("ticket_notes").filter {
                    ($0["text"]?.stringValue ?? "").hasPrefix("seen ")
                }
            }
            var kills: [String] = []
            let deadline = Date().addingTimeInterval(240)
            while Date() < deadline {
                let process = CommandRunner.makeProcess(["run", script], environment: environment)
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                process.standardInput = FileHandle.nullDevice
                try process.run()
                let delay = Double.random(in: 0.15...0.9)
                try await Task.sleep(nanoseconds: UInt64(delay * 1_000_000_000))
                let signal = Int.random(in: 0..<5) == 0 ? SIGTERM : SIGKILL
                kill(process.processIdentifier, signal)
                await CommandRunner.exit(of: process)
                kills.append(String(format: "%@ after %.2f s", signal == SIGKILL ? "kill -9" : "SIGTERM", delay))
                if streamed.reached.withLock({ $0 }), seenNotes().count >= WatchKillTests.changes {
                    break
                }
            }
            try await stream.value
            // A last run, left to finish: nothing is left to do.
            let last = try await CommandRunner.run(["run", script, "--once"], environment: environment)
            #expect(last.status == 0, "\(last.stderr)")

            let notes = seenNotes()
            var byTicket: [Int: [String]] = [:]
            for note in notes {
                byTicket[note["ticketId"]?.intValue ?? 0, default: []].append(note["text"]?.stringValue ?? "")
            }
            let twice = byTicket.filter { $0.value.count > 1 }
            let missed = (1...WatchKillTests.changes).filter { byTicket[$0] == nil }
            #expect(twice.isEmpty, "handled twice: \(twice.prefix(5)); runs: \(kills)")
            #expect(missed.isEmpty, "missed: \(missed.prefix(10)); runs: \(kills)")
            #expect(notes.count == WatchKillTests.changes)
            // Each note names the change it handled.
            for id in [1, 40, 41, 1_000, WatchKillTests.changes] {
                let updated = site.server.store.record("tickets", id: id)?["_info"]?["lastUpdated"]?.stringValue
                #expect(byTicket[id] == ["seen \(updated ?? "?")"])
            }
            #expect(kills.count >= 5, "the watch was interrupted only \(kills.count) times")
        }
    }
}

/// Set once the stream of changes has been sent.
private final class StreamEnd: Sendable {
    let reached = Mutex(false)
}
