import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Runs cwql on a pseudo-terminal, as a person at a terminal would: type keys, read the screen.
final class PseudoTerminal: @unchecked Sendable {
    private let master: Int32
    private let process = Process()
    private let screen = ScreenBuffer()
    private var reader: Thread?

    /// Starts `cwql ARGUMENTS` (or `program ARGUMENTS`, such as an interactive shell) as the
    /// session leader of a new pty; `removing` takes variables out of the environment (`PAGER`).
    init(_ arguments: [String], environment: [String: String], removing: [String] = [], program: String? = nil) throws {
        // /dev/ptmx with the Linux ioctls (Glibc hides posix_openpt without _XOPEN_SOURCE).
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard master >= 0, ioctl(master, UInt(0x4004_5431), &unlock) == 0,
            ioctl(master, UInt(0x8004_5430), &number) == 0
        else {
            throw POSIXError(.EIO)
        }
        let name = "/dev/pts/\(number)"
        var size = winsize(ws_row: 40, ws_col: 120, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
        let slave = FileHandle(forUpdatingAtPath: name)!
        // A new session with the pty as its controlling terminal, so Ctrl-C becomes SIGINT.
        // setsid forks when it leads a process group (as Foundation starts it); --wait keeps it
        // until the program ends and passes on its status.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
        process.arguments = ["--wait", "--ctty", program ?? CommandRunner.executable.path] + arguments
        var env = ProcessInfo.processInfo.environment
        env["TERM"] = "dumb"
        env["PAGER"] = "cat"
        for (key, value) in environment { env[key] = value }
        for key in removing { env[key] = nil }
        process.environment = env
        process.standardInput = slave
        process.standardOutput = slave
        process.standardError = slave
        try process.run()
        try slave.close()
        let master = self.master
        let thread = Thread { [screen] in
            var bytes = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = read(master, &bytes, bytes.count)
                if count <= 0 { return }
                let text = String(decoding: bytes[0..<count], as: UTF8.self)
                screen.append(text)
            }
        }
        thread.start()
        reader = thread
    }

    /// Everything shown so far.
    var text: String { screen.text }

    /// Types text (use "\r" for Enter, "\t" for Tab, "\u{03}" for Ctrl-C, "\u{04}" for Ctrl-D).
    func type(_ keys: String) {
        let bytes = Array(keys.utf8)
        _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
    }

    /// Types a line and Enter, as a person at the prompt does, and waits until what follows
    /// it on the screen shows `expected` (the next prompt, a result).
    func enter(_ line: String, until expected: String) async -> Bool {
        let mark = text.count
        type(line + "\r")
        return await waitFor(expected, after: mark)
    }

    /// Waits until the screen shows `expected` after `offset` characters (a safety limit of
    /// 60 s keeps a broken REPL from hanging the suite; it is not a speed test).
    @discardableResult
    func waitFor(_ expected: String, after offset: Int = 0) async -> Bool {
        for _ in 0..<1200 {
            let shown = text
            if shown.count >= offset, String(shown.dropFirst(offset)).contains(expected) { return true }
            if !process.isRunning { return String(text.dropFirst(offset)).contains(expected) }
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
        return false
    }

    /// The program's process id (setsid's child), for signals; nil once it has ended.
    var processIdentifier: Int32? {
        let parent = process.processIdentifier
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
        for entry in entries {
            guard let pid = Int32(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            // "pid (name) state ppid …"
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, Int32(fields[1]) == parent { return pid }
        }
        return nil
    }

    /// Waits for the process to end and returns its status.
    func waitForExit() async -> Int32 {
        for _ in 0..<1200 where process.isRunning {
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
        // A REPL still running after a minute is a failure: kill it rather than block a thread
        // of the test pool in waitUntilExit.
        if process.isRunning {
            if let child = processIdentifier { kill(child, SIGKILL) }
            kill(process.processIdentifier, SIGKILL)
        }
        for _ in 0..<200 where process.isRunning {
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
        return process.isRunning ? -1 : process.terminationStatus
    }

    deinit {
        if process.isRunning {
            if let child = processIdentifier { kill(child, SIGKILL) }
            process.terminate()
        }
        close(master)
    }
}

/// The text a terminal has shown, shared with the reading thread.
final class ScreenBuffer: Sendable {
    private let storage = Mutex("")
    func append(_ text: String) { storage.withLock { $0 += text } }
    var text: String { storage.withLock { $0 } }
}

extension PseudoTerminal {
    /// A fresh, empty HOME for one terminal test.
    static func temporaryHome() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cwql-pty-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// `cwql demo --tickets N` on a pseudo-terminal, with a fresh HOME (or `home`), no
    /// XDG_STATE_HOME, and `environment` on top.
    static func demo(
        tickets: Int,
        home: String? = nil,
        environment: [String: String] = [:],
        removing: [String] = []
    ) throws -> (terminal: PseudoTerminal, home: String) {
        let home = try home ?? temporaryHome()
        let terminal = try PseudoTerminal(
            ["demo", "--tickets", String(tickets)],
            environment: ["HOME": home, "XDG_STATE_HOME": ""].merging(environment) { _, given in given },
            removing: removing
        )
        return (terminal, home)
    }
}
