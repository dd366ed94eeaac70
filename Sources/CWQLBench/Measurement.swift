import Foundation

/// What one scenario measured.
struct Measurement: Codable {
    var scenario: String
    var records: Int
    var requests: Int
    /// The fewest requests the scenario can be done with.
    var optimalRequests: Int
    var bytesReceived: Int
    var seconds: Double
    var peakRSSMegabytes: Double
    /// seconds ÷ (ceil(records / 1000) × latency ÷ concurrency), when it applies.
    var ratioToLatencyBound: Double?
    /// sequential page-by-page seconds ÷ seconds, when measured.
    var speedupOverSequential: Double?
    var note: String?
    /// cwql's own CPU time (user + system), for scenarios run in a child process.
    var cpuSeconds: Double?
    /// The targets this scenario is held to.
    var checks: [TargetCheck] = []
}

/// One target of the benchmark and how far the measured value is from it.
struct TargetCheck: Codable {
    var target: String
    var measured: Double
    var limit: Double
    /// True when the measured value must stay at or under the limit (seconds, memory); false
    /// when it must reach it (throughput, speed-up).
    var atMost: Bool
    /// The share of the target's budget used: at most 1 when the target holds.
    var ratio: Double { atMost ? measured / limit : limit / max(measured, .leastNonzeroMagnitude) }
    var holds: Bool { ratio <= 1 }

    init(_ target: String, measured: Double, atMost limit: Double) {
        self.target = target
        self.measured = measured
        self.limit = limit
        self.atMost = true
    }

    init(_ target: String, measured: Double, atLeast limit: Double) {
        self.target = target
        self.measured = measured
        self.limit = limit
        self.atMost = false
    }
}

/// Process memory from /proc: the peak resident set, which can be reset between scenarios.
enum Memory {
    /// Peak resident set size in MiB since the last reset.
    static func peakMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kilobytes = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
            return kilobytes / 1024
        }
        return 0
    }

    /// Resets the peak to the current resident size (Linux `clear_refs` 5).
    static func resetPeak() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }
}

/// Wall-clock time of a block.
func timed<T>(_ body: () async throws -> T) async rethrows -> (T, Double) {
    let start = DispatchTime.now().uptimeNanoseconds
    let result = try await body()
    return (result, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
}

/// What a child process cost.
struct ChildRun {
    var seconds: Double
    /// Peak resident set, MiB.
    var peakMegabytes: Double
    /// User plus system CPU time, seconds.
    var cpuSeconds: Double
    var status: Int32
}

/// CPU time (user + system) of the children waited for so far, in seconds.
private func childrenCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// Runs a program and returns its wall time, peak RSS in MiB and CPU time. The peak is read
/// from the child's own `/proc/PID/status` (VmHWM, which starts afresh at exec) while it runs;
/// the CPU time is the growth of this process's children's usage (children run one at a time).
func runChild(
    _ path: String,
    _ arguments: [String],
    environment: [String: String],
    stdout: String = "/dev/null",
    input: String? = nil
) throws -> ChildRun {
    let cpuBefore = childrenCPUSeconds()
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    process.environment = env
    process.standardOutput = FileHandle(forWritingAtPath: stdout)
    process.standardError = FileHandle.nullDevice
    let inputPipe = input.map { _ in Pipe() }
    if let inputPipe { process.standardInput = inputPipe }
    let start = DispatchTime.now().uptimeNanoseconds
    try process.run()
    if let input, let inputPipe {
        inputPipe.fileHandleForWriting.write(Data(input.utf8))
        try? inputPipe.fileHandleForWriting.close()
    }
    let statusPath = "/proc/\(process.processIdentifier)/status"
    var peak = 0.0
    while process.isRunning {
        if let status = try? String(contentsOfFile: statusPath, encoding: .utf8) {
            for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
                peak = max(peak, (line.split(separator: " ").compactMap { Double($0) }.first ?? 0) / 1024)
            }
        }
        usleep(5_000)
    }
    process.waitUntilExit()
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    return ChildRun(
        seconds: seconds,
        peakMegabytes: peak,
        cpuSeconds: childrenCPUSeconds() - cpuBefore,
        status: process.terminationStatus
    )
}
