import CWJSON
import ConnectWiseSimulator
import Foundation
import Testing

/// The seed of `cwql sim` and `cwql demo` (no fixed reference day): today's changes end a
/// minute before the simulator starts, so no record is stamped in the future and a watch
/// started on a fresh simulator has nothing to handle.
@Suite("Simulator: the default seed")
struct SeedTests {
    @Test func noChangeIsStampedAfterTheSimulatorStarted() async throws {
        var configuration = SimulatorConfiguration()
        configuration.tickets = 1_000
        let server = await SimulatorServer.inProcess(configuration)
        // Read after the simulator took its own start time (on a loaded machine, seconds after
        // this test began).
        let started = Date().timeIntervalSince1970
        let format = ISO8601DateFormatter()
        let latest = server.store.records("tickets").compactMap { record -> Double? in
            record["_info"]?["lastUpdated"]?.stringValue.flatMap { format.date(from: $0)?.timeIntervalSince1970 }
        }.max()
        let last = try #require(latest)
        #expect(last <= started.rounded(.down) - 60, "a ticket changed at \(last), the simulator started at \(started)")
        await server.stop()
    }
}
