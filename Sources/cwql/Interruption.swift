import CWQLLineEditor
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C and SIGTERM outside the line editor: the first asks the running statement to stop
/// (a bulk write stops starting records, lets those in flight finish, and reports), the second
/// ends the process at once with status 130.
enum Interruption {
    /// Signals received so far.
    static let count = Atomic<Int>(0)

    /// Installs the handlers for `cwql -c`, `cwql run` and statements from standard input.
    static func install() {
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
    }

    private static let handler: @convention(c) (Int32) -> Void = { _ in
        if Interruption.count.add(1, ordering: .relaxed).newValue > 1 { _exit(130) }
        interruptRequested.store(true, ordering: .relaxed)
    }

    /// Runs `work` in a task that an interrupt cancels; true when it was interrupted.
    /// `tick` runs about ten times a second while the work runs (the REPL's progress line).
    static func run(
        _ work: @escaping @Sendable () async throws -> Void,
        tick: (@Sendable (TimeInterval) -> Void)? = nil
    ) async -> (interrupted: Bool, error: (any Error)?) {
        interruptRequested.store(false, ordering: .relaxed)
        let task = Task { () -> (any Error)? in
            do {
                try await work()
                return nil
            } catch {
                return error
            }
        }
        let started = Date()
        let watcher = Task {
            while !Task.isCancelled {
                if interruptRequested.load(ordering: .relaxed) {
                    task.cancel()
                    break
                }
                tick?(Date().timeIntervalSince(started))
                try? await Task.sleep(nanoseconds: 100_000_000)
            }
        }
        let error = await task.value
        watcher.cancel()
        _ = await watcher.value
        return (interruptRequested.load(ordering: .relaxed), error)
    }
}

/// The REPL's progress line on stderr (`… 12 requests, 3 s (Ctrl-C cancels)`): cleared before
/// any message is printed, so reports start on their own line, and paused while a question waits.
final class ProgressLine: Sendable {
    private struct State {
        var shown = false
        var paused = false
    }
    private let state = Mutex(State())
    let enabled = isatty(STDERR_FILENO) != 0

    func show(_ text: String) {
        guard enabled else { return }
        state.withLock { state in
            guard !state.paused else { return }
            StandardStreams.error("\r\u{1B}[K" + text)
            state.shown = true
        }
    }

    /// Removes the line, if shown.
    func clear() {
        state.withLock { state in
            if state.shown { StandardStreams.error("\r\u{1B}[K") }
            state.shown = false
        }
    }

    func pause() {
        state.withLock { $0.paused = true }
        clear()
    }

    func resume() { state.withLock { $0.paused = false } }
}

/// Asks a yes/no question on the terminal: `y` is yes; `n`, Ctrl-C and Ctrl-D are no. Text
/// typed instead of an answer (a query typed ahead) is not taken for one: it is kept and shown
/// at the next prompt, and the question is asked again.
enum KeyQuestion {
    static func ask(_ question: String, progress: ProgressLine?) -> Bool {
        progress?.pause()
        defer { progress?.resume() }
        StandardStreams.error("\(question) [y/N] ")
        var saved = termios()
        let isTerminal = tcgetattr(STDIN_FILENO, &saved) == 0
        if isTerminal {
            var raw = saved
            raw.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG)
            withUnsafeMutableBytes(of: &raw.c_cc) { cc in
                cc[Int(VMIN)] = 1
                cc[Int(VTIME)] = 0
            }
            tcsetattr(STDIN_FILENO, TCSANOW, &raw)
        }
        defer { if isTerminal { tcsetattr(STDIN_FILENO, TCSANOW, &saved) } }
        var answer = false
        var typed: [UInt8] = []  // the line being typed instead of an answer
        var kept: [UInt8] = []  // the last such line ended with Enter
        reading: while true {
            var byte: UInt8 = 0
            let count = read(STDIN_FILENO, &byte, 1)
            if count < 0, errno == EINTR { continue }
            guard count == 1 else { break }
            switch byte {
            case 0x03, 0x04:
                break reading
            case _ where typed.isEmpty && (byte == UInt8(ascii: "y") || byte == UInt8(ascii: "Y")):
                answer = true
                break reading
            case _ where typed.isEmpty && (byte == UInt8(ascii: "n") || byte == UInt8(ascii: "N")):
                break reading
            case UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                guard !typed.isEmpty else { continue }
                kept = typed
                typed = []
                StandardStreams.error("\n(kept for the prompt) \(question) [y/N] ")
            case 0x7F, 0x08:
                if !typed.isEmpty {
                    typed.removeLast()
                    StandardStreams.error("\u{08} \u{08}")
                }
            default:
                typed.append(byte)
                StandardStreams.error(String(decoding: [byte], as: UTF8.self))
            }
        }
        StandardStreams.error((typed.isEmpty ? "" : "\n") + (answer ? "y\n" : "n\n"))
        ReadlineLineReader.pushBack(String(decoding: typed.isEmpty ? kept : typed, as: UTF8.self))
        return answer
    }
}
