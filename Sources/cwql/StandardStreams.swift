import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The process's standard streams, written with `write(2)` so that a reader that goes away
/// (`cwql … | head`, a pager quit early) is an ordinary condition rather than a crash.
///
/// SIGPIPE is ignored for the whole process (sockets and the pager's pipe report EPIPE instead);
/// standard output closed by its reader ends cwql quietly as a pipeline expects: no message,
/// status 141 (killed by SIGPIPE), as jq and psql end.
///
/// Results going to a file or a pipe are gathered in a buffer of ``outputBufferSize`` bytes and
/// written when it fills, at the end of each statement, before anything is written to standard
/// error (so that a log of both keeps their order) and when the process exits: a 50,000-record
/// export is a few hundred writes, not one per record. On a terminal each result is written at
/// once.
enum StandardStreams {
    /// Bytes of results held before they are written, when standard output is not a terminal.
    static let outputBufferSize = 64 * 1024

    private static let pending = Mutex<[UInt8]>([])
    private static let buffersOutput = isatty(STDOUT_FILENO) == 0

    /// Called once at start, before any output.
    static func prepare() {
        signal(SIGPIPE, SIG_IGN)
        atexit { StandardStreams.flushOutput() }
    }

    /// Writes results; a closed standard output ends the process quietly.
    static func output(_ text: String) {
        var text = text
        text.withUTF8 { output(bytes: $0) }
    }

    /// Writes results given as UTF-8 bytes.
    static func output(bytes: UnsafeBufferPointer<UInt8>) {
        guard buffersOutput else {
            if !write(bytes, to: STDOUT_FILENO) { exitBecauseOutputClosed() }
            return
        }
        let written = pending.withLock { pending -> Bool in
            pending.append(contentsOf: bytes)
            return pending.count < outputBufferSize || writeHeld(&pending)
        }
        if !written { exitBecauseOutputClosed() }
    }

    /// Writes the results held so far.
    static func flushOutput() {
        if !pending.withLock({ writeHeld(&$0) }) { exitBecauseOutputClosed() }
    }

    /// Writes and empties the held results (under the lock, so that writes keep their order).
    private static func writeHeld(_ held: inout [UInt8]) -> Bool {
        defer { held.removeAll(keepingCapacity: true) }
        return held.isEmpty || held.withUnsafeBufferPointer { write($0, to: STDOUT_FILENO) }
    }

    /// Writes messages, after the results held; a closed standard error is ignored.
    static func error(_ text: String) {
        flushOutput()
        _ = write(text, to: STDERR_FILENO)
    }

    /// Writes all of `text`; false when the reader has gone (EPIPE) or the descriptor fails.
    static func write(_ text: String, to descriptor: Int32) -> Bool {
        var text = text
        return text.withUTF8 { write($0, to: descriptor) }
    }

    /// Writes all of `buffer`; false when the reader has gone (EPIPE) or the descriptor fails.
    static func write(_ buffer: UnsafeBufferPointer<UInt8>, to descriptor: Int32) -> Bool {
        guard let base = buffer.baseAddress else { return true }
        var offset = 0
        while offset < buffer.count {
            let written = Glibc.write(descriptor, base + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return false
            }
            offset += written
        }
        return true
    }

    /// Ends the process as a pipeline's writer does when its reader has gone: by SIGPIPE.
    static func exitBecauseOutputClosed() -> Never {
        signal(SIGPIPE, SIG_DFL)
        raise(SIGPIPE)
        // Not `exit`: the handler that writes held results must not run again.
        _exit(141)
    }
}

/// Prints a line of results on stdout.
func standardOutput(_ text: String) {
    StandardStreams.output(text.hasSuffix("\n") ? text : text + "\n")
}

/// Prints a message on stderr (a newline is added when missing).
func standardError(_ text: String) {
    StandardStreams.error(text.hasSuffix("\n") ? text : text + "\n")
}

/// Writes to stderr without adding a newline (progress lines).
func standardErrorRaw(_ text: String) {
    StandardStreams.error(text)
}
