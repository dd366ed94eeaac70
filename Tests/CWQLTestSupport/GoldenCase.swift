import CWJSON
import CWQLLanguage
import Foundation

/// One case of the golden corpus in `Tests/CWQLLanguageTests/cases/`: a query and what it must compile to.
///
/// A case file holds paragraphs separated by blank lines. Each paragraph is a query
/// followed by expectation lines:
///
///     tickets where bord = "Help"
///     # => error: 1:15: unknown field `bord` on tickets
///     # => help: did you mean `board`?
///
/// The `# =>` lines of a case that compiles must equal `cwql translate`'s output, every line in
/// order; `error:` and `help:` lines must equal the diagnostic exactly (location, message,
/// every hint). `CWQL_UPDATE_GOLDEN=1 swift test --filter GoldenCaseTests` rewrites the
/// compiling cases' lines after a deliberate change (review the diff).
public struct GoldenCase: Sendable {
    public var file: String
    public var line: Int
    public var query: String
    public var expectations: [String]

    public var testDescription: String { "\(file):\(line) \(query.split(separator: "\n").first ?? "")" }

    /// The fixed moment every case compiles at: Sunday 2026-11-22 15:30 UTC.
    public static let now = UTCDate(year: 2026, month: 11, day: 22, hour: 15, minute: 30)

    /// Variables every case may use.
    public static let variables: [String: Value] = [
        "board": .string("Help"),
        "days": .integer(14),
        "ids": .list([.integer(1), .integer(2), .integer(3)]),
        "hostile": .string("x\" or id > 0 or summary = \""),
        "t": .record(
            JSONObject([
                "id": .int(42), "summary": .string("Disk"),
                "company": .object(JSONObject(["identifier": .string("ACME")])),
            ])
        ),
    ]

    /// The corpus lives beside the language tests.
    public static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("CWQLLanguageTests/cases")

    /// Every case of every file of the corpus.

    /// True for a case that compiles (its expectations are output lines, not a diagnostic).
    public var compiles: Bool { !expectations.contains { $0.hasPrefix("error:") } }

    public static func all() -> [GoldenCase] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".cwql") }.sorted().flatMap { name in
            let text = (try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)) ?? ""
            return parse(text, file: name)
        }
    }

    public static func parse(_ text: String, file: String) -> [GoldenCase] {
        var cases: [GoldenCase] = []
        var query: [String] = []
        var expectations: [String] = []
        var start = 1
        func flush() {
            if !query.isEmpty, !expectations.isEmpty {
                cases.append(
                    GoldenCase(
                        file: file,
                        line: start,
                        query: query.joined(separator: "\n"),
                        expectations: expectations
                    )
                )
            }
            query = []
            expectations = []
        }
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.trimmingCharacters(in: .whitespaces).isEmpty {
                flush()
            } else if line.hasPrefix("# => ") {
                expectations.append(String(line.dropFirst(5)))
            } else if line.hasPrefix("#"), query.isEmpty {
                continue  // a comment about the next case
            } else {
                if query.isEmpty { start = index + 1 }
                query.append(String(line))
            }
        }
        flush()
        return cases
    }

    /// The file's text with each compiling case's expectations replaced by `render(query)`,
    /// everything else (comments, blank lines, error cases) as it was: how the corpus is
    /// brought up to date after a deliberate change of output (`CWQL_UPDATE_GOLDEN=1`).
    public static func updating(_ text: String, render: (String) -> [String]?) -> String {
        var out: [String] = []
        var query: [String] = []
        var expectations: [String] = []
        func flush() {
            if !query.isEmpty {
                out += query
                let rendered =
                    expectations.contains { $0.hasPrefix("error:") } ? nil : render(query.joined(separator: "\n"))
                out += (rendered ?? expectations).map { "# => " + $0 }
            }
            query = []
            expectations = []
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.trimmingCharacters(in: .whitespaces).isEmpty {
                flush()
                out.append(String(line))
            } else if line.hasPrefix("# => ") {
                expectations.append(String(line.dropFirst(5)))
            } else if line.hasPrefix("#"), query.isEmpty {
                out.append(String(line))
            } else {
                query.append(String(line))
            }
        }
        flush()
        return out.joined(separator: "\n")
    }
}
