import LedgerCore
import LedgerTestSupport
import Testing

@testable import LedgerServer

/// A long batch is decoded in two halves at once; what comes out is what decoding it in one piece
/// gives, and a refusal names the same first bad event, whichever half it is in.
@Suite struct BatchDecodingTests {
    static let today = CivilDate(year: 2025, month: 6, day: 30) ?? CivilDate(daysSinceEpoch: 20_269)

    static func batch(_ count: Int, badAt bad: Set<Int> = []) throws -> [JSONValue] {
        try (0..<count).map { index in
            let line = bad.contains(index)
                ? Events.event("funded", "plan", on: "2025-02-30", #""amount_pence":1"#, id: "f\(index)")
                : Events.event("funded", "plan", on: "2025-02-01", #""amount_pence":\#(index + 1)"#, id: "f\(index)")
            return try JSONParser.parse(Array(line.utf8))
        }
    }

    @Test func aLongBatchDecodesAsInOnePiece() async throws {
        let values = try Self.batch(2 * RequestHandler.parallelDecoding + 1)
        let decoded = try await RequestHandler.decode(values, today: Self.today).get()
        #expect(decoded.map(\.event) == (try values.map { try EventDecoder(today: Self.today).decode($0) }))
        #expect(decoded.map(\.contentDigest).count == values.count)
    }

    @Test(arguments: [[3], [700], [3, 700], [511, 512]])
    func aRefusalNamesTheFirstBadEventInEitherHalf(_ bad: [Int]) async throws {
        let values = try Self.batch(1000, badAt: Set(bad))
        let result = await RequestHandler.decode(values, today: Self.today)
        guard case .failure(let error) = result else {
            Issue.record("a batch with a bad date was accepted")
            return
        }
        #expect(error.index == bad.min())
        #expect(error.code == .invalidDate)
    }
}
