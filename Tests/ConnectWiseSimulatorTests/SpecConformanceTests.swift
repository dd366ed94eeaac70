import CWJSON
import ConnectWiseSpec
import Foundation
import Testing

/// The simulator checked against ConnectWise's published spec, not against cwql: every list
/// endpoint of the spec answers, every record it sends validates against its model (types,
/// enum values, required fields, no extra keys), and a client that follows `Link` the way
/// clients generated from the spec do reads every page.
@Suite("Simulator against ConnectWise's published spec")
struct SpecConformanceTests {
    static let facts = APIFacts.published

    @Test func everyListEndpointAnswersRecordsOfItsModel() async throws {
        try await withSimulator({ $0.tickets = 40 }) { sim in
            var firstIds: [String: Int] = [:]  // concrete list path → an id it holds
            let lists = Set(Self.facts.listEndpoints.map(\.path))
            var unknownModels: [String] = []
            var answered = 0
            var withRecords = 0
            var validated = 0
            var problems: [String] = []
            for endpoint in Self.facts.listEndpoints.sorted(by: { $0.path < $1.path }) {
                guard let model = endpoint.model,
                    let path = concretePath(endpoint.path, firstIds: firstIds, lists: lists)
                else {
                    problems.append("\(endpoint.path): no parent record to nest under")
                    continue
                }
                let reply = try await sim.send(.GET, path, query: ["pageSize": "1000"])
                guard reply.status == 200 else {
                    problems.append("\(path): status \(reply.status) \(reply.body.prefix(200))")
                    continue
                }
                answered += 1
                if !reply.array.isEmpty { withRecords += 1 }
                if let id = reply.ids.first { firstIds[path] = id }
                if Self.facts.fields(of: model) == nil {
                    // The spec names a model it does not describe: the records carry their id.
                    unknownModels.append(endpoint.path)
                    #expect(reply.array.allSatisfy { $0.objectValue?.keys == ["id"] }, "\(path)")
                    continue
                }
                for record in reply.array {
                    validated += 1
                    problems += ModelValidator.problems(record, model: model, facts: Self.facts).map {
                        "\(path) #\(record["id"]?.intValue ?? 0): \($0)"
                    }
                }
            }
            if !problems.isEmpty {
                try? problems.joined(separator: "\n").write(
                    toFile: "/tmp/cwql-conformance-problems.txt",
                    atomically: true,
                    encoding: .utf8
                )
            }
            #expect(
                problems.isEmpty,
                "\(problems.count) problems, first: \(problems.prefix(15).joined(separator: "\n"))"
            )
            #expect(answered == Self.facts.listEndpoints.count)
            #expect(unknownModels.count == 15, "\(unknownModels)")
            #expect(answered >= 616)
            // Every top-level list has rows; nested ones have them under some parents.
            #expect(withRecords > 400)
            #expect(validated > 2000)
        }
    }

    /// `/company/companies/{id}/sites` with the id of a company the simulator holds (any id
    /// where the spec has no list above: `/finance/agreementTypes/{id}/workroles`).
    func concretePath(_ template: String, firstIds: [String: Int], lists: Set<String>) -> String? {
        var path = ""
        var pathTemplate = ""
        for segment in template.split(separator: "/") {
            if segment == "{id}" {
                let id = firstIds[path] ?? (lists.contains(pathTemplate) ? nil : 1)
                guard let id else { return nil }
                pathTemplate += "/{id}"
                path += "/\(id)"
            } else {
                path += "/\(segment)"
                pathTemplate += "/\(segment)"
            }
        }
        return path
    }

    @Test func theFirstReleasesRecordsAreCompleteModels() async throws {
        try await withSimulator { sim in
            for (path, model, minimumFields) in [
                ("/service/tickets", "Ticket", 60), ("/system/members", "Member", 40),
                ("/project/projects", "Project", 30),
                ("/service/priorities", "Priority", 5), ("/sales/opportunities", "Opportunity", 20),
                ("/company/contacts", "Contact", 15),
            ] {
                let reply = try await sim.send(.GET, path, query: ["pageSize": "5"])
                #expect(reply.status == 200)
                for record in reply.array {
                    #expect(ModelValidator.problems(record, model: model, facts: Self.facts).isEmpty, "\(path)")
                    #expect(
                        (record.objectValue?.count ?? 0) >= minimumFields,
                        "\(path) sends \(record.objectValue?.count ?? 0) fields"
                    )
                }
            }
            let ticket = try await sim.send(.GET, "/service/tickets/1")
            #expect(ticket.json?["initialDescription"] == nil, "the spec: initialDescription is never returned")
            #expect(ticket.json?["dateEntered"] == nil)
            #expect(ticket.json?.value(atPath: "_info/dateEntered")?.stringValue != nil)
            #expect(
                ticket.json?.value(atPath: "board/_info/board_href")?.stringValue?.hasSuffix(
                    "/service/boards/\(ticket.json?.value(atPath: "board/id")?.intValue ?? 0)"
                ) == true
            )
        }
    }

    @Test func aClientParsingPageFromTheNextLinkReadsEveryPage() async throws {
        try await withSimulator({ $0.tickets = 430 }) { sim in
            // As clients generated from the spec do: the next page number is `page=(\d+)>` in the
            // rel="next" entry; a Link whose URL does not end in the page number stops them.
            let pattern = /page=(\d+)>; rel="next"/
            var page = 1
            var ids: [Int] = []
            var links: [String] = []
            while true {
                let reply = try await sim.send(
                    .GET,
                    "/service/tickets?conditions=id%3E0&fields=id,summary&pageSize=100&page=\(page)"
                )
                #expect(reply.status == 200)
                ids += reply.ids
                let link = reply.headers.first(name: "Link") ?? ""
                links.append(link)
                guard let match = link.firstMatch(of: pattern), let next = Int(match.1) else { break }
                page = next
            }
            #expect(ids == Array(1...430))
            #expect(!links[0].contains("rel=\"first\""), "page 1 has no rel=first: \(links[0])")
            #expect(
                links[0].contains("?conditions=id%3E0&fields=id,summary&pageSize=100&page=2>; rel=\"next\""),
                "\(links[0])"
            )
            #expect(links[0].contains("page=5>; rel=\"last\""))
            #expect(links.last?.contains("rel=\"next\"") == false)
        }
    }

    @Test func conditionsOnFieldsTheModelLacksAre400ApiFindCondition() async throws {
        try await withSimulator { sim in
            for (path, conditions) in [
                ("/service/tickets", "dateEntered > [2026-01-01]"),
                ("/company/contacts", "defaultEmailAddress = \"a@b.com\""),
                ("/service/tickets", "board/nickname = \"x\""), ("/schedule/entries", "nonsense = 1"),
            ] {
                let reply = try await sim.send(.GET, path, query: ["conditions": conditions])
                #expect(reply.status == 400, "\(path) \(conditions)")
                #expect(reply.json?["code"]?.stringValue == "ApiFindCondition")
            }
            let known = try await sim.send(
                .GET,
                "/service/tickets",
                query: ["conditions": "_info/dateEntered > [2026-01-01T00:00:00Z] and board/name = \"Help\""]
            )
            #expect(known.status == 200)
            #expect(!known.array.isEmpty)
        }
    }

    @Test func methodsTheSpecDoesNotListAre405() async throws {
        try await withSimulator { sim in
            let deleteMember = try await sim.send(.DELETE, "/system/members/1")
            #expect(deleteMember.status == 405)
            #expect(deleteMember.json?["message"]?.stringValue?.contains("GET, PUT, PATCH") == true)
            let postAllNotes = try await sim.send(.POST, "/service/tickets/1/allNotes", body: "{}")
            #expect(postAllNotes.status == 405)
            let patchCount = try await sim.send(.PATCH, "/service/tickets/count", body: "[]")
            #expect(patchCount.status == 405)
        }
    }

    @Test func allNotesShowsATicketsNotesAndGeneratedListsAreStable() async throws {
        try await withSimulator { sim in
            let notes = try await sim.send(.GET, "/service/tickets/3/notes")
            let all = try await sim.send(.GET, "/service/tickets/3/allNotes")
            #expect(all.status == 200)
            #expect(all.ids == notes.ids)
            #expect(
                all.array.compactMap { $0["text"]?.stringValue } == notes.array.compactMap { $0["text"]?.stringValue }
            )
            // A list nobody seeded is generated from its model, the same on every read, and
            // its references point at seeded records.
            let first = try await sim.send(.GET, "/schedule/entries")
            let again = try await sim.send(.GET, "/schedule/entries")
            #expect(first.body == again.body)
            #expect(!first.array.isEmpty)
            let sites = try await sim.send(.GET, "/company/companies/2/sites")
            #expect(sites.status == 200)
            let missingParent = try await sim.send(.GET, "/company/companies/99999/sites")
            #expect(missingParent.status == 404)
            let created = try await sim.send(
                .POST,
                "/schedule/entries",
                body: #"{"name": "Visit", "member": {"identifier": "jsmith"}, "type": {"id": 1}}"#
            )
            #expect(created.status == 201, "\(created.body)")
            #expect(created.json?.value(atPath: "member/identifier")?.stringValue == "jsmith")
            let read = try await sim.send(.GET, "/schedule/entries/\(created.json?["id"]?.intValue ?? 0)")
            #expect(read.json?["name"]?.stringValue == "Visit")
        }
    }
}

