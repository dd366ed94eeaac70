import CReadline
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Set by Ctrl-C while a statement runs (not while editing a line); the REPL cancels the
/// running statement when it sees it.
public let interruptRequested = Atomic<Bool>(false)

/// The completion function readline calls; one line editor per process.
nonisolated(unsafe) private var completionProvider: ((String) -> [String])?
nonisolated(unsafe) private var pendingCandidates: [String] = []
nonisolated(unsafe) private var candidateIndex = 0
/// The prompt a Ctrl-C while editing returns to (a C string that lives as long as the reader).
nonisolated(unsafe) private var primaryPromptText: UnsafeMutablePointer<CChar>?
/// Set by Ctrl-C while editing: the entry being typed (all its lines) is discarded.
private let entryDiscarded = Atomic<Bool>(false)
/// True from the call to `readline()` to its return.
private let insideReadline = Atomic<Bool>(false)
/// Ctrl-C came inside `readline()` before it waited for a key (the prompt shown, the key loop
/// not yet entered): the line is cleared when it asks for its first key, outside the handler.
private let interruptBeforeFirstKey = Atomic<Bool>(false)

/// readline's key source: first acts on a Ctrl-C that came before readline waited for keys.
private let keySource: @convention(c) (UnsafeMutablePointer<FILE>?) -> Int32 = { stream in
    if interruptBeforeFirstKey.exchange(false, ordering: .relaxed) {
        cwql_rl_clear_line_for_interrupt(primaryPromptText)
    }
    return cwql_rl_getc(stream)
}

private let completionGenerator: @convention(c) (UnsafePointer<CChar>?, Int32) -> UnsafeMutablePointer<CChar>? = {
    _,
    state in
    if state == 0 { candidateIndex = 0 }
    guard candidateIndex < pendingCandidates.count else { return nil }
    defer { candidateIndex += 1 }
    return strdup(pendingCandidates[candidateIndex])  // readline frees it
}

private let attemptedCompletion:
    @convention(c) (UnsafePointer<CChar>?, Int32, Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = {
        text,
        start,
        end in
        cwql_rl_set_attempted_completion_over(1)  // never fall back to file names
        guard let provider = completionProvider, let buffer = cwql_rl_line_buffer() else { return nil }
        let bytes = Array(String(cString: buffer).utf8)
        let prefix = String(decoding: bytes[0..<min(bytes.count, Int(max(0, end)))], as: UTF8.self)
        pendingCandidates = provider(prefix)
        // After an opening quote readline closes the string itself when one candidate is left:
        // a candidate's own closing quote would be doubled (`import "alerts""`).
        if start > 0, Int(start) <= bytes.count {
            let before = Character(UnicodeScalar(bytes[Int(start) - 1]))
            if before == "\"" || before == "'" {
                pendingCandidates = pendingCandidates.map { $0.last == before ? String($0.dropLast()) : $0 }
            }
        }
        return rl_completion_matches(text, completionGenerator)
    }

/// Ctrl-C: a fresh prompt while editing, a cancel request while a statement runs.
private let interruptHandler: @convention(c) (Int32) -> Void = { _ in
    if cwql_rl_is_reading() != 0 {
        entryDiscarded.store(true, ordering: .relaxed)
        cwql_rl_clear_line_for_interrupt(primaryPromptText)
    } else if insideReadline.load(ordering: .relaxed) {
        entryDiscarded.store(true, ordering: .relaxed)
        interruptBeforeFirstKey.store(true, ordering: .relaxed)
    } else {
        interruptRequested.store(true, ordering: .relaxed)
    }
}

/// GNU readline: Emacs keys, history, tab completion, and a history file written with mode 0600.
///
/// One per process: readline keeps its state in C globals.
public final class ReadlineLineReader: LineReader {
    private let historyFile: String?
    private var lastEntry: String?

    /// Opens readline, loading history from `historyFile` when given.
    ///
    /// - Parameter completion: candidates for the text before the cursor.
    public init(historyFile: String?, applicationName: String = "cwql", completion: ((String) -> [String])? = nil) {
        self.historyFile = historyFile
        setlocale(LC_ALL, "")
        applicationName.withCString { cwql_rl_set_readline_name(strdup($0)) }
        completionProvider = completion
        cwql_rl_set_attempted_completion_function(attemptedCompletion)
        cwql_rl_set_basic_word_break_characters(strdup(" \t\n\"'`$><=;|&{(,~!"))
        cwql_rl_set_catch_signals(0)
        cwql_rl_set_getc_function(keySource)
        signal(SIGINT, interruptHandler)
        if let historyFile { read_history(historyFile) }
    }

    /// The prompt of a new entry; Ctrl-C at a continuation prompt discards the pending entry
    /// and shows this one.
    public var primaryPrompt: String = "> " {
        didSet {
            free(primaryPromptText)
            primaryPromptText = strdup(primaryPrompt)
        }
    }

    /// Puts text in front of the next line read, as if typed (at most 512 bytes).
    public static func pushBack(_ text: String) {
        guard !text.isEmpty else { return }
        String(text.utf8.prefix(512)).map { cwql_rl_stuff_text($0) }
    }

    /// True once after Ctrl-C was pressed while editing: the caller drops what it has gathered of
    /// a multi-line entry.
    public func takeDiscardedEntry() -> Bool {
        entryDiscarded.exchange(false, ordering: .relaxed)
    }

    public func readLine(prompt: String) -> String? {
        interruptRequested.store(false, ordering: .relaxed)
        interruptBeforeFirstKey.store(false, ordering: .relaxed)
        insideReadline.store(true, ordering: .relaxed)
        let line = readline(prompt)
        insideReadline.store(false, ordering: .relaxed)
        guard let raw = line else { return nil }
        defer { free(raw) }
        return String(cString: raw)
    }

    public func addHistory(_ entry: String) {
        guard !entry.isEmpty, entry != lastEntry, !ReadlineLineReader.looksSecret(entry) else { return }
        lastEntry = entry
        add_history(entry)
    }

    /// Lines that seem to hold a key or password are kept out of the history.
    public static func looksSecret(_ line: String) -> Bool {
        let folded = line.lowercased().filter { $0 != "_" && $0 != "-" && $0 != " " }
        return ["privatekey", "password", "secret", "cwprivate", "apikey", "token"].contains { folded.contains($0) }
    }

    /// Writes the history file (mode 0600), keeping the last `limit` entries.
    public func saveHistory(limit: Int32 = 1000) {
        guard let historyFile else { return }
        let descriptor = open(historyFile, O_WRONLY | O_CREAT, 0o600)
        if descriptor >= 0 { close(descriptor) }
        chmod(historyFile, 0o600)
        write_history(historyFile)
        history_truncate_file(historyFile, limit)
    }
}
