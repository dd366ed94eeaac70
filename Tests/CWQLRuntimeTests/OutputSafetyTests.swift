import CWQLRuntime
import Testing

/// Data from ConnectWise cannot drive the terminal or a spreadsheet.
@Suite("Output safety")
struct OutputSafetyTests {
    @Test func controlCharactersAreShownEscapedInTables() async throws {
        try await withRuntime(tickets: 5) { h in
            try await h.run(
                #"create ticket { summary: "clear \u{1B}[2J title \u{1B}]0;pwned\u{07} end", board: "Help", company: ACME }"#
                    .replacingOccurrences(of: "\\u{1B}", with: "\u{1B}").replacingOccurrences(
                        of: "\\u{07}",
                        with: "\u{07}"
                    )
            )
            let table = try await h.run(#"tickets where summary ~ "clear" | select id, summary"#)
            #expect(!table.contains("\u{1B}"))
            #expect(!table.contains("\u{07}"))
            #expect(table.contains(#"clear \u{1B}[2J title \u{1B}]0;pwned\u{7} end"#))
        }
    }

    @Test func safeCSVNeutralizesFormulas() async throws {
        try await withRuntime(
            tickets: 5,
            options: {
                $0.format = .csv
                $0.style.neutralizeFormulas = true
            }
        ) { h in
            try await h.run(#"create ticket { summary: "=HYPERLINK(\"http://x\")", board: "Help", company: ACME }"#)
            let csv = try await h.run(#"tickets where summary ~ "HYPERLINK" | select summary"#)
            #expect(csv == "summary\n\"'=HYPERLINK(\"\"http://x\"\")\"\n")
        }
    }
}
