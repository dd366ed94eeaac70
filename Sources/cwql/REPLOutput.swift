import CWQLRuntime
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// REPL output: results are held until the statement ends, then printed (through a pager
/// when they are taller than the terminal and stdout is one; a `watch`'s as they come), or
/// written to the file named by `.output FILE`; bold table headers on a terminal unless
/// NO_COLOR is set. Reports go to stderr at once, after clearing the progress line so that
/// they start on a line of their own.
final class REPLOutput: OutputSink {
    private let buffer = Mutex("")
    private let file = Mutex<(descriptor: Int32, path: String)?>(nil)
    let progress = ProgressLine()

    /// True while a statement's results are shown as they come (a `watch`), not held.
    private let streaming = Mutex(false)

    func standardOutput(_ text: String) {
        buffer.withLock { $0 += text }
        if streaming.withLock({ $0 }) {
            progress.clear()
            flush(paged: false)
        }
    }

    /// Shows results as they come from now on (true), or holds them until the statement ends.
    func stream(_ on: Bool) {
        if on { flush(paged: true) }
        streaming.withLock { $0 = on }
    }

    func standardError(_ text: String) {
        progress.clear()
        StandardStreams.error(text)
    }

    /// Where results go now: a file's path, or nil for the terminal.
    var outputPath: String? { file.withLock { $0?.path } }

    /// Sends later results to `path` (created or truncated, mode 0600), or back to stdout for nil.
    func redirect(to path: String?) throws {
        try file.withLock { current in
            if let current { close(current.descriptor) }
            current = nil
            guard let path else { return }
            let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else {
                throw REPLOutputError(description: "cannot write \(path): \(String(cString: strerror(errno)))")
            }
            current = (descriptor, path)
        }
    }

    /// Prints what the statement produced.
    func flush(paged: Bool) {
        let text = buffer.withLock { text -> String in
            defer { text = "" }
            return text
        }
        guard !text.isEmpty else { return }
        if let target = file.withLock({ $0 }) {
            if !StandardStreams.write(text, to: target.descriptor) {
                standardError("error: writing \(target.path) failed; results go to the terminal again\n")
                try? redirect(to: nil)
            }
            return
        }
        let terminal = isatty(STDOUT_FILENO) != 0
        let shown =
            terminal && ProcessInfo.processInfo.environment["NO_COLOR"] == nil ? REPLOutput.emphasizeHeader(text) : text
        if paged, terminal, text.split(separator: "\n", omittingEmptySubsequences: false).count > REPLOutput.rows() - 2,
            let pager = Pager.command(), Pager.show(shown, command: pager)
        {
            return
        }
        StandardStreams.output(shown)
    }

    /// Makes a table's header line bold.
    static func emphasizeHeader(_ text: String) -> String {
        let lines = text.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false)
        guard lines.count >= 2, lines[1].allSatisfy({ $0 == "-" || $0 == "+" }), !lines[1].isEmpty else { return text }
        return "\u{1B}[1m\(lines[0])\u{1B}[0m\n" + lines.dropFirst().joined(separator: "\n")
    }

    static func rows() -> Int {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0 { return Int(size.ws_row) }
        return 24
    }
}

/// `.output FILE` could not open its file.
struct REPLOutputError: Error, CustomStringConvertible {
    var description: String
}
