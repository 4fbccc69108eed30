import Foundation
import SurveyEngine

/// Format 1 of the store: one JSON Lines log per questionnaire (`responses.jsonl`), each batch its response
/// lines then a commit line. Read once, to convert a store to format 2 (docs/STORE.md, «Format 1»); the
/// encoder stays so that tests can write format-1 stores as the old binary did.
enum StoreV1 {
    /// What a format-1 log held: committed entries in order, the batches, the committed length.
    struct Contents {
        var entries: [(response: Response, batch: String)] = []
        var batches: [(id: String, count: Int, source: String, checksum: String?, at: String)] = []
        var uncommittedLines = 0
        var committedLength = 0
    }

    static func parse(_ bytes: [UInt8], path: String) throws(StoreError) -> Contents {
        var contents = Contents()
        var pending: [(response: Response, batch: String)] = []
        var pendingBatch: String?
        var lineStart = 0
        var lineNumber = 0
        while lineStart < bytes.count {
            guard let newline = bytes[lineStart...].firstIndex(of: 0x0A) else {
                // A last line with no newline is torn: a write cut short. It is never part of a commit.
                contents.uncommittedLines += pending.count + 1
                return contents
            }
            lineNumber += 1
            let line = Array(bytes[lineStart..<newline])
            lineStart = newline + 1
            guard let node = try? JSONTreeParser.parse(line), case .object(let members) = node.value else {
                throw .corrupt(path: path, line: lineNumber, reason: Messages.storeNotJSONObject)
            }
            let fields = Dictionary(members.map { ($0.key, $0.value.value) }, uniquingKeysWith: { a, _ in a })
            switch fields["type"] {
            case .string("response"):
                guard case .string(let batch) = fields["batch"] else { throw .corrupt(path: path, line: lineNumber, reason: Messages.storeResponseWithoutBatch) }
                if pendingBatch != nil && pendingBatch != batch { throw .corrupt(path: path, line: lineNumber, reason: Messages.storeBatchesInterleave) }
                pendingBatch = batch
                pending.append((decodeResponse(fields), batch))
            case .string("commit"):
                guard case .string(let batch) = fields["batch"], case .number(let count) = fields["count"] else {
                    throw .corrupt(path: path, line: lineNumber, reason: Messages.storeCommitWithoutBatch)
                }
                // Int(exactly:): a count such as 1e300 or 2.5 in a damaged log is a mismatch, not a trap.
                guard pendingBatch == nil || pendingBatch == batch, Int(exactly: count) == pending.count else {
                    throw .corrupt(path: path, line: lineNumber, reason: Messages.storeCommitMismatch(batch: batch, lines: pending.count))
                }
                contents.entries += pending
                contents.batches.append((id: batch, count: pending.count, source: fields["source"]?.stringValue ?? "",
                                         checksum: fields["checksum"]?.stringValue, at: fields["at"]?.stringValue ?? ""))
                pending = []
                pendingBatch = nil
                contents.committedLength = lineStart
            case .string("forget"):
                guard case .string(let respondent) = fields["respondent"] else { throw .corrupt(path: path, line: lineNumber, reason: Messages.storeForgetWithoutRespondent) }
                contents.entries.removeAll { $0.response.respondent == respondent }
                contents.committedLength = lineStart
            default:
                throw .corrupt(path: path, line: lineNumber, reason: Messages.storeUnknownRecordType)
            }
        }
        contents.uncommittedLines = pending.count
        return contents
    }

    private static func decodeResponse(_ fields: [String: JSONValue]) -> Response {
        var response = Response(respondent: fields["respondent"]?.stringValue, stage: fields["stage"]?.stringValue)
        if case .object(let values) = fields["values"] {
            for (key, node) in values { if case .number(let v) = node.value { response.values[key] = v } }
        }
        if case .object(let texts) = fields["texts"] {
            for (key, node) in texts { if case .string(let t) = node.value { response.texts[key] = t } }
        }
        if case .object(let attributes) = fields["attributes"] {
            for (key, node) in attributes { if case .string(let t) = node.value { response.attributes[key] = t } }
        }
        return response
    }

    /// One response as its log line, appended to `out` as bytes: keys in order, numbers as `JSONOutput`
    /// writes them, strings escaped as it does. Built without Strings, because `import` pays it per row; a
    /// test holds it to the `JSONOutput` rendering of the same object.
    static func encode(_ response: Response, batch: String, into out: inout [UInt8]) {
        @inline(__always) func literal(_ text: StaticString) {
            text.withUTF8Buffer { out.append(contentsOf: $0) }
        }
        func string(_ text: String) {
            var text = text
            let plain = text.withUTF8 { bytes in
                // Nothing to escape: no control byte, quote, backslash, or U+2028/U+2029 (E2 80 A8/A9).
                !bytes.indices.contains { k in
                    let b = bytes[k]
                    return b < 0x20 || b == 0x22 || b == 0x5C
                        || (b == 0xE2 && k + 2 < bytes.count && bytes[k + 1] == 0x80 && (bytes[k + 2] == 0xA8 || bytes[k + 2] == 0xA9))
                }
            }
            if plain {
                out.append(0x22)
                text.withUTF8 { out.append(contentsOf: $0) }
                out.append(0x22)
            } else {
                var escaped = ""
                JSONOutput.writeString(text, to: &escaped)
                out.append(contentsOf: escaped.utf8)
            }
        }
        func strings(_ members: [String: String]) {
            out.append(0x7B)
            for (k, (key, value)) in members.sorted(by: { $0.key < $1.key }).enumerated() {
                if k > 0 { out.append(0x2C) }
                string(key)
                out.append(0x3A)
                string(value)
            }
            out.append(0x7D)
        }
        literal(#"{"type":"response","batch":"#)
        string(batch)
        literal(#","respondent":"#)
        if let respondent = response.respondent { string(respondent) } else { literal("null") }
        literal(#","stage":"#)
        if let stage = response.stage { string(stage) } else { literal("null") }
        literal(#","values":{"#)
        for (k, (key, value)) in response.values.sorted(by: { $0.key < $1.key }).enumerated() {
            if k > 0 { out.append(0x2C) }
            string(key)
            out.append(0x3A)
            if value.rounded() == value && abs(value) < 1e15 {
                var whole = Int(value)
                if whole < 0 { out.append(0x2D); whole = -whole }
                if whole < 10 { out.append(0x30 + UInt8(whole)) } else { out.append(contentsOf: String(whole).utf8) }
            } else {
                out.append(contentsOf: JSONOutput.format(value).utf8)
            }
        }
        literal(#"},"texts":"#)
        strings(response.texts)
        if !response.attributes.isEmpty {
            literal(#","attributes":"#)
            strings(response.attributes)
        }
        literal("}\n")
    }

    /// One response as its log line (with the newline).
    static func encode(_ response: Response, batch: String) -> String {
        var bytes: [UInt8] = []
        encode(response, batch: batch, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

}
