import Testing
import LedgerCore

@Suite struct PenceTests {
    @Test(arguments: [
        (Int64(1_000_000_000), "£10m"),
        (250_000_000, "£2.5m"),
        (650_000_000, "£6.5m"),
        (1_100_000_000, "£11m"),
        (234_500_000, "£2.345m"),
        (100_000_000, "£1m"),
        (100_000_000_000, "£1bn"),
        (125_000_000_000, "£1.25bn"),
        (100_000_000_000_000, "£1tn"),
        (150_000_000_000_000, "£1.5tn"),
        (100_100_000_000_000, "£1.001tn"),
        (1_000_000_000_000_000, "£10tn"),
        (100_050_000_000_000, "£1,000.5bn"),
        (100_000_100_000_000, "£1,000.001bn"),
        (100_050_000_000, "£1,000.5m"),
        (25_000_000, "£250k"),
        (99_900_000, "£999k"),
        (100_000, "£1k"),
        (150_000, "£1,500"),
        (99_999_900, "£999,999"),
        (100_000_100, "£1,000,001"),
        (100_000_001, "£1,000,000.01"),
        (123_456, "£1,234.56"),
        (123_400, "£1,234"),
        (234_567_890, "£2,345,678.90"),
        (50, "£0.50"),
        (1, "£0.01"),
        (99_900, "£999"),
        (0, "£0"),
        (-250_000_000, "-£2.5m"),
        (-123_456, "-£1,234.56"),
        (-1, "-£0.01"),
        (Int64.min, "-£92,233,720,368,547,758.08"),
        (Int64.max, "£92,233,720,368,547,758.07"),
    ])
    func formatsExactly(pence: Int64, text: String) {
        #expect(Pence(pence).formatted == text)
        #expect(Pence(pence).description == text)
    }

    @Test(arguments: [
        ("£2.5m", Int64(250_000_000)),
        ("£250k", 25_000_000),
        ("£1,234.56", 123_456),
        ("1234", 123_400),
        ("£0.5", 50),
        ("£1.50", 150),
        ("£0.01", 1),
        ("£0", 0),
        ("£1bn", 100_000_000_000),
        ("2.5m", 250_000_000),
        ("£2.5 million", 250_000_000),
        ("£2.5million", 250_000_000),
        ("£2.5 M", 250_000_000),
        ("£1.25BN", 125_000_000_000),
        ("£3 Billion", 300_000_000_000),
        ("5 thousand", 500_000),
        ("£1 trillion", 100_000_000_000_000),
        ("£10tn", 1_000_000_000_000_000),
        ("£10,000bn", 1_000_000_000_000_000),
        ("£9,999.99999999999bn", 999_999_999_999_999),
        ("£1,234,567", 123_456_700),
        ("£1,234m", 123_400_000_000),
        ("£1.2345678m", 123_456_780),
        ("£1.500000000000m", 150_000_000),
        ("£0.001k", 100),
        ("007", 700),
        ("  £5m\t", 500_000_000),
    ])
    func parsesWhatPeopleWrite(text: String, pence: Int64) throws {
        #expect(try Pence(parsing: text) == Pence(pence))
    }

    @Test(arguments: [
        ("", PenceParseError.Code.empty),
        ("   ", .empty),
        ("£", .malformed),
        ("abc", .malformed),
        ("$5", .malformed),
        ("£ 5", .malformed),
        ("££5", .malformed),
        ("NaN", .malformed),
        ("1e6", .malformed),
        ("£1.5x", .malformed),
        ("£1 000", .malformed),
        ("2.5mm", .malformed),
        ("£10tn1", .malformed),
        ("1.", .malformed),
        (".5", .malformed),
        ("£1.5.2", .malformed),
        (",123", .malformed),
        ("£-5", .negative),
        ("-£5", .negative),
        ("-5", .negative),
        ("1,23", .misplacedComma),
        ("1,2345", .misplacedComma),
        ("1234,567", .misplacedComma),
        ("1,,234", .misplacedComma),
        ("1,", .misplacedComma),
        ("£1,234,56", .misplacedComma),
        ("£1.234", .tooManyDecimals),
        ("£1.500", .tooManyDecimals),
        ("£1.234567891m", .fractionOfPenny),
        ("£0.0000001k", .fractionOfPenny),
        ("£10.00000000000001tn", .aboveLimit),
        ("£10,000,000,000,000.01", .aboveLimit),
        ("£10.1tn", .aboveLimit),
        ("99999999999999999999999999", .aboveLimit),
    ])
    func rejectsWithAReason(text: String, code: PenceParseError.Code) {
        #expect(throws: PenceParseError.self) { try Pence(parsing: text) }
        do {
            _ = try Pence(parsing: text)
        } catch {
            #expect(error.code == code)
            #expect(!error.message.isEmpty)
        }
    }

    @Test func errorMessagesQuoteTheInput() {
        #expect(throws: PenceParseError(.tooManyDecimals, "\"£1.234\" has more than two decimal places: pence are at most two digits")) {
            try Pence(parsing: "£1.234")
        }
        #expect(throws: PenceParseError(.aboveLimit, "\"£11tn\" is above the limit of £10tn")) {
            try Pence(parsing: "£11tn")
        }
    }

    @Test(arguments: [
        Int64(0), 1, 50, 99, 100, 123_456, 25_000_000, 100_000, 250_000_000, 234_500_000,
        100_000_000_000, 125_000_000_000, 100_050_000_000_000, 100_000_100_000_000, 1_000_000_000_000_000,
        999_999_999_999_999,
    ])
    func formattedParsesBack(pence: Int64) throws {
        #expect(try Pence(parsing: Pence(pence).formatted) == Pence(pence))
    }

    @Test func formattedParsesBackForManyAmounts() throws {
        var random = SplitMix64(seed: 20_250_415)
        let limit = UInt64(Pence.limit.value)
        for round in 0..<4000 {
            let pence: UInt64
            switch round % 4 {
            case 0: pence = random.next() % (limit + 1)
            case 1: pence = random.next() % 10_000_000
            default:
                // Round figures exercise the k, m, bn and tn forms with every number of decimals.
                var power: UInt64 = 1
                for _ in 0..<(random.next() % 15) { power *= 10 }
                pence = min((random.next() % 10_000) * power, limit)
            }
            let amount = Pence(Int64(pence))
            let text = amount.formatted
            #expect(try Pence(parsing: text) == amount, "\(pence) formats as \(text)")
        }
    }

    @Test func arithmetic() {
        var total = Pence.zero
        total += Pence(250_000_000)
        total += Pence(500_000_000)
        total -= Pence(50_000_000)
        #expect(total == Pence(700_000_000))
        #expect(Pence(5) + Pence(7) == Pence(12))
        #expect(Pence(5) - Pence(7) == Pence(-2))
        #expect(Pence(5) < Pence(7))
        #expect(Pence.limit == Pence(1_000_000_000_000_000))
        #expect(Pence.limit.formatted == "£10tn")
        #expect(Pence(Int64.max).adding(reportingOverflow: Pence(1)) == nil)
        #expect(Pence(1).adding(reportingOverflow: Pence(2)) == Pence(3))
    }
}

/// A small deterministic generator, so the round-trip test checks the same amounts every run.
private struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
