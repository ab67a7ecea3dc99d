using System.Diagnostics;

namespace Aggregator.Tests.TestSupport;

public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr);

/// <summary>Runs real programs: the built aggregator, python3 with feedparser.</summary>
public static class Processes
{
    public static async Task<ProcessResult> RunAsync(string file, IEnumerable<string> args, string? workingDirectory = null,
        IDictionary<string, string>? env = null, string? stdin = null, TimeSpan? timeout = null)
    {
        using var process = new Process { StartInfo = Info(file, args, workingDirectory, env) };
        process.StartInfo.RedirectStandardInput = stdin is not null;
        process.Start();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in time");
        }
        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The aggregator program with the given arguments, run in workingDirectory.</summary>
    public static Task<ProcessResult> AggregatorAsync(string workingDirectory, IDictionary<string, string>? env, params string[] args) =>
        RunAsync("dotnet", [RepoPaths.ProgramDll, .. args], workingDirectory, env);

    public static ProcessStartInfo Info(string file, IEnumerable<string> args, string? workingDirectory, IDictionary<string, string>? env)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) info.Environment[k] = v;
        info.Environment["DOTNET_NOLOGO"] = "1";
        return info;
    }
}
