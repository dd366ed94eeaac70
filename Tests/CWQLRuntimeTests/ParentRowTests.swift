import CWJSON
import CWQLRuntime
import Testing

/// A child's rows and the records they hang under: their parent's fields in `select`, `sort`
/// and `count by`, lists under two ids, and writes to records whose path needs their parents' ids.
@Suite("Interpreter: child rows with their parents")
struct ParentRowTests {
    @Test func additionsShowTheirAgreementAndItsCompany() async throws {
        try await withRuntime(options: { $0.format = .jsonl }) { h in
            let out = try await h.run(
                "agreements | additions | select agreement.name, agreement.company.name, product, quantity"
            )
            let lines = try jsonLines(out)
            let additions = h.server.store.records("agreement_additions")
            #expect(lines.count == additions.count && !lines.isEmpty)
            // Each row's agreement is the one its addition belongs to (by agreementId, in the store).
            let agreements = Dictionary(
                uniqueKeysWithValues: h.server.store.records("agreements").compactMap { a in
                    a["id"]?.intValue.map { ($0, a) }
                }
            )
            var expected: [String: Int] = [:]
            for addition in additions {
                guard let agreement = addition["agreementId"]?.intValue.flatMap({ agreements[$0] }) else { continue }
                expected[
                    "\(agreement["name"]?.stringValue ?? "")|\(agreement["company"]?["name"]?.stringValue ?? "")",
                    default: 0
                ] += 1
            }
            var seen: [String: Int] = [:]
            for line in lines {
                #expect(line.objectValue?.keys == ["agreement.name", "agreement.company.name", "product", "quantity"])
                seen[
                    "\(line["agreement.name"]?.stringValue ?? "")|\(line["agreement.company.name"]?.stringValue ?? "")",
                    default: 0
                ] += 1
            }
            #expect(seen == expected)
            // The agreements are asked for the fields the rows show; the additions only for their own.
            #expect(h.requests[0].path == "/finance/agreements")
            #expect(h.requests[0].query.contains("fields=id,name,company/name"))
            #expect(h.requests.dropFirst().allSatisfy { $0.query.contains("fields=product/identifier,quantity") })
        }
    }

    @Test func parentFieldsSortAndGroupOnTheClient() async throws {
        try await withRuntime(options: { $0.format = .jsonl }) { h in
            let sorted = try jsonLines(
                try await h.run(
                    "agreements | additions | sort agreement.company.name desc, id | select agreement.company.name, id"
                )
            )
            let names = sorted.compactMap { $0["agreement.company.name"]?.stringValue }
            #expect(names.count == sorted.count && names.count > 1)
            #expect(names == names.sorted(by: >))
            #expect(h.requests.allSatisfy { !$0.query.contains("orderBy") })
            let groups = try jsonLines(try await h.run("agreements | additions | count by agreement.name"))
            #expect(groups.compactMap { $0["count"]?.intValue }.reduce(0, +) == sorted.count)
        }
    }

    @Test func aParentFieldInAWhereSaysWhereToFilter() async throws {
        try await withRuntime { h in
            let error = try #require(
                await h.failure(#"agreements | additions | where agreement.name = "Managed Services""#)
            )
            #expect(
                error.description.contains("`agreement.name` is a field of the agreement each addition hangs under")
            )
            #expect(error.description.contains("filter the agreements before `| additions`"))
            #expect(h.requests.isEmpty)
        }
    }

    @Test func aListUnderTwoIdsFillsBothFromItsParents() async throws {
        try await withRuntime(options: { $0.format = .jsonl }) { h in
            let out = try await h.run("boards | statuses | notifications | select id, status.id")
            let statusRequests = h.requests.filter { $0.path.hasSuffix("/statuses") }
            let notificationRequests = h.requests.filter { $0.path.hasSuffix("/notifications") }
            #expect(!statusRequests.isEmpty)
            // Every status of every board is asked for its notifications, under its own board.
            var statusesByBoard: [String: Set<Int>] = [:]
            for request in notificationRequests {
                let parts = request.path.split(separator: "/")  // service boards B statuses S notifications
                #expect(parts.count == 6 && parts[1] == "boards" && parts[3] == "statuses")
                statusesByBoard[String(parts[2]), default: []].insert(Int(parts[4]) ?? -1)
                #expect(request.status == 200)
            }
            let boards = try await h.run("boards | select id")
            #expect(
                Set(statusesByBoard.keys).isSubset(
                    of: Set(try jsonLines(boards).compactMap { $0["id"]?.intValue.map(String.init) })
                )
            )
            for (board, statuses) in statusesByBoard {
                let own = try jsonLines(try await h.run("boards where id = \(board) | statuses | select id")).compactMap
                { $0["id"]?.intValue }
                #expect(Set(own) == statuses)
            }
            #expect(try jsonLines(out).allSatisfy { $0["status.id"]?.intValue != nil })
        }
    }

    @Test func aRecordUnderTwoIdsIsWrittenAtItsOwnPath() async throws {
        try await withRuntime(options: {
            $0.format = .jsonl
            $0.assumeYes = true
        }) { h in
            let first = try #require(
                try jsonLines(
                    try await h.run(
                        #"boards where name = "Help" | statuses | notifications | take 1 | select id, status.id"#
                    )
                ).first
            )
            let id = try #require(first["id"]?.intValue)
            try await h.run(#"boards where name = "Help" | statuses | notifications | where id = \#(id) | delete"#)
            let delete = try #require(h.requests.first { $0.method == "DELETE" })
            let parts = delete.path.split(separator: "/")
            #expect(parts.count == 7 && parts[4] == "\(first["status.id"]?.intValue ?? -1)" && parts[6] == "\(id)")
            #expect(delete.status == 204)
            let left = try jsonLines(
                try await h.run(
                    #"boards where name = "Help" | statuses | notifications | where id = \#(id) | select id"#
                )
            )
            #expect(left.isEmpty)
        }
    }

    @Test func aVariableOfChildRecordsLeadsOnByTheirParentKey() async throws {
        try await withRuntime(options: { $0.format = .jsonl }) { h in
            let out = try await h.run(
                #"""
                let statuses = boards where name = "Help" | statuses
                $statuses | notifications | select id
                """#
            )
            #expect(!out.isEmpty)
            #expect(h.requests.contains { $0.path.hasSuffix("/notifications") && $0.status == 200 })
        }
    }

    @Test func theScriptCheckKnowsParentFields() async throws {
        try await withRuntime { h in
            // Checked before anything runs: a typo in a parent's field is caught on its own line.
            let error = try #require(
                await h.failure(
                    #"""
                    agreements | additions | select agreement.name
                    agreements | additions | select agreement.nmae
                    """#
                )
            )
            #expect(error.description.contains("nmae"))
            #expect(h.requests.isEmpty)
        }
    }
}
