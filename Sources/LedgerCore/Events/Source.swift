/// Where a fact comes from: no event is accepted without one.
public struct Source: Sendable, Hashable {
    /// The document's title.
    public var title: String
    /// Where it can be read, when it is online.
    public var url: String?
    /// Who published it.
    public var publisher: String?
    /// When it was published, as precisely as the document says.
    public var published: DueDate?
    /// The sentence that supports the event, verbatim.
    public var quote: String?

    /// A source with the given fields.
    public init(title: String, url: String? = nil, publisher: String? = nil, published: DueDate? = nil, quote: String? = nil) {
        self.title = title
        self.url = url
        self.publisher = publisher
        self.published = published
        self.quote = quote
    }
}
