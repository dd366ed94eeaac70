import Foundation

/// Where cwql keeps state between runs (history, remembered API roots):
/// `$XDG_STATE_HOME/cwql`, else `~/.local/state/cwql`; nil without either.
enum StateDirectory {
    static var path: String? {
        let environment = ProcessInfo.processInfo.environment
        let base =
            environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["HOME"].map { "\($0)/.local/state" }
        return base.map { "\($0)/cwql" }
    }
}
