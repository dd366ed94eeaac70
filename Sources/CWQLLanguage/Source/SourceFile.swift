/// A named piece of cwql source text: a script file, a `-c` argument or a REPL entry.
///
/// Spans elsewhere are UTF-8 byte offsets into ``bytes``; this type turns them into the
/// 1-based line and column (counted in characters) that diagnostics print.
public final class SourceFile: Sendable {
    /// What diagnostics call the file: a path, `<query>` or `<repl>`.
    public let name: String
    /// The whole text.
    public let text: String
    /// The text as UTF-8, the unit every ``SourceSpan`` counts in.
    public let bytes: [UInt8]
    /// Byte offset at which each line starts; `lineStarts[0] == 0`.
    let lineStarts: [Int]

    /// Creates a source file named `name` holding `text`.
    public init(name: String, text: String) {
        self.name = name
        self.text = text
        let bytes = Array(text.utf8)
        self.bytes = bytes
        var starts = [0]
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            starts.append(offset + 1)
        }
        self.lineStarts = starts
    }

    /// The line and column of a byte offset.
    public func location(of offset: Int) -> SourceLocation {
        let offset = max(0, min(offset, bytes.count))
        let lineIndex = lineIndex(containing: offset)
        let column = characterCount(from: lineStarts[lineIndex], to: offset) + 1
        return SourceLocation(line: lineIndex + 1, column: column)
    }

    /// The text of a 1-based line, without its line terminator.
    public func lineText(_ line: Int) -> String {
        guard line >= 1, line <= lineStarts.count else { return "" }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    /// The source text a span covers.
    public func text(of span: SourceSpan) -> String {
        let start = max(0, min(span.start, bytes.count))
        let end = max(start, min(span.end, bytes.count))
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// The number of characters between two byte offsets on one line.
    func characterCount(from start: Int, to end: Int) -> Int {
        guard end > start else { return 0 }
        return String(decoding: bytes[start..<end], as: UTF8.self).count
    }

    func lineIndex(containing offset: Int) -> Int {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return low
    }

    /// Byte offset of the end of the line that contains `offset` (before its newline).
    func endOfLine(containing offset: Int) -> Int {
        let index = lineIndex(containing: offset)
        return index + 1 < lineStarts.count ? lineStarts[index + 1] - 1 : bytes.count
    }
}

/// A 1-based line and column.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}

/// A half-open range of UTF-8 byte offsets into a ``SourceFile``.
public struct SourceSpan: Sendable, Hashable {
    public var start: Int
    public var end: Int

    public init(start: Int, end: Int) {
        self.start = start
        self.end = max(start, end)
    }

    /// The smallest span that covers both.
    public func merged(with other: SourceSpan) -> SourceSpan {
        SourceSpan(start: min(start, other.start), end: max(end, other.end))
    }

    /// An empty span, for things the compiler builds without source text.
    public static let none = SourceSpan(start: 0, end: 0)
}
