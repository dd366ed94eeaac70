/// The formats `from` reads.
public enum DataFormat: String, Sendable, CaseIterable {
    case csv, jsonl, json

    /// The format a file's name says (`.csv`, `.jsonl` or `.ndjson`, `.json`), if any.
    public static func of(path: String) -> DataFormat? {
        let lowered = path.lowercased()
        if lowered.hasSuffix(".csv") { return .csv }
        if lowered.hasSuffix(".jsonl") || lowered.hasSuffix(".ndjson") { return .jsonl }
        if lowered.hasSuffix(".json") { return .json }
        return nil
    }
}

/// `from "seats.csv"`, `from "alerts.jsonl" as jsonl`, `from stdin as csv`: rows from outside
/// ConnectWise, as a pipeline's source.
public struct DataSourceReference: Sendable {
    public enum Location: Sendable, Hashable {
        /// A file, relative to the current directory.
        case file(String)
        case standardInput
    }

    public var location: Location
    public var format: DataFormat
    public var span: SourceSpan

    public init(location: Location, format: DataFormat, span: SourceSpan) {
        self.location = location
        self.format = format
        self.span = span
    }

    /// How messages and plans name it: the path, or `stdin`.
    public var displayName: String {
        switch location {
        case .file(let path): return path
        case .standardInput: return "stdin"
        }
    }

    /// What identifies the rows once read (a path and a format): each is read once a run.
    public var key: String { "\(format.rawValue):\(displayName)" }
}
