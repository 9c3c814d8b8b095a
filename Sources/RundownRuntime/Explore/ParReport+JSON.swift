// `rdsh explore --json`: the outcome tables as one JSON document, written without Foundation.

extension ParReport {
    /// `{"file":...,"line":...,"schedules":...,"exhaustive":...,"outcomes":[...]}`.
    public var json: String {
        var fields = [
            "\"file\":\(JSONText.string(file))", "\"line\":\(line)", "\"schedules\":\(schedules)",
            "\"exhaustive\":\(exhaustive)", "\"budget\":\(budget)", "\"seed\":\(seed)",
        ]
        if let run { fields.append("\"run\":\(run)") }
        // Only when the search stopped early: "watchdog" (a step did not settle) or
        // "interrupted" (Ctrl-C).
        if stoppedByWatchdog {
            fields.append("\"stopped\":\"watchdog\"")
        } else if interrupted {
            fields.append("\"stopped\":\"interrupted\"")
        }
        if let preemptionBound {
            fields.append("\"granularity\":\"atomic\"")
            fields.append("\"preemptions\":\(preemptionBound)")
        }
        fields.append("\"outcomes\":[" + entries.map(\.json).joined(separator: ",") + "]")
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// Every report of every file as `{"blocks":[...]}`.
    public static func json(_ reports: [ParReport]) -> String {
        "{\"blocks\":[" + reports.map(\.json).joined(separator: ",") + "]}"
    }
}

extension ParReport.Entry {
    var json: String {
        outcomeJSON(extra: "\"schedules\":\(schedules),\"witness\":\(JSONText.string(witness))")
    }

    /// The outcome's fields as a JSON object, after `extra` fields when given.
    func outcomeJSON(extra: String?) -> String {
        let bindings = outcome.bindings.map { "\(JSONText.string($0.name)):\(JSONText.string($0.value))" }
        let handles = outcome.handles.map { handle -> String in
            var fields = ["\"state\":\(JSONText.string(handle.state))", "\"holders\":\(handle.holders)"]
            if let slots = handle.slots {
                fields.append("\"slots\":[" + slots.map(String.init).joined(separator: ",") + "]")
            }
            return "\(JSONText.string(handle.name)):{" + fields.joined(separator: ",") + "}"
        }
        let diagnostics = outcome.diagnostics.map {
            "{\"code\":\(JSONText.string($0.code)),\"line\":\($0.line)"
                + ($0.text.map { ",\"text\":\(JSONText.string($0))" } ?? "") + "}"
        }
        return "{" + (extra.map { $0 + "," } ?? "")
            + "\"bindings\":{\(bindings.joined(separator: ","))},"
            + "\"blocked\":[\(outcome.blocked.map(JSONText.string).joined(separator: ","))],"
            + "\"handles\":{\(handles.joined(separator: ","))},"
            + "\"diagnostics\":[\(diagnostics.joined(separator: ","))]}"
    }
}

/// JSON string literals (also the bench's).
package enum JSONText {
    package static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
