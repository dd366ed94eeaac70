import Foundation
import TOMLKit

/// Edits config.toml as text, line by line, so that a rewrite keeps everything it does not
/// change: comments, blank lines, the order of keys, unknown tables and how values are quoted.
/// Each edit is checked by parsing the result; an edit that would not parse is refused.
public struct ConfigEditor: Sendable {
    public private(set) var lines: [String]

    public init(text: String) {
        var split = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if split.last == "" { split.removeLast() }
        lines = split
    }

    public var text: String { lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n" }

    /// Sets `key = "value"` in `[profiles.NAME]`, adding the table or the key when missing.
    public mutating func set(_ key: String, to value: String, inProfile name: String) {
        let assignment = "\(key) = \(ConfigEditor.quoted(value))"
        guard let header = headerIndex(ofProfile: name) else {
            if let last = lines.last, !last.trimmingCharacters(in: .whitespaces).isEmpty { lines.append("") }
            lines += ["[profiles.\(ConfigEditor.tableKey(name))]", assignment]
            return
        }
        let end = sectionEnd(after: header)
        if let existing = (header + 1..<end).first(where: { ConfigEditor.key(of: lines[$0]) == key }) {
            lines[existing] = ConfigEditor.replacingValue(of: lines[existing], with: ConfigEditor.quoted(value))
            return
        }
        // After the section's last key, before trailing blank lines and comments of the next table.
        var insertAt = header + 1
        for index in header + 1..<end where ConfigEditor.key(of: lines[index]) != nil { insertAt = index + 1 }
        lines.insert(assignment, at: insertAt)
    }

    /// Sets (or, with nil, removes) the top-level `default_profile`.
    public mutating func setDefaultProfile(_ name: String?) {
        let firstTable = lines.firstIndex { ConfigEditor.isTableHeader($0) } ?? lines.count
        let existing = (0..<firstTable).first { ConfigEditor.key(of: lines[$0]) == "default_profile" }
        switch (existing, name) {
        case (let index?, let name?):
            lines[index] = ConfigEditor.replacingValue(of: lines[index], with: ConfigEditor.quoted(name))
        case (let index?, nil):
            lines.remove(at: index)
        case (nil, let name?):
            // After the leading comment block, before any table.
            var insertAt = 0
            while insertAt < firstTable, lines[insertAt].trimmingCharacters(in: .whitespaces).hasPrefix("#") {
                insertAt += 1
            }
            lines.insert("default_profile = \(ConfigEditor.quoted(name))", at: insertAt)
        case (nil, nil):
            break
        }
    }

    /// Removes `[profiles.NAME]` and its keys; true when there was one.
    @discardableResult
    public mutating func removeProfile(_ name: String) -> Bool {
        guard let header = headerIndex(ofProfile: name) else { return false }
        var end = sectionEnd(after: header)
        // Comments just above the next table belong to it.
        while end > header + 1, lines[end - 1].trimmingCharacters(in: .whitespaces).hasPrefix("#") { end -= 1 }
        lines.removeSubrange(header..<end)
        return true
    }

    /// Parses the edited text, so that a broken edit is never written.
    public func validated() throws(ConfigurationError) -> String {
        do {
            _ = try TOMLTable(string: text)
        } catch {
            throw .invalidFile(path: "the edited config", reason: String(describing: error))
        }
        return text
    }

    // MARK: - Lines

    private func headerIndex(ofProfile name: String) -> Int? {
        lines.firstIndex { line in
            guard ConfigEditor.isTableHeader(line) else { return false }
            let inside = line.trimmingCharacters(in: .whitespaces).dropFirst().prefix { $0 != "]" }
            let parts = ConfigEditor.dottedKey(String(inside))
            return parts == ["profiles", name]
        }
    }

    private func sectionEnd(after header: Int) -> Int {
        (header + 1..<lines.count).first { ConfigEditor.isTableHeader(lines[$0]) } ?? lines.count
    }

    static func isTableHeader(_ line: String) -> Bool {
        line.trimmingCharacters(in: .whitespaces).hasPrefix("[")
    }

    /// The bare key a `key = value` line sets, or nil.
    static func key(of line: String) -> String? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard !trimmed.hasPrefix("#"), !trimmed.hasPrefix("["), let equals = trimmed.firstIndex(of: "=") else {
            return nil
        }
        let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces)
        let parts = dottedKey(key)
        return parts.count == 1 ? parts[0] : nil
    }

    /// A line with its value replaced, keeping its indentation and a trailing comment.
    static func replacingValue(of line: String, with value: String) -> String {
        guard let equals = line.firstIndex(of: "=") else { return line }
        let head = line[..<equals].trimmingCharacters(in: .whitespaces)
        let indent = line.prefix { $0 == " " || $0 == "\t" }
        return "\(indent)\(head) = \(value)\(trailingComment(line[line.index(after: equals)...]))"
    }

    /// ` # comment` after a value, outside strings.
    private static func trailingComment(_ value: Substring) -> String {
        var quote: Character?
        var escaped = false
        for index in value.indices {
            let character = value[index]
            if escaped {
                escaped = false
                continue
            }
            if let open = quote {
                if character == "\\" && open == "\"" { escaped = true } else if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "#" {
                // Keep the spacing before the comment as it was.
                var start = index
                while start > value.startIndex,
                    value[value.index(before: start)] == " " || value[value.index(before: start)] == "\t"
                {
                    start = value.index(before: start)
                }
                return start == index ? " " + value[index...] : String(value[start...])
            }
        }
        return ""
    }

    /// `profiles."my site"` → ["profiles", "my site"].
    static func dottedKey(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "." {
                parts.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current.trimmingCharacters(in: .whitespaces))
        return parts
    }

    /// A TOML basic string.
    static func quoted(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// A profile name as a table key: bare when it can be.
    static func tableKey(_ name: String) -> String {
        let bare =
            !name.isEmpty && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
        return bare ? name : quoted(name)
    }
}
