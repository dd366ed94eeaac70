import CWJSON
import ConnectWiseClient
import ConnectWiseRequests
import Testing

/// The retry machine, alone: each row is a request, the events that happen to it, and the steps
/// the client must take. No sockets, no clock.
@Suite struct RetryMachineTests {
    typealias Step = RetryMachine.Step
    typealias Event = RetryMachine.Event

    static let context = RetryMachine.Context(
        company: "demo",
        site: "https://cw.example",
        host: "cw.example",
        timeout: 60
    )
    static let policy = RetryPolicy(maximumAttempts: 3, maximumRateLimitWaits: 2)
    static let read = Request(.get, RequestPath("/service/tickets"))
    static let note = Request(
        .post,
        RequestPath("/service/tickets/5/notes"),
        body: .object(JSONObject(["text": .string("x")]))
    )
    static let patch = Request(.patch, RequestPath("/service/tickets/5"), body: .array([]))
    static let delete = Request(.delete, RequestPath("/service/tickets/5"))

    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var request: Request
        var canReconcile = false
        /// After each event, the step expected; the first step is always `.send`.
        var script: [(Event, Step)]
        var testDescription: String { name }
    }

    static func answered(
        _ status: Int,
        message: String = "",
        retryAfter: String? = nil,
        location: String? = nil
    ) -> Event {
        .answered(.init(status: status, retryAfter: retryAfter, location: location, message: message))
    }

    static let rows: [Row] = [
        Row(name: "a 200 succeeds at once", request: read, script: [(answered(200), .succeed)]),
        Row(
            name: "a read retries a 503 with backoff, then succeeds",
            request: read,
            script: [
                (answered(503), .wait(.afterFailure(1))), (answered(200), .succeed),
            ]
        ),
        Row(
            name: "a read gives up after the attempt budget",
            request: read,
            script: [
                (answered(500), .wait(.afterFailure(1))), (.transportFailed(.timeout), .wait(.afterFailure(2))),
                (
                    answered(502, message: "bad gateway"),
                    .fail(.server(status: 502, method: "GET", path: "/service/tickets", message: "bad gateway"))
                ),
            ]
        ),
        Row(
            name: "429 waits on its own budget, as told by Retry-After",
            request: read,
            script: [
                (answered(429, retryAfter: "3"), .wait(.rateLimited(1, retryAfter: "3"))),
                (answered(503), .wait(.afterFailure(1))),
                (answered(429), .wait(.rateLimited(2, retryAfter: nil))),
                (answered(429), .fail(.rateLimited(retries: 2))),
            ]
        ),
        Row(
            name: "a 404 asks whether the codebase moved, then sends again",
            request: read,
            script: [
                (answered(404), .rediscover), (.rediscovered(moved: true), .send), (answered(200), .succeed),
            ]
        ),
        Row(
            name: "a 404 where nothing moved is not found",
            request: read,
            script: [
                (answered(404, message: "gone"), .rediscover),
                (.rediscovered(moved: false), .fail(.notFound(path: "/service/tickets", message: "gone"))),
            ]
        ),
        Row(
            name: "a lost DELETE sent again finds the record gone: deleted",
            request: delete,
            script: [
                (.transportFailed(.connectionClosed), .wait(.afterFailure(1))), (answered(404), .rediscover),
                (.rediscovered(moved: false), .succeedAsDeleted),
            ]
        ),
        Row(
            name: "a 414 read goes again as a search",
            request: Request(.get, RequestPath("/service/tickets")),
            script: [
                (answered(414), .send), (answered(200), .succeed),
            ]
        ),
        Row(
            name: "a 414 where there is no search is explained",
            request: Request(.get, RequestPath("/company/companies")),
            script: [
                (answered(414), .fail(.urlTooLong(method: "GET", path: "/company/companies", length: 18)))
            ]
        ),
        Row(
            name: "401 and a clientId 400 fail at once",
            request: read,
            script: [
                (answered(401), .fail(.unauthorized(company: "demo")))
            ]
        ),
        Row(
            name: "a 400 that names the clientId",
            request: read,
            script: [
                (answered(400, message: "clientId required"), .fail(.clientId(message: "clientId required")))
            ]
        ),
        Row(
            name: "a 403 names the module its message names",
            request: read,
            script: [
                (
                    answered(403, message: "needs Service Desk > Service Tickets"),
                    .fail(
                        .forbidden(
                            method: "GET",
                            path: "/service/tickets",
                            module: "Service Desk > Service Tickets",
                            message: "needs Service Desk > Service Tickets"
                        )
                    )
                )
            ]
        ),
        Row(
            name: "an HTML 200 is not the API",
            request: read,
            script: [
                (.answered(.init(status: 200, isHTML: true)), .fail(.notAnAPI(site: "https://cw.example")))
            ]
        ),
        Row(
            name: "a refused connection is final",
            request: read,
            script: [
                (
                    .transportFailed(.connectionRefused),
                    .fail(.connection(host: "cw.example", reason: "connection refused"))
                )
            ]
        ),
        Row(
            name: "a lost POST is reconciled before it is sent again",
            request: note,
            canReconcile: true,
            script: [
                (.transportFailed(.connectionClosed), .reconcile), (.reconciled(found: false), .wait(.afterFailure(1))),
                (answered(201), .succeed),
            ]
        ),
        Row(
            name: "a lost POST that reconciling finds is done",
            request: note,
            canReconcile: true,
            script: [
                (answered(503), .reconcile), (.reconciled(found: true), .succeedWithReconciled),
            ]
        ),
        Row(
            name: "a POST whose reconcile fails is unknown, never failed",
            request: note,
            canReconcile: true,
            script: [
                (.transportFailed(.timeout), .reconcile),
                (
                    .reconcileFailed("503"),
                    .fail(
                        .writeOutcomeUnknown(
                            method: "POST",
                            path: "/service/tickets/5/notes",
                            reason: "no answer in time, and looking for the record failed: 503"
                        )
                    )
                ),
            ]
        ),
        Row(
            name: "a POST that cannot be reconciled is unknown after one loss",
            request: note,
            script: [
                (
                    answered(500),
                    .fail(
                        .writeOutcomeUnknown(
                            method: "POST",
                            path: "/service/tickets/5/notes",
                            reason: "the server answered 500"
                        )
                    )
                )
            ]
        ),
        Row(
            name: "a redirected POST is reconciled, and not sent again",
            request: note,
            canReconcile: true,
            script: [
                (answered(302, location: "http://x/"), .reconcile),
                (
                    .reconciled(found: false),
                    .fail(.redirectedWrite(method: "POST", path: "/service/tickets/5/notes", location: "http://x/"))
                ),
            ]
        ),
        Row(
            name: "a redirected POST that was applied is found",
            request: note,
            canReconcile: true,
            script: [
                (answered(307, location: "http://x/"), .reconcile), (.reconciled(found: true), .succeedWithReconciled),
            ]
        ),
        Row(
            name: "a redirected PATCH is an unknown outcome",
            request: patch,
            script: [
                (
                    answered(301, location: "http://x/"),
                    .fail(
                        .writeOutcomeUnknown(
                            method: "PATCH",
                            path: "/service/tickets/5",
                            reason: "redirected to http://x/; cwql does not follow redirects on writes"
                        )
                    )
                )
            ]
        ),
        Row(
            name: "a redirected read is a wrong site",
            request: read,
            script: [
                (
                    answered(302, location: "http://x/"),
                    .fail(
                        .invalidResponse(
                            path: "/service/tickets",
                            reason: "redirected to http://x/; check the site URL"
                        )
                    )
                )
            ]
        ),
        Row(
            name: "a write past its deadline after a send is unknown",
            request: note,
            canReconcile: true,
            script: [
                (.transportFailed(.timeout), .reconcile), (.reconciled(found: false), .wait(.afterFailure(1))),
                (
                    .deadlinePassed,
                    .fail(
                        .writeOutcomeUnknown(
                            method: "POST",
                            path: "/service/tickets/5/notes",
                            reason: "no answer within 60 s"
                        )
                    )
                ),
            ]
        ),
        Row(
            name: "a read past its deadline times out",
            request: read,
            script: [
                (.transportFailed(.timeout), .wait(.afterFailure(1))),
                (.deadlinePassed, .fail(.timeout(method: "GET", path: "/service/tickets", seconds: 60))),
            ]
        ),
    ]

    @Test(arguments: rows)
    func steps(_ row: Row) {
        var machine = RetryMachine(
            request: row.request,
            policy: Self.policy,
            canReconcile: row.canReconcile,
            context: Self.context
        )
        #expect(machine.start() == .send)
        var sends = 1
        for (index, (event, expected)) in row.script.enumerated() {
            var step = machine.next(after: event)
            // A wait is always followed by sending the same request again.
            if case .wait = step, step == expected {
                #expect(machine.waited() == .send, "row \(row.name), event \(index)")
                sends += 1
                step = expected
            } else if step == .send {
                sends += 1
            }
            #expect(step == expected, "row \(row.name), event \(index): \(event)")
        }
        #expect(machine.sends == sends)
    }

    @Test func aLongReadIsSentAsASearchFromTheStart() {
        let ids = (1...600).map(String.init).joined(separator: ",")
        let long = Request(
            .get,
            RequestPath("/service/tickets"),
            query: [QueryItem("conditions", .text("id in (\(ids))"))]
        )
        let machine = RetryMachine(
            request: ConnectWiseClient.asSent(long),
            policy: Self.policy,
            canReconcile: false,
            context: Self.context
        )
        #expect(machine.request.method == .post)
        #expect(machine.request.pathText == "/service/tickets/search")
    }
}
