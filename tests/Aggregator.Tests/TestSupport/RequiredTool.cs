namespace Aggregator.Tests.TestSupport;

/// <summary>A test that needs an outside tool may skip on a developer's machine without it;
/// under CI=true a missing tool is a failure, never a skip.</summary>
public static class RequiredTool
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static void Require(bool available, string what)
    {
        if (available) return;
        if (InCi)
            Assert.Fail($"{what} is required under CI=true (.ci/run installs it).");
        Assert.Skip($"{what} is not installed here.");
    }
}
