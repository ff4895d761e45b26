import LedgerCore
import LedgerProtocol
import LedgerStore

/// What the daemon does with one request line before it needs the store, and the promises it
/// keeps on the way: a refused line gets an error with a known wire code and a message, and an
/// accepted event is stored as canonical bytes that read back as the same event.
public enum RequestLineCheck {
    /// How far one line got.
    public enum Outcome: Sendable, Equatable {
        /// Refused with this wire code (JSON, request or event rules).
        case refused(code: String)
        /// A request other than append, decoded.
        case decoded(op: String)
        /// An append whose events all pass the rules that need no store.
        case appendable(events: Int)
    }

    /// The day taken as today, so that a line gets the same answer whenever it is checked.
    public static let today = CivilDate(year: 2030, month: 12, day: 31) ?? .latest
    /// The time each accepted event is taken to be recorded at.
    public static let recorded = Timestamp.endOfLondonDay(today)

    /// Checks one request line (without its newline); a broken invariant is thrown as a finding.
    public static func check(_ line: [UInt8]) throws(FuzzFinding) -> Outcome {
        // Exactly the daemon's reading of a line: JSON, then the request.
        let request: Request
        do {
            request = try RequestDecoder.decode(line: line)
        } catch {
            let parseCodes = Set(JSONParseError.Code.allCases.map(\.rawValue))
            try require(
                error.code == ProtocolError.Code.invalidRequest.rawValue || parseCodes.contains(error.code),
                "a malformed line got \(error.code)"
            )
            try answered(error, for: line)
            return .refused(code: error.code)
        }
        guard case .append(let values) = request else {
            try require(!request.writes, "\(request.op) is taken for a write")
            return .decoded(op: request.op)
        }
        try require(request.writes, "append is not taken for a write")
        let batch: [PendingEvent]
        do {
            batch = try PendingEvent.batch(values, today: today)
        } catch {
            try require(error.index.map { values.indices.contains($0) } == true, "refused event index \(String(describing: error.index)) outside the batch of \(values.count)")
            let answer = ProtocolError(error)
            try answered(answer, for: line)
            return .refused(code: answer.code)
        }
        try require(batch.count == values.count, "\(values.count) events became \(batch.count)")
        for (position, pending) in batch.enumerated() {
            try storesFaithfully(pending, seq: UInt64(position + 1), given: values[position])
        }
        return .appendable(events: batch.count)
    }

    /// A refusal has a known code and a message, and its response line reads back as the same error.
    private static func answered(_ error: ProtocolError, for line: [UInt8]) throws(FuzzFinding) {
        let known = ProtocolError.Code(rawValue: error.code) != nil || ValidationError.Code(rawValue: error.code) != nil
        try require(known, "unknown wire code \(error.code) for \(excerpt(line))")
        try require(!error.message.isEmpty, "\(error.code) has no message for \(excerpt(line))")
        let response = Array(Response.error(error).line.dropLast())
        let decoded: Response
        do {
            decoded = try ResponseDecoder.decode(line: response)
        } catch {
            throw FuzzFinding("the error response does not read back (\(error)): \(excerpt(response))")
        }
        guard case .error(let back) = decoded else {
            throw FuzzFinding("the error response reads back as something else: \(excerpt(response))")
        }
        try require(
            back.code == error.code && back.message == error.message && back.index == error.index && back.field == error.field,
            "the error response reads back as \(back) instead of \(error)"
        )
    }

    /// The stored bytes of an accepted event are canonical, the same whether cut from its encoding
    /// or encoded afresh, and decode to the same event with the same content digest.
    private static func storesFaithfully(_ pending: PendingEvent, seq: UInt64, given: JSONValue) throws(FuzzFinding) {
        let event = pending.event
        try require(given == .object(pending.input), "the pending input differs from the event given")
        guard let encoding = CanonicalEvent(input: pending.input) else {
            throw FuzzFinding("an accepted event holds seq or recorded: \(CanonicalJSON.string(given))")
        }
        if pending.input["id"] == nil {
            try require(event.id == EventDecoder.derivedID(of: given), "the derived id is not the digest of the canonical input")
        }
        try require(
            EventRecord.digest(encoding.content(id: event.id)) == pending.contentDigest
                && EventRecord.contentDigest(input: pending.input, id: event.id) == pending.contentDigest,
            "content digests disagree for \(CanonicalJSON.string(given))"
        )
        let stored = encoding.stored(id: event.id, seq: seq, recorded: recorded)
        let fresh = EventRecord.canonicalBytes(input: pending.input, id: event.id, seq: seq, recorded: recorded)
        try require(stored == fresh, "spliced stored bytes \(excerpt(stored)) differ from encoded \(excerpt(fresh))")
        guard let reparsed = try? JSONParser.parse(stored), CanonicalJSON.encode(reparsed) == stored else {
            throw FuzzFinding("stored bytes are not canonical JSON: \(excerpt(stored))")
        }
        let back: (stored: StoredEvent, contentDigest: [UInt8])
        do {
            back = try EventRecord.decodeWithContentDigest(stored)
        } catch {
            throw FuzzFinding("stored bytes do not decode (\(error)): \(excerpt(stored))")
        }
        try require(back.stored == StoredEvent(seq: seq, recorded: recorded, event: event), "stored bytes decode to another event: \(excerpt(stored))")
        try require(back.contentDigest == pending.contentDigest, "the stored content digest differs: \(excerpt(stored))")

        // The export line, with a hash, is what a reader checks: it must pass the response decoder.
        let hash = EventRecord.chainHash(previous: EventRecord.genesisHash, canonical: stored)
        let exported = EventRecord.exportBytes(canonical: stored, hash: hash)
        var line: [UInt8] = []
        Response.encodeEvent(exportLine: exported, into: &line)
        line.removeLast()
        let response: Response
        do {
            response = try ResponseDecoder.decode(line: line)
        } catch {
            throw FuzzFinding("the export line does not read back (\(error)): \(excerpt(line))")
        }
        guard case .event = response else {
            throw FuzzFinding("the export line reads back as something else: \(excerpt(line))")
        }
        let exportedEvent: (stored: StoredEvent, hash: [UInt8])
        do {
            exportedEvent = try StoredEventDecoder.decode(JSONParser.parse(exported))
        } catch {
            throw FuzzFinding("the exported event does not decode (\(error)): \(excerpt(exported))")
        }
        try require(exportedEvent.stored == back.stored && exportedEvent.hash == hash, "the exported event differs: \(excerpt(exported))")
    }
}
