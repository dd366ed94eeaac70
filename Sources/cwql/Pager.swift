import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Shows text through the user's pager (`$PAGER`, else `less -FRX`, else `more`).
///
/// The pager runs in cwql's own process group, which is the terminal's foreground group, so
/// it can read keys and draw (a pager in a group of its own is stopped by SIGTTIN/SIGTTOU under
/// a shell's job control, and has no terminal without one). A pager that quits early (`q`
/// before the end) closes its pipe: cwql stops writing and returns to the prompt.
enum Pager {
    /// The shell command that pages, or nil when paging is off (`PAGER=` set empty, or no pager
    /// installed).
    static func command(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let pager = environment["PAGER"] {
            let trimmed = pager.trimmingCharacters(in: .whitespaces)
            return trimmed.isEmpty ? nil : trimmed
        }
        let path = environment["PATH"] ?? "/usr/bin:/bin"
        for candidate in [("less", "less -FRX"), ("more", "more")] where isExecutable(candidate.0, inPath: path) {
            return candidate.1
        }
        return nil
    }

    /// Pages `text`; false when the pager could not run (the caller prints the text itself).
    static func show(_ text: String, command: String) -> Bool {
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { return false }
        let (readEnd, writeEnd) = (pipeEnds[0], pipeEnds[1])
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, readEnd, STDIN_FILENO)
        posix_spawn_file_actions_addclose(&actions, readEnd)
        posix_spawn_file_actions_addclose(&actions, writeEnd)
        // The pager starts with default signal handling (cwql ignores SIGPIPE and catches SIGINT).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var noMask = sigset_t()
        sigemptyset(&noMask)
        posix_spawnattr_setsigmask(&attributes, &noMask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let arguments = ["/bin/sh", "-c", command]
        var argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, &attributes, &argv, environ)
        close(readEnd)
        guard spawned == 0 else {
            close(writeEnd)
            return false
        }
        // A pager that quit early makes this fail with EPIPE: nothing more to show.
        _ = StandardStreams.write(text, to: writeEnd)
        close(writeEnd)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        // 127: the shell found no such command; the caller shows the text unpaged.
        let exited = status & 0x7f == 0
        return !(exited && (status >> 8) & 0xff == 127)
    }

    private static func isExecutable(_ name: String, inPath path: String) -> Bool {
        path.split(separator: ":").contains { access("\($0)/\(name)", X_OK) == 0 }
    }
}
