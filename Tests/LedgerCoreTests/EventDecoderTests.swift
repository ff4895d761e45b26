import LedgerCore
import LedgerTestSupport
import Testing

/// Every rule of the event's own shape, each refused with its code and field (docs/events.md).
@Suite struct EventDecoderTests {
    static let today = CivilDate(year: 2025, month: 6, day: 30)
    let decoder = EventDecoder(today: EventDecoderTests.today)

    static let source = Events.source
    static let base = #""line":"plan","effective":"2025-01-16","source":\#(source)"#

    /// (event JSON, expected code, expected field)
    static let refused: [(String, ValidationError.Code, String?)] = [
        (#"[1,2]"#, .notAnObject, nil),
        (#"{"type":"promised",\#(base)}"#, .unknownType, "type"),
        (#"{"type":7,\#(base)}"#, .wrongType, "type"),
        (#"{\#(base)}"#, .missingField, "type"),
        (#"{"type":"funded","effective":"2025-01-16","source":\#(source),"amount_pence":1}"#, .missingField, "line"),
        (#"{"type":"funded","line":"plan","source":\#(source),"amount_pence":1}"#, .missingField, "effective"),
        (#"{"type":"funded","line":"plan","effective":"2025-01-16","amount_pence":1}"#, .missingField, "source"),
        (#"{"type":"funded",\#(base)}"#, .missingField, "amount_pence"),
        (#"{"type":"funded",\#(base),"amount_pence":1,"colour":"red"}"#, .unknownField, "colour"),
        (#"{"type":"funded",\#(base),"amount_pence":1,"seq":4}"#, .assignedField, "seq"),
        (#"{"type":"funded",\#(base),"amount_pence":1,"recorded":"2025-01-01T00:00:00.000Z"}"#, .assignedField, "recorded"),
        (#"{"type":"funded",\#(base),"amount_pence":1,"hash":"00"}"#, .assignedField, "hash"),
        (#"{"type":"funded","line":"Plan","effective":"2025-01-16","source":\#(source),"amount_pence":1}"#, .invalidValue, "line"),
        (#"{"type":"funded","line":"-plan","effective":"2025-01-16","source":\#(source),"amount_pence":1}"#, .invalidValue, "line"),
        (#"{"type":"funded","line":"plаn","effective":"2025-01-16","source":\#(source),"amount_pence":1}"#, .invalidValue, "line"),
        (#"{"type":"funded","line":"\#(String(repeating: "a", count: 65))","effective":"2025-01-16","source":\#(source),"amount_pence":1}"#, .invalidValue, "line"),
        (#"{"type":"funded","line":"plan","effective":"2025-02-30","source":\#(source),"amount_pence":1}"#, .invalidDate, "effective"),
        (#"{"type":"funded","line":"plan","effective":"16/01/2025","source":\#(source),"amount_pence":1}"#, .invalidDate, "effective"),
        (#"{"type":"funded","line":"plan","effective":"2025-07-01","source":\#(source),"amount_pence":1}"#, .futureDate, "effective"),
        (#"{"type":"funded",\#(base),"amount_pence":-5}"#, .negativeAmount, "amount_pence"),
        (#"{"type":"funded",\#(base),"amount_pence":2.5}"#, .fractionalAmount, "amount_pence"),
        (#"{"type":"funded",\#(base),"amount_pence":100.0}"#, .fractionalAmount, "amount_pence"),
        (#"{"type":"funded",\#(base),"amount_pence":1e9}"#, .fractionalAmount, "amount_pence"),
        (#"{"type":"funded",\#(base),"amount_pence":1000000000000001}"#, .amountTooLarge, "amount_pence"),
        (#"{"type":"funded",\#(base),"amount_pence":99999999999999999999999}"#, .amountTooLarge, "amount_pence"),
        (#"{"type":"funded",\#(base),"amount_pence":"250000000"}"#, .wrongType, "amount_pence"),
        (#"{"type":"funded",\#(base),"amount_pence":0}"#, .invalidValue, "amount_pence"),
        (#"{"type":"funded",\#(base),"amount_pence":1,"id":"has space"}"#, .invalidValue, "id"),
        (#"{"type":"funded",\#(base),"amount_pence":1,"id":"\#(String(repeating: "x", count: 129))"}"#, .invalidValue, "id"),
        (#"{"type":"announced",\#(base),"title":"Plan","kind":"funding"}"#, .missingField, "department"),
        (#"{"type":"announced",\#(base),"department":"home-office","kind":"funding"}"#, .missingField, "title"),
        (#"{"type":"announced",\#(base),"department":"home-office","title":"Plan"}"#, .missingField, "kind"),
        (#"{"type":"announced",\#(base),"department":"home-office","title":"Plan","kind":"wish"}"#, .invalidValue, "kind"),
        (#"{"type":"announced",\#(base),"department":"home-office","title":"Plan","kind":"funding","due":"July 2025"}"#, .invalidDate, "due"),
        (#"{"type":"announced",\#(base),"department":"home-office","title":"Plan","kind":"funding","due":"2025-13"}"#, .invalidDate, "due"),
        (#"{"type":"announced",\#(base),"department":"home-office","title":"Plan","kind":"funding","parent":"plan"}"#, .invalidValue, "parent"),
        (#"{"type":"announced",\#(base),"department":"home-office","title":"","kind":"funding"}"#, .invalidValue, "title"),
        (#"{"type":"amended",\#(base)}"#, .emptyAmendment, "amount_pence"),
        (#"{"type":"legislated",\#(base),"stage":"first-reading","bill":"Crime and Policing Bill"}"#, .invalidValue, "stage"),
        (#"{"type":"legislated",\#(base),"stage":"introduced"}"#, .missingField, "bill"),
        (#"{"type":"slipped",\#(base),"reason":"late"}"#, .missingField, "due"),
        (#"{"type":"slipped",\#(base),"due":"2025-09"}"#, .missingField, "reason"),
        (#"{"type":"withdrawn",\#(base)}"#, .missingField, "reason"),
        (#"{"type":"corrected",\#(base),"reason":"wrong"}"#, .missingField, "retracts"),
        (#"{"type":"corrected",\#(base),"retracts":"x y","reason":"wrong"}"#, .invalidValue, "retracts"),
        (#"{"type":"delivered","line":"plan","effective":"2025-01-16","source":{"url":"https://gov.uk"}}"#, .missingField, "source.title"),
        (#"{"type":"delivered","line":"plan","effective":"2025-01-16","source":{"title":"T","author":"me"}}"#, .unknownField, "source.author"),
        (#"{"type":"delivered","line":"plan","effective":"2025-01-16","source":{"title":"T","url":"ftp://x"}}"#, .invalidValue, "source.url"),
        (#"{"type":"delivered","line":"plan","effective":"2025-01-16","source":"a letter"}"#, .wrongType, "source"),
    ]

    @Test(arguments: refused)
    func refusesWithCodeAndField(_ json: String, _ code: ValidationError.Code, _ field: String?) throws {
        let value = try Events.json(json)
        do {
            _ = try decoder.decode(value)
            Issue.record("accepted \(json)")
        } catch {
            #expect(error.code == code, "\(error)")
            #expect(error.field == field, "\(error)")
            #expect(!error.message.isEmpty)
        }
    }

    @Test func decodesEveryFieldOfAnAnnouncement() throws {
        let event = try decoder.decode(Events.json(Events.announced(
            "police-reinvestigation", amount: 250_000_000, due: "2025-07", parent: "grooming-gangs-action-plan", id: "ho-1"
        )))
        #expect(event.id == "ho-1")
        #expect(event.effective.description == "2025-01-16")
        #expect(event.source.publisher == "Home Office")
        guard case .announced(let announcement) = event.body else {
            Issue.record("not an announcement")
            return
        }
        #expect(announcement.amount == Pence(250_000_000))
        #expect(announcement.due?.description == "2025-07")
        #expect(announcement.parent == "grooming-gangs-action-plan")
        #expect(announcement.kind == .funding)
    }

    @Test func anEventWithoutAnIdIsNamedByTheHashOfItsCanonicalBytes() throws {
        let text = #"{"type":"funded","line":"plan","effective":"2025-01-16","source":{"title":"T"},"amount_pence":5}"#
        let reordered = #"{ "amount_pence": 5, "source": {"title": "T"}, "effective": "2025-01-16", "line": "plan", "type": "funded" }"#
        let first = try decoder.decode(Events.json(text))
        let second = try decoder.decode(Events.json(reordered))
        #expect(first.id == second.id)
        // SHA-256 of {"amount_pence":5,"effective":"2025-01-16","line":"plan","source":{"title":"T"},"type":"funded"},
        // computed independently (python3 hashlib over json.dumps with sorted keys).
        #expect(first.id == "49a521e174fd7ded78f2e5143999a5d2eafc0e83de063cb541adf33235959174")
    }
}
