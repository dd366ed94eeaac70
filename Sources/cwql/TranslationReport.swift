import CWQLLanguage
import Foundation

/// The three renderings of a plan that `cwql translate` prints.
struct TranslationReport {
    let plan: QueryPlan

    /// `conditions: …` and the other parameters, one per line.
    var parameterLines: String { plan.parameterLines.joined(separator: "\n") }

    /// One `METHOD path?query` line per request, with headers and repetition beneath.
    var requestLines: String {
        var lines: [String] = []
        for request in plan.requests {
            lines.append("\(request.method) \(request.pathAndQuery)")
            for (name, value) in request.headers.sorted(by: { $0.key < $1.key }) { lines.append("  \(name): \(value)") }
            if let repeats = request.repeats { lines.append("  (repeated for \(repeats))") }
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
        }
        struct Plan: Encodable {
            var segments: [Segment]
            var requests: [PlannedRequest]
            var write: String?
        }
        let encoded = Plan(
            segments: plan.segments.map {
                Segment(
                    entity: $0.entity.name, conditions: $0.filter.conditions,
                    customFieldConditions: $0.filter.customFieldConditions,
                    orderBy: $0.orderBy.isEmpty ? nil : $0.orderBy.joined(separator: ", "), fields: $0.fields,
                    limit: $0.limit, count: $0.countOnly,
                    clientSide: $0.clientStages.filter { !$0.isPresentationOnly }.map(\.summary))
            },
            requests: plan.requests, write: plan.write?.requestLine)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(encoded)) ?? Data(), as: UTF8.self)
    }
}

