import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The process's standard streams, written with `write(2)` so that a reader that goes away
/// (`cwql … | head`, a pager quit early) is an ordinary condition rather than a crash.
///
/// SIGPIPE is ignored for the whole process (sockets and the pager's pipe report EPIPE instead);
/// standard output closed by its reader ends cwql quietly as a pipeline expects: no message,
/// status 141 (killed by SIGPIPE), as jq and psql end.
enum StandardStreams {
    /// Called once at start, before any output.
    static func prepare() {
        signal(SIGPIPE, SIG_IGN)
    }

    /// Writes results; a closed standard output ends the process quietly.
    static func output(_ text: String) {
        if !write(text, to: STDOUT_FILENO) { exitBecauseOutputClosed() }
    }

    /// Writes messages; a closed standard error is ignored.
    static func error(_ text: String) {
        _ = write(text, to: STDERR_FILENO)
    }

    /// Writes all of `text`; false when the reader has gone (EPIPE) or the descriptor fails.
    static func write(_ text: String, to descriptor: Int32) -> Bool {
        var text = text
        return text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    return false
                }
                offset += written
            }
            return true
        }
    }

    /// Ends the process as a pipeline's writer does when its reader has gone: by SIGPIPE.
    static func exitBecauseOutputClosed() -> Never {
        signal(SIGPIPE, SIG_DFL)
        raise(SIGPIPE)
        exit(141)
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
