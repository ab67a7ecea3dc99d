namespace Aggregator.Parsing.Documents;

/// <summary>A document that cannot be read as an article; the message says what was wrong.</summary>
public sealed class DocumentFormatException(string message) : Exception(message);
