import CWQLRuntime
import Testing

/// One record too wide for the terminal is shown expanded; several records stay a table.
@Suite("The expanded view")
struct ExpandedViewTests {
    @Test func oneWideRecordIsExpandedAutomatically() async throws {
        try await withRuntime(tickets: 20, options: { $0.style.width = 60 }) { h in
            let one = try await h.run("ticket 5")
            #expect(one.hasPrefix("-[ RECORD 1 ]"))
            #expect(one.contains("\nsummary  | New user setup at Initech\n"))
            let several = try await h.run("tickets where id <= 2 | sort id")
            #expect(several.hasPrefix("id | "))
            h.interpreter.runOptions.style.expanded = .off
            #expect(try await h.run("ticket 5").hasPrefix("id | "))
            h.interpreter.runOptions.style.expanded = .on
            #expect(try await h.run("tickets where id <= 2 | sort id").contains("-[ RECORD 2 ]"))
        }
    }
}

/// A table sizes its columns from its first rows and streams the rest, so memory stays flat.
@Suite("Streamed tables")
struct StreamedTableTests {
    @Test func aLongTableStreamsAfterItsFirstRows() async throws {
        try await withRuntime(tickets: 1500, options: { $0.style.width = 50 }) { h in
            let out = try await h.run("tickets | sort id | select id, summary")
            let lines = out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(lines[0].hasPrefix("id   | summary"))
            #expect(lines.filter { $0.hasPrefix("id ") }.count == 1)  // one header
            #expect(lines.count == 2 + 1500 + 2)  // header, rule, rows, footer, end
            #expect(lines[lines.count - 2] == "(1500 rows)")
            // The id column was not narrowed: a later, wider id is printed whole, never cut.
            #expect(lines.contains { $0.hasPrefix("1500 | ") })
            // The summary was narrowed to the terminal: later rows are cut to it, as the first are.
            #expect(lines.dropFirst(2).dropLast(2).allSatisfy { $0.count <= 50 + 1 })
            // Rows were written before the result ended: the first thousand in one piece, the
            // rest of each later page in one piece, then the footer.
            #expect(h.output.writes == 3)
        }
    }
}
