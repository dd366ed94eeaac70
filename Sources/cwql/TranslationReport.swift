import CWJSON
import CWQLLanguage
import ConnectWiseClient
import Foundation

/// The three renderings of a plan that `cwql translate` prints.
struct TranslationReport {
    let plan: QueryPlan

    /// `conditions: …` and the other parameters, one per line.
    var parameterLines: String { plan.parameterLines.joined(separator: "\n") }

    /// One `METHOD path?query` line per request, with headers and repetition beneath.
    var requestLines: String {
        var lines: [String] = []
        for (step, segment) in plan.sentSteps {
            // What the client sends: a long ticket query goes by POST search.
            let sent = ConnectWiseClient.asSent(step.request)
            lines.append("\(sent.method.rawValue) \(sent.pathAndQuery())")
            if let body = sent.body, sent.method != step.request.method {
                lines.append("  body: \(JSONWriter.string(body))")
                lines.append("  (the URL is longer than \(ConnectWiseClient.longestURL) characters: sent as a search)")
            }
            for (name, value) in step.request.headers { lines.append("  \(name): \(value)") }
            if let repeats = step.repeats { lines.append("  (repeated for \(repeats))") }
            if segment?.isUnchecked == true {
                lines.append("  (\(QueryPlan.uncheckedNote))")
            }
        }
        if lines.isEmpty {
            lines.append("(nothing is sent to ConnectWise: cwql reads \(plan.segments[0].entity.name) itself)")
        }
        return lines.joined(separator: "\n")
    }

    /// The plan as pretty-printed JSON with sorted keys.
    var json: String {
        struct Segment: Encodable {
            var entity: String
            var conditions: String?
            var customFieldConditions: String?
            var orderBy: String?
            var fields: [String]?
            var limit: Int?
            var count: Bool
            var clientSide: [String]
            /// True for a backquoted endpoint, whose fields cwql does not check.
            var unchecked: Bool
        }
        struct Item: Encodable {
            var name: String
            var value: String
        }
        struct Step: Encodable {
            var method: String
            var path: String
            var query: [Item]
            var headers: [String: String]
            var repeats: String?
        }
        struct Plan: Encodable {
            var segments: [Segment]
            var requests: [Step]
            var write: String?
        }
        let encoded = Plan(
            segments: plan.segments.map {
                Segment(
                    entity: $0.entity.name,
                    conditions: $0.filter.conditions?.rendered(),
                    customFieldConditions: $0.filter.customFieldConditions?.rendered(),
                    orderBy: $0.orderBy.isEmpty ? nil : $0.orderBy.joined(separator: ", "),
                    fields: $0.fields,
                    limit: $0.limit,
                    count: $0.countOnly,
                    clientSide: $0.clientStages.filter { !$0.isPresentationOnly }.map(\.summary),
                    unchecked: $0.isUnchecked
                )
            },
            requests: plan.sentSteps.map(\.step).map { step in
                Step(
                    method: step.request.method.rawValue,
                    path: step.request.path.description,
                    query: step.request.query.map { Item(name: $0.name, value: $0.value.rendered()) },
                    headers: Dictionary(
                        step.request.headers.map { ($0.name, $0.value) },
                        uniquingKeysWith: { first, _ in first }
                    ),
                    repeats: step.repeats
                )
            },
            write: plan.write?.requestLine
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(encoded)) ?? Data(), as: UTF8.self)
    }
}
