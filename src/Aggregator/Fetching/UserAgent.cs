namespace Aggregator.Fetching;

/// <summary>Names the project and its version, so publishers can see who polls them.</summary>
public static class UserAgent
{
    public static readonly string Value =
        $"Aggregator/{typeof(UserAgent).Assembly.GetName().Version?.ToString(3)} (RSS/Atom aggregator and topic monitor)";
}
