import Foundation

/// Runs the built `cwql` executable as a user would, capturing its output and exit status.
struct CommandRunner {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The `cwql` binary beside the test bundle in the build products folder.
    static let executable: URL = {
        // CWQL_TEST_EXECUTABLE runs the suite against another build (an older one, to see a test fail).
        if let other = ProcessInfo.processInfo.environment["CWQL_TEST_EXECUTABLE"], !other.isEmpty {
            return URL(fileURLWithPath: other)
        }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("cwql").path),
            directory.path != "/"
        {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("cwql")
    }()

    /// Runs cwql without blocking the concurrency pool (a simulator in this process must keep
    /// answering while the command waits for it).
    /// - Parameter openFiles: a `ulimit -n` to run it under.
    static func run(
        _ arguments: [String],
        stdin: String? = nil,
        environment: [String: String] = [:],
        openFiles: Int? = nil
    ) async throws -> Result {
        let (command, environment) =
            openFiles.map { limit in
                // A shell sets the limit (soft and hard) and then becomes cwql.
                (
                    ["-c", "ulimit -n \(limit) && exec \"$0\" \"$@\"", executable.path] + arguments,
                    environment.merging(["CWQL_RUNNER_SHELL": "1"]) { a, _ in a }
                )
            } ?? (arguments, environment)
        return try await ChildSlots.with { try await runInBackground(command, stdin: stdin, environment: environment) }
    }

    private static func runInBackground(
        _ arguments: [String],
        stdin: String?,
        environment: [String: String]
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    continuation.resume(returning: try runBlocking(arguments, stdin: stdin, environment: environment))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// A `cwql` process with these arguments, in this environment over the suite's own.
    /// Waits for a child to exit, off the task pool (a simulator in this process must keep
    /// answering while it waits).
    static func exit(of process: Process) async {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                process.waitUntilExit()
                continuation.resume()
            }
        }
    }

    static func makeProcess(_ arguments: [String], environment: [String: String]) -> Process {
        let process = Process()
        process.executableURL = environment["CWQL_RUNNER_SHELL"] == nil ? executable : URL(fileURLWithPath: "/bin/sh")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        return process
    }

    private static func runBlocking(
        _ arguments: [String],
        stdin: String?,
        environment: [String: String]
    ) throws -> Result {
        let process = makeProcess(arguments, environment: environment)
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read stderr on another thread so that neither pipe can fill up and stall the child.
        let stderrBox = DataBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            stderrBox.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        // A command that hangs is killed after two minutes, so the suite itself cannot hang.
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: watchdog)
        defer { watchdog.cancel() }
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let stderrData = stderrBox.data
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: stdoutData, as: UTF8.self),
            stderr: String(decoding: stderrData, as: UTF8.self)
        )
    }
}

private final class DataBox: @unchecked Sendable {
    var data = Data()
}

/// Bounds the child processes the suite runs at once: each blocks two dispatch threads while it
/// runs, and Dispatch has a fixed number of them (an unbounded suite starved the simulators in
/// this process of answers for tens of seconds).
actor ChildSlots {
    static let shared = ChildSlots(limit: 4)

    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) { free = limit }

    func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
    }

    /// Runs `body` holding a slot.
    static func with<T: Sendable>(_ body: () async throws -> T) async rethrows -> T {
        await shared.acquire()
        do {
            let value = try await body()
            await shared.release()
            return value
        } catch {
            await shared.release()
            throw error
        }
    }
}
