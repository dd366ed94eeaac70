/// Where the REPL gets its lines: readline on a terminal, plain standard input otherwise,
/// or a script in tests. Keeping line editing behind this protocol keeps readline optional
/// (as Lua's standalone interpreter does).
public protocol LineReader {
    /// The next line without its newline, or nil at end of input (Ctrl-D).
    mutating func readLine(prompt: String) -> String?
    /// Records a complete statement in the history, where there is one.
    mutating func addHistory(_ entry: String)
}

/// Reads plain lines from standard input, with no prompt and no history: for pipes and files.
public struct StandardInputReader: LineReader {
    public init() {}

    public mutating func readLine(prompt: String) -> String? {
        Swift.readLine(strippingNewline: true)
    }

    public mutating func addHistory(_ entry: String) {}
}

/// Replays fixed lines: drives the REPL in tests without a terminal.
public struct ScriptedLineReader: LineReader {
    private var lines: [String]
    /// Every prompt shown, in order.
    public private(set) var prompts: [String] = []
    /// Every history entry added, in order.
    public private(set) var history: [String] = []

    public init(lines: [String]) {
        self.lines = lines
    }

    public mutating func readLine(prompt: String) -> String? {
        prompts.append(prompt)
        return lines.isEmpty ? nil : lines.removeFirst()
    }

    public mutating func addHistory(_ entry: String) {
        history.append(entry)
    }
}
