import CWQLRuntime
import Foundation
import Synchronization

/// REPL output: results are held until the statement ends, then printed, through a pager when
/// they are taller than the terminal (and stdout is one); bold table headers on a terminal
/// unless NO_COLOR is set. Reports go to stderr at once.
final class REPLOutput: OutputSink {
    private let buffer = Mutex("")

    func standardOutput(_ text: String) { buffer.withLock { $0 += text } }
    func standardError(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }

    /// Prints what the statement produced.
    func flush(paged: Bool) {
        let text = buffer.withLock { text -> String in
            defer { text = "" }
            return text
        }
        guard !text.isEmpty else { return }
        let terminal = isatty(STDOUT_FILENO) != 0
        let shown = terminal && ProcessInfo.processInfo.environment["NO_COLOR"] == nil ? REPLOutput.emphasizeHeader(text) : text
        if paged, terminal, text.split(separator: "\n", omittingEmptySubsequences: false).count > REPLOutput.rows() - 2,
            REPLOutput.page(shown)
        {
            return
        }
        FileHandle.standardOutput.write(Data(shown.utf8))
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

    /// Shows text through `$PAGER` (default `less -FRX`); false when no pager could run.
    static func page(_ text: String) -> Bool {
        let pager = ProcessInfo.processInfo.environment["PAGER"].flatMap { $0.isEmpty ? nil : $0 } ?? "less -FRX"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", pager]
        let input = Pipe()
        process.standardInput = input
        do {
            try process.run()
        } catch {
            return false
        }
        input.fileHandleForWriting.write(Data(text.utf8))
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        return true
    }
}
