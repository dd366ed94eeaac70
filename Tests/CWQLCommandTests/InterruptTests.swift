import ConnectWiseSimulator
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C and SIGTERM during `cwql -c` bulk writes: records in flight finish, the rest are
/// reported as not attempted, and cwql exits 130.
@Suite("Interrupting a bulk write")
struct InterruptTests {
    @Test(arguments: [SIGTERM, SIGINT])
    func aSignalStopsStartingRecordsAndReports(signal: Int32) async throws {
        try await withSite(tickets: 40, { $0.latencyMilliseconds = 150 }) { server, env, _ in
            let notesBefore = server.store.records("ticket_notes").count
            let process = CommandRunner.makeProcess(
                ["-c", "tickets | note \"interrupted run\" internal", "--yes", "--concurrency", "1"],
                environment: env
            )
            let err = Pipe()
            process.standardError = err
            process.standardOutput = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            try process.run()
            // Interrupt once a few notes have gone out (each takes about 150 ms).
            for _ in 0..<400 where server.store.records("ticket_notes").count < notesBefore + 3 {
                try await Task.sleep(nanoseconds: 50_000_000)
            }
            kill(process.processIdentifier, signal)
            // Blocking reads off the task pool: the simulator in this process must keep answering.
            let stderr = await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                    process.waitUntilExit()
                    continuation.resume(returning: text)
                }
            }
            #expect(process.terminationReason == .exit)
            #expect(process.terminationStatus == 130)
            let written = server.store.records("ticket_notes").count - notesBefore
            #expect(written > 0 && written < 40)
            #expect(
                stderr.contains(
                    "note: \(written) ticket\(written == 1 ? "" : "s") done, \(40 - written) not attempted"
                ),
                "\(stderr)"
            )
            #expect(!stderr.contains("CancellationError"))
        }
    }
}
