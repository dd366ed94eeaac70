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
        try await withSite(tickets: 40, { $0.latencyMilliseconds = 150 }) { server, env, home in
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
            // The journal holds each write that was done, and says how to undo them.
            let done = InterruptTests.journaledWrites(home: home)
            #expect(done.count == written, "\(done)")
            #expect(stderr.contains("journal: run "))
        }
    }

    /// `kill -9` in the middle of a bulk write: the journal reads back up to its last write.
    @Test func aJournalSurvivesSIGKILL() async throws {
        try await withSite(tickets: 40, { $0.latencyMilliseconds = 100 }) { server, env, home in
            let notesBefore = server.store.records("ticket_notes").count
            let process = CommandRunner.makeProcess(
                ["-c", "tickets | note \"killed run\"", "--yes", "--concurrency", "2"],
                environment: env
            )
            process.standardError = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            try process.run()
            for _ in 0..<400 where server.store.records("ticket_notes").count < notesBefore + 5 {
                try await Task.sleep(nanoseconds: 50_000_000)
            }
            kill(process.processIdentifier, SIGKILL)
            await CommandRunner.exit(of: process)
            let written = server.store.records("ticket_notes").count - notesBefore
            let done = InterruptTests.journaledWrites(home: home)
            // Every line is whole; a write ConnectWise made but the kill kept from the journal
            // can only be one of those in flight.
            #expect(done.count <= written && done.count >= written - 2, "journaled \(done.count), written \(written)")
            #expect(done.allSatisfy { $0.contains("\"undo\"") })
        }
    }

    /// The done writes of the one journal under `home`, as lines.
    static func journaledWrites(home: String) -> [String] {
        let folder = "\(home)/.local/state/cwql/runs"
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        guard let file = files.first(where: { $0.hasSuffix(".jsonl") }),
            let text = try? String(contentsOfFile: "\(folder)/\(file)", encoding: .utf8)
        else { return [] }
        return text.split(separator: "\n").map(String.init).filter {
            $0.contains("\"type\":\"write\"") && $0.contains("\"outcome\":\"done\"")
        }
    }
}
