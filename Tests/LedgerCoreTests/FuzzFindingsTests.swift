import LedgerCore
import LedgerProtocol
import Testing

/// Inputs the fuzz targets (Tests/Reliability/fuzz.sh) found breaking an invariant, minimised,
/// with the behaviour that now holds for them.
@Suite struct FuzzFindingsTests {
    /// A request line holding a lead byte followed by a non-continuation byte (`"\xCB3"`): the
    /// daemon answers `invalid_utf8`, and a client must be able to read that answer back.
    @Test func theAnswerToInvalidUTF8ReadsBack() throws {
        let line: [UInt8] = [0x22, 0xCB, 0x33, 0x22]
        let error = try #require(throws: JSONParseError.self) { try JSONParser.parse(line) }
        #expect(error.code == .invalidUTF8)
        #expect(error.offset == 2)
        let answer = ProtocolError(ValidationError(.invalidUTF8, "\(error.message) at byte \(error.offset + 1)"))
        guard case .error(let back) = try ResponseDecoder.decode(JSONParser.parse(CanonicalJSON.encode(answer.json))) else {
            Issue.record("the answer did not read back as an error")
            return
        }
        #expect(back.code == "invalid_utf8")
        #expect(back.message == "invalid UTF-8 byte 0x33 after lead byte 0xCB at byte 3")
    }

    /// Every code the daemon can send, as an error response, reads back with the same code.
    @Test(arguments: ValidationError.Code.allCases.map(\.rawValue) + ["invalid_request", "forbidden", "too_many_connections", "connection_evicted",
        "subscriber_lagging", "chain_broken", "shutting_down", "internal", "storage_full", "corrupted", "unsupported_format", "storage_error"])
    func everyWireCodeReadsBack(_ code: String) throws {
        var error = ProtocolError(.internal, "something went wrong")
        error.code = code
        guard case .error(let back) = try ResponseDecoder.decode(JSONParser.parse(CanonicalJSON.encode(error.json))) else {
            Issue.record("\(code) did not read back as an error")
            return
        }
        #expect(back.code == code)
    }
}