extension SpecConformanceTests {
    @Test func customFieldConditionsAreCheckedAgainstTheCustomFieldModel() async throws {
        try await withSimulator { sim in
            let known = try await sim.send(
                .GET,
                "/service/tickets",
                query: ["customFieldConditions": #"caption = "Alert ID" and value != null"#]
            )
            #expect(known.status == 200)
            #expect(!known.array.isEmpty)
            let unknown = try await sim.send(
                .GET,
                "/service/tickets",
                query: ["customFieldConditions": #"colour = "red""#]
            )
            #expect(unknown.status == 400)
            #expect(unknown.json?["code"]?.stringValue == "ApiFindCondition")
            let noCustomFields = try await sim.send(
                .GET,
                "/service/priorities",
                query: ["customFieldConditions": #"caption = "x""#]
            )
            #expect(noCustomFields.status == 400)
        }
    }

    @Test func generatedIdFieldsNameRecordsThatExist() async throws {
        try await withSimulator { sim in
            // `memberId` of a callback and `boardId` of a service code name seeded records.
            for (list, field, target) in [
                ("/system/callbacks", "memberId", "/system/members"), ("/service/codes", "boardId", "/service/boards"),
            ] {
                let rows = try await sim.send(.GET, list)
                let ids = rows.array.compactMap { $0[field]?.intValue }
                #expect(!ids.isEmpty, "\(list) has no \(field)")
                for id in ids {
                    let named = try await sim.send(.GET, "\(target)/\(id)")
                    #expect(named.status == 200, "\(list).\(field) = \(id) names nothing in \(target)")
                }
            }
        }
    }
}

/// Checks a record against its model in the spec facts, independently of the simulator's code.
enum ModelValidator {
    static func problems(_ value: JSON, model: String, facts: APIFacts, depth: Int = 0) -> [String] {
        guard case .object(let record) = value else { return ["not an object"] }
        guard let fields = facts.fields(of: model) else { return ["unknown model \(model)"] }
        let byName = Dictionary(fields.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var problems: [String] = []
        for (key, fieldValue) in record.pairs {
            guard let field = byName[key] else {
                problems.append("\(model).\(key) is not in the model")
                continue
            }
            if field.isWriteOnly { problems.append("\(model).\(key) is write-only but was returned") }
            // An optional field inside a nested object.
            if fieldValue == .null, !field.isRequired, depth > 0 { continue }
            problems += typeProblems(fieldValue, field.type, at: "\(model).\(key)", facts: facts, depth: depth)
        }
        if depth == 0 {
            for field in fields where field.isRequired && record[field.name] == nil {
                problems.append("\(model).\(field.name) is required but missing")
            }
        }
        return problems
    }

    static func typeProblems(
        _ value: JSON,
        _ type: FieldType,
        at place: String,
        facts: APIFacts,
        depth: Int
    ) -> [String] {
        let ok: Bool
        switch type {
        case .string: ok = value.stringValue != nil
        case .enumeration(let values):
            guard let text = value.stringValue else { return ["\(place) is not a string"] }
            return values.contains(text) ? [] : ["\(place) = \(text) is not one of \(values)"]
        case .integer: ok = { if case .int = value { return true } else { return false } }()
        case .number: ok = value.doubleValue != nil
        case .boolean: ok = value.boolValue != nil
        case .scalar: ok = value.stringValue != nil || value.doubleValue != nil || value.boolValue != nil
        case .datetime, .date: ok = value.stringValue?.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/) != nil
        case .object: ok = value.objectValue != nil
        case .reference(let model), .embedded(let model):
            guard value.objectValue != nil else { return ["\(place) is not an object"] }
            return problems(value, model: model, facts: facts, depth: depth + 1)
        case .model(let model):
            guard let items = value.arrayValue else { return ["\(place) is not an array"] }
            return items.flatMap { problems($0, model: model, facts: facts, depth: depth + 1) }
        case .array(let item):
            guard let items = value.arrayValue else { return ["\(place) is not an array"] }
            return items.flatMap { typeProblems($0, item, at: place + "[]", facts: facts, depth: depth) }
        }
        return ok ? [] : ["\(place) = \(value) is not a \(type)"]
    }
}
