import CWQLLanguage
import Foundation

/// Reads the rows of a `from` source for the static check: a file (relative to the script, as
/// an import is) or standard input, parsed whole before anything runs, so bad input is a
/// located error that names the file and line.
public struct DataLoader: Sendable {
    /// False when standard input holds the script (`echo … | cwql`, the REPL).
    public var standardInputIsFree: Bool

    public init(standardInputIsFree: Bool = true) {
        self.standardInputIsFree = standardInputIsFree
    }

    /// The rows, or a diagnostic at the `from` naming what is wrong.
    func load(_ reference: DataSourceReference, from source: SourceFile) -> Result<DataTable, Diagnostic> {
        func failure(_ problem: Problem) -> Result<DataTable, Diagnostic> {
            .failure(Diagnostic(problem, source: source, span: reference.span))
        }
        let bytes: [UInt8]
        switch reference.location {
        case .standardInput:
            guard standardInputIsFree else { return failure(.standardInputIsTheScript) }
            bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
        case .file(let name):
            let path = ModuleLocator.resolve(name, from: source)
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                return failure(.dataSource(name: name, line: nil, reason: "no such file (looked for \(path))"))
            }
            guard !isFolder.boolValue, let data = FileManager.default.contents(atPath: path) else {
                return failure(.dataSource(name: name, line: nil, reason: "can't be read (\(path))"))
            }
            bytes = Array(data)
        }
        do {
            return .success(try DataTable.parse(bytes, format: reference.format, name: reference.displayName))
        } catch {
            return failure(.dataSource(name: reference.displayName, line: error.line, reason: error.reason))
        }
    }
}
