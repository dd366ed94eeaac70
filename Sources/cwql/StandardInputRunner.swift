import ArgumentParser
import CWQLLanguage
import CWQLRuntime
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Statements from standard input that is not a terminal (`cwql < script.cwql`,
/// `tail -f alerts | cwql`), with meta-commands (`.format json`) as in the REPL; the first
/// failure stops with its status.
///
/// Entries run as they arrive, as psql runs them, in bounded memory. Everything already waiting
/// (the whole of a file, all that `printf … | cwql` wrote) is checked together before any of it
/// runs, so a mistake there never follows a write; a mistake that arrives later, after a write,
/// ends the run with status 1, not 2.
struct StandardInputRunner {
    var runner: ScriptRunner
    /// The longest line read; a longer one (`cat /dev/zero | cwql`) is refused.
    static let maximumLineLength = 1 << 20
    /// The most entries checked together before the first of them runs.
    static let maximumBatch = 10_000

    func run() async throws {
        var lines = BoundedLineReader(descriptor: STDIN_FILENO, maximumLength: StandardInputRunner.maximumLineLength)
        var entries = EntrySplitter()
        var session: Session?
        while let first = try nextEntry(&lines, &entries) {
            var batch = [first]
            while batch.count < StandardInputRunner.maximumBatch, lines.hasWaitingInput,
                let next = try nextEntry(&lines, &entries)
            {
                batch.append(next)
            }
            try check(batch.filter { !$0.isMeta }, session: session)
            for entry in batch { try await run(entry, session: &session) }
        }
    }

    private func nextEntry(_ lines: inout BoundedLineReader, _ entries: inout EntrySplitter) throws -> InputEntry? {
        while true {
            let line: String?
            do {
                line = try lines.next()
            } catch {
                standardError("error: \(error)")
                throw ExitStatus.usage.exitCode
            }
            guard let line else { return entries.finish() }
            if let entry = entries.add(line) { return entry }
        }
    }

    /// Checks entries as one program (its names flow from one entry to the next), in the scope
    /// of what the session has defined so far.
    private func check(_ entries: [InputEntry], session: Session?) throws {
        guard let first = entries.first else { return }
        var text = String(repeating: "\n", count: first.line - 1)
        var line = first.line
        for entry in entries {
            text += String(repeating: "\n", count: max(0, entry.line - line)) + entry.text + "\n"
            line = entry.line + entry.text.split(separator: "\n", omittingEmptySubsequences: false).count
        }
        let source = SourceFile(name: "<stdin>", text: text)
        do {
            if let session {
                try session.interpreter.check(source)
            } else {
                try Interpreter.check(
                    source,
                    variables: runner.script.parsedVariables,
                    data: DataLoader(standardInputIsFree: false)
                )
            }
        } catch {
            standardError(error.description)
            let wrote = session?.interpreter.hasWrittenAnything ?? false
            throw (wrote ? ExitStatus.runtime : ScriptRunner.status(of: error)).exitCode
        }
    }

    private func run(_ entry: InputEntry, session: inout Session?) async throws {
        if entry.isMeta, MetaCommand.needsNoSession(entry.text) {
            await MetaCommand.runWithoutSession(MetaCommand(entry.text), output: runner.output)
            return
        }
        if session == nil {
            let created = try Session(runner: runner, profile: "", isDemo: runner.fixedCredentials != nil)
            Interruption.install()
            let interpreter = created.interpreter
            let (interrupted, error) = await Interruption.run { try await interpreter.loadPrelude() }
            try ScriptRunner.finish(interrupted: interrupted, error: error)
            session = created
        }
        guard let session else { return }
        if entry.isMeta {
            guard await session.runMeta(entry.text) else { throw ExitCode.success }
            return
        }
        let interpreter = session.interpreter
        // Leading line breaks keep the entry's line numbers those of the input.
        let source = SourceFile(name: "<stdin>", text: String(repeating: "\n", count: entry.line - 1) + entry.text)
        let watchOptions = runner.script.watchOptions
        let (interrupted, error) = await Interruption.run {
            try await interpreter.run(source)
            try await interpreter.runEvents(watchOptions)
        }
        try ScriptRunner.finish(interrupted: interrupted, error: error)
    }
}

/// One entry of the input: a meta-command line or complete statements, with its first line.
struct InputEntry {
    var text: String
    var line: Int
    var isMeta: Bool
}

/// Gathers lines into entries by ``EntryCompleteness``.
struct EntrySplitter {
    private var pending = ""
    private var pendingLine = 0
    private var lineNumber = 0

    mutating func add(_ line: String) -> InputEntry? {
        lineNumber += 1
        if pending.isEmpty {
            if MetaCommand.isMetaCommand(line) { return InputEntry(text: line, line: lineNumber, isMeta: true) }
            if line.trimmingCharacters(in: .whitespaces).isEmpty { return nil }
            pendingLine = lineNumber
            pending = line
        } else {
            pending += "\n" + line
        }
        guard !EntryCompleteness.needsMoreInput(pending) else { return nil }
        defer { pending = "" }
        return InputEntry(text: pending, line: pendingLine, isMeta: false)
    }

    /// What is left at the end of the input (an incomplete entry, reported when it runs).
    mutating func finish() -> InputEntry? {
        guard !pending.isEmpty else { return nil }
        defer { pending = "" }
        return InputEntry(text: pending, line: pendingLine, isMeta: false)
    }
}

/// Lines from a file descriptor, each at most `maximumLength` bytes, without buffering more
/// than one line and a read's worth.
struct BoundedLineReader {
    struct LineTooLong: Error, CustomStringConvertible {
        var line: Int
        var limit: Int
        var description: String {
            "line \(line) of the input is longer than \(limit / 1024) KiB; nothing after it was read"
        }
    }

    let descriptor: Int32
    let maximumLength: Int
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false
    private var lineNumber = 0

    init(descriptor: Int32, maximumLength: Int) {
        self.descriptor = descriptor
        self.maximumLength = maximumLength
    }

    /// True when a line is buffered or more input can be read without waiting.
    var hasWaitingInput: Bool {
        if buffer[start...].contains(UInt8(ascii: "\n")) || (atEnd && start < buffer.count) { return true }
        guard !atEnd else { return false }
        var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&request, 1, 0) == 1
    }

    mutating func next() throws -> String? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                lineNumber += 1
                let line = String(decoding: buffer[start..<newline], as: UTF8.self)
                start = newline + 1
                return line
            }
            if buffer.count - start > maximumLength { throw LineTooLong(line: lineNumber + 1, limit: maximumLength) }
            if atEnd {
                guard start < buffer.count else { return nil }
                lineNumber += 1
                let line = String(decoding: buffer[start...], as: UTF8.self)
                start = buffer.count
                return line
            }
            if start > 0 {
                buffer.removeFirst(start)
                start = 0
            }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let count = read(descriptor, &chunk, chunk.count)
            if count < 0 {
                if errno == EINTR { continue }
                atEnd = true
            } else if count == 0 {
                atEnd = true
            } else {
                buffer += chunk[0..<count]
            }
        }
    }
}
