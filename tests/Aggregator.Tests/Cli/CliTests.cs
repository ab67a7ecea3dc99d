using System.Text.Json;
using Aggregator.Tests.TestSupport;

namespace Aggregator.Tests.Cli;

/// <summary>The built program, run as users run it.</summary>
public sealed class CliTests
{
    [Theory]
    [InlineData("serve", "Run the service")]
    [InlineData("run-once", "one full cycle")]
    [InlineData("import", "Import document files or folders")]
    [InlineData("items", "newest first")]
    [InlineData("tag", "how the topic rules judge")]
    [InlineData("retag", "Recompute the tags")]
    [InlineData("eval", "labelled data")]
    public async Task Every_verb_has_help(string verb, string text)
    {
        var result = await Processes.AggregatorAsync(RepoPaths.Root, null, verb, "--help");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains(text, result.Stdout, StringComparison.Ordinal);
        Assert.Contains("--config", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("--data", result.Stdout, StringComparison.Ordinal);
    }

    /// <summary>A bounded option given a word ended in a stack trace: its bounds were checked
    /// by reading a value the parser could not convert.</summary>
    [Theory]
    [InlineData("items --limit x", "Cannot parse argument 'x' for option '--limit'")]
    [InlineData("items --limit 0", "--limit must be at least 1 (not 0)")]
    [InlineData("items prune --days abc", "Cannot parse argument 'abc' for option '--days'")]
    [InlineData("items prune --days 40000", "--days must be between 1 and 36500 (not 40000)")]
    public async Task A_bad_option_value_is_named_and_nothing_runs(string arguments, string message)
    {
        using var temp = new TempFolder();
        var result = await Processes.AggregatorAsync(RepoPaths.Root, null, [.. arguments.Split(' '), "--data", temp.Path]);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(temp.Path, "aggregator.db")));
    }

    [Theory]
    [InlineData("Aggregator__Scheduling__ImportIntervalMinutes", "0", "Aggregator:Scheduling:ImportIntervalMinutes must be between 1 and 1440")]
    [InlineData("Aggregator__Publishing__PageSize", "many", "Aggregator:Publishing:PageSize")]
    [InlineData("Aggregator__Storage__Provder", "sqlite", "Provder")]
    [InlineData("Aggregator__Storage__Provider", "oracle", "Aggregator:Storage:Provider must be one of sqlite, postgres")]
    [InlineData("Aggregator__Storage__Provider", "postgres", "Aggregator:Storage:ConnectionString is required when Provider is postgres")]
    [InlineData("Aggregator__Cluster__Role", "leader", "Aggregator:Cluster:Role must be one of both, web, worker")]
    [InlineData("Aggregator__Retention__Days", "-7", "Aggregator:Retention:Days must be between 0 (keep every story) and 36500")]
    public async Task An_invalid_setting_stops_the_program_naming_the_key(string variable, string value, string message)
    {
        using var temp = new TempFolder();
        foreach (var verb in new[] { "run-once", "serve" })
        {
            var result = await Processes.AggregatorAsync(RepoPaths.Root, new Dictionary<string, string> { [variable] = value }, verb, "--data", temp.Path);
            Assert.Equal(2, result.ExitCode);
            Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        }
    }

    /// <summary>config/aggregator.json as operators get it wrong: not JSON was a stack trace
    /// (exit 1); a misspelled section was ignored, so the program ran on a local SQLite file
    /// instead of the cluster's database; a password inside the connection string was accepted,
    /// although secrets never go in the file.</summary>
    [Theory]
    [InlineData("""{ "Aggregator": { "Storage": { "Provider": "sqlite" }, }""", "Failed to load configuration from file")]
    [InlineData("", "Failed to load configuration from file")]
    [InlineData("""{ "Agregator": { "Storage": { "Provider": "postgres" } } }""", "a section \"Agregator\" this program does not read")]
    [InlineData("""{ "Aggregator": { "Storage": { "Provider": "postgres", "ConnectionString": "Host=127.0.0.1;Database=news;Username=agg;Password=hunter2" } } }""",
        "Aggregator:Storage:ConnectionString holds a password and must not be written in")]
    [InlineData("""{ "Aggregator": { "Sheduling": { "PollTickSeconds": 30 } } }""",
        "Aggregator:Sheduling is not a setting (in ")]
    [InlineData("""{ "Aggregator": { "Scheduling": { "PollTickSecond": 30 } } }""",
        "Aggregator:Scheduling:PollTickSecond is not a setting (in ")]
    [InlineData("""{ "Aggregator": { "Mail": { "Recipients": [ { "Adress": "a@example.org" } ] } } }""",
        "Aggregator:Mail:Recipients:0:Adress is not a setting (in ")]
    public async Task A_configuration_file_that_cannot_be_right_stops_the_program_naming_it(string json, string message)
    {
        using var temp = new TempFolder();
        var config = temp.Sub("config");
        File.Copy(Path.Combine(RepoPaths.Config, "topics.json"), Path.Combine(config, "topics.json"));
        File.WriteAllText(Path.Combine(config, "aggregator.json"), json);
        foreach (var verb in new[] { "run-once", "serve" })
        {
            var result = await Processes.AggregatorAsync(RepoPaths.Root, null, verb, "--config", config, "--data", temp.Sub("data"));
            Assert.Equal(2, result.ExitCode);
            Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
            Assert.Contains(Path.Combine(config, "aggregator.json"), result.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal); // no stack trace
        }
    }

    /// <summary>A misspelled variable was named by the class it did not bind to.</summary>
    [Fact]
    public async Task A_misspelled_environment_variable_is_named()
    {
        using var temp = new TempFolder();
        var result = await Processes.AggregatorAsync(RepoPaths.Root, new Dictionary<string, string> { ["Aggregator__Scheduling__PollTickSecond"] = "30" },
            "run-once", "--data", temp.Path);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("configuration error: Aggregator:Scheduling:PollTickSecond is not a setting (from the environment variable Aggregator__Scheduling__PollTickSecond); the settings under Aggregator:Scheduling are ",
            result.Stderr, StringComparison.Ordinal);
        Assert.Contains("PollTickSeconds", result.Stderr, StringComparison.Ordinal);

        // A value written as a section (a double underscore too many) left the password unset, silently.
        var section = await Processes.AggregatorAsync(RepoPaths.Root, new Dictionary<string, string> { ["Aggregator__Mail__Smtp__Password__FILE"] = "/run/secrets/smtp" },
            "run-once", "--data", temp.Path);
        Assert.Equal(2, section.ExitCode);
        Assert.Contains("Aggregator:Mail:Smtp:Password:FILE is not a setting (from the environment variable Aggregator__Mail__Smtp__Password__FILE): Aggregator:Mail:Smtp:Password is a value",
            section.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_topics_file_is_named()
    {
        using var temp = new TempFolder();
        var result = await Processes.AggregatorAsync(RepoPaths.Root, null, "run-once", "--config", temp.Path, "--data", temp.Path);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(Path.Combine(temp.Path, "topics.json"), result.Stderr, StringComparison.Ordinal);
    }

    /// <summary>`parse --jsonl` over a folder as people have them: a link back to a parent folder
    /// was walked forty levels deep, a named pipe hung the run, an earlier output inside the
    /// folder was read as input, and a missing folder or output folder was a stack trace.</summary>
    [Fact]
    public async Task Parse_a_folder_of_files_as_people_have_them()
    {
        using var temp = new TempFolder();
        var corpus = temp.Sub("corpus");
        File.Copy(RepoPaths.TestData("feeds", "rss20_euc_kr.xml"), Path.Combine(corpus, "a.xml"));
        Directory.CreateDirectory(Path.Combine(corpus, "sub"));
        File.Copy(RepoPaths.TestData("feeds", "jsonfeed11.json"), Path.Combine(corpus, "sub", "b.json"));
        await File.WriteAllTextAsync(Path.Combine(corpus, "empty.xml"), "", TestContext.Current.CancellationToken);
        Directory.CreateSymbolicLink(Path.Combine(corpus, "sub", "up"), corpus);
        var fifo = await Processes.RunAsync("mkfifo", [Path.Combine(corpus, "pipe")]);
        Assert.Equal(0, fifo.ExitCode);
        var output = Path.Combine(corpus, "out.jsonl");
        await File.WriteAllTextAsync(output, "left by an earlier run", TestContext.Current.CancellationToken);

        var run = await Processes.AggregatorAsync(RepoPaths.Root, null, "parse", "--jsonl", output, corpus);

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        var files = File.ReadAllLines(output).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("file").GetString()).ToArray();
        Assert.Equal(["a.xml", "empty.xml", "pipe", "sub/b.json"], files);
        Assert.DoesNotContain("crash", run.Stderr, StringComparison.Ordinal);

        var missing = await Processes.AggregatorAsync(RepoPaths.Root, null, "parse", "--jsonl", output, Path.Combine(temp.Path, "nowhere"));
        Assert.Equal((2, $"parse: {Path.Combine(temp.Path, "nowhere")} is not a folder"), (missing.ExitCode, missing.Stderr.Trim()));
        var unwritable = await Processes.AggregatorAsync(RepoPaths.Root, null, "parse", "--jsonl", Path.Combine(temp.Path, "nowhere", "out.jsonl"), corpus);
        Assert.Equal(2, unwritable.ExitCode);
        Assert.StartsWith($"parse: {Path.Combine(temp.Path, "nowhere", "out.jsonl")} cannot be written:", unwritable.Stderr, StringComparison.Ordinal);
        var folder = await Processes.AggregatorAsync(RepoPaths.Root, null, "parse", corpus);
        Assert.Equal(2, folder.ExitCode);
        Assert.Contains("is a folder; `parse --jsonl OUT.jsonl", folder.Stderr, StringComparison.Ordinal);
    }

    /// <summary>A sqlite3 shell left inside a write transaction: the command waits out the busy
    /// timeout (30 s), then says what happened instead of dying with a stack trace, and exits
    /// with "try again later" (75), which cron wrappers know.</summary>
    [Fact]
    public async Task A_database_locked_by_another_process_is_said_plainly()
    {
        using var temp = new TempFolder();
        string[] common = ["--config", Path.Combine(RepoPaths.Root, "config"), "--data", temp.Path];
        var first = await Processes.AggregatorAsync(RepoPaths.Root, null, ["feeds", "add", "http://127.0.0.1:9/a.xml", "--no-check", .. common]);
        Assert.True(first.ExitCode == 0, first.Stderr);
        await using var holder = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(temp.Path, "aggregator.db")};Pooling=false");
        await holder.OpenAsync(TestContext.Current.CancellationToken);
        await using (var begin = holder.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE";
            await begin.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        // Both at once: each waits out the busy timeout. run-once had died with a stack trace and exit 1.
        var adding = Processes.AggregatorAsync(RepoPaths.Root, null, ["feeds", "add", "http://127.0.0.1:9/b.xml", "--no-check", .. common]);
        var running = Processes.AggregatorAsync(RepoPaths.Root, null, ["run-once", "--all", .. common]);

        foreach (var locked in await Task.WhenAll(adding, running))
        {
            Assert.True(locked.ExitCode == 75, locked.Stdout + locked.Stderr);
            Assert.Contains("stayed locked by another process", locked.Stderr, StringComparison.Ordinal);
            Assert.Contains("aggregator.db", locked.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", locked.Stdout + locked.Stderr, StringComparison.Ordinal); // no stack trace
        }
    }
}

/// <summary>Commands that run the pipeline and read what it stored, on both databases.</summary>
public abstract class CliPipelineTests(Backend backend)
{
    [Fact]
    public async Task Run_once_then_items_lists_the_seeds_with_sources_tags_and_evidence()
    {
        using var temp = new TempFolder();
        var env = await TestPostgres.EnvironmentAsync(backend);
        var once = await Processes.AggregatorAsync(RepoPaths.Root, env, "run-once", "--runtime-stats", "--data", temp.Path);
        Assert.True(once.ExitCode == 0, once.Stderr);
        Assert.Contains("5 new", once.Stdout, StringComparison.Ordinal);
        // The benchmark's figures (tests/bench/feeds-vs-newsboat.sh): on stderr, apart from the report.
        Assert.Matches(@"runtime: \d+\.\d\d s CPU; GC: \d+ gen0, \d+ gen1, \d+ gen2 collections, paused \d+ ms, \d+ MB allocated; JIT: \d+ methods in \d+ ms", once.Stderr);
        Assert.DoesNotContain("runtime:", once.Stdout, StringComparison.Ordinal);
        Assert.Equal(backend == Backend.Sqlite, File.Exists(Path.Combine(temp.Path, "aggregator.db")));

        var items = await Processes.AggregatorAsync(RepoPaths.Root, env, "items", "--json", "--data", temp.Path);
        Assert.True(items.ExitCode == 0, items.Stderr);
        var json = JsonDocument.Parse(items.Stdout).RootElement.EnumerateArray().ToList();
        Assert.Equal(Seeds.TitlesAndDates.Keys.Order(), json.Select(i => i.GetProperty("title").GetString()!).Order());
        foreach (var item in json)
        {
            Assert.StartsWith("seeds/", item.GetProperty("sources")[0].GetProperty("locator").GetString(), StringComparison.Ordinal);
            var tag = item.GetProperty("tags").EnumerateArray().Single(t => t.GetProperty("tag").GetString() == "korea-china");
            Assert.NotEmpty(tag.GetProperty("evidence").EnumerateArray());
        }

        var text = await Processes.AggregatorAsync(RepoPaths.Root, env, "items", "--tag", "dprk-china", "--limit", "2", "--data", temp.Path);
        Assert.Equal(2, text.Stdout.Split('\n').Count(l => l.StartsWith("  sources:", StringComparison.Ordinal)));
        Assert.Contains("evidence: \"", text.Stdout, StringComparison.Ordinal);
        // Dates say they are UTC, and to the minute: the day alone was a day off for Korea's mornings.
        Assert.Matches(@"(?m)^\d{4}-\d{2}-\d{2} \d{2}:\d{2}Z  ", text.Stdout);

        // A misspelled tag printed nothing and exited 0.
        var misspelled = await Processes.AggregatorAsync(RepoPaths.Root, env, "items", "--tag", "korea_china", "--data", temp.Path);
        Assert.Equal((2, "error: there is no tag \"korea_china\": the topic rules give korea-china, dprk-china, rok-china.\n"), (misspelled.ExitCode, misspelled.Stderr));
        if (backend == Backend.Sqlite)
        {
            // Run from another directory (as cron does), a reading command made an empty database there and listed nothing.
            var elsewhere = Path.Combine(temp.Path, "elsewhere");
            var lost = await Processes.AggregatorAsync(RepoPaths.Root, env, "items", "--data", elsewhere);
            Assert.Equal(2, lost.ExitCode);
            Assert.StartsWith($"error: there is no database at {Path.Combine(elsewhere, "aggregator.db")}: nothing has been stored there.", lost.Stderr, StringComparison.Ordinal);
            Assert.False(Directory.Exists(elsewhere));
        }
    }

    [Fact]
    public async Task Import_reports_each_failure_and_imports_the_rest()
    {
        using var temp = new TempFolder();
        var good = temp.File("in/good.md", "# China and South Korea resume talks\n\nChina and South Korea resumed trade talks in Seoul on Monday.\n");
        temp.File("in/bad.txt", "\0\0binary");
        var result = await Processes.AggregatorAsync(RepoPaths.Root, await TestPostgres.EnvironmentAsync(backend), "import", Path.GetDirectoryName(good)!, "--data", temp.Sub("data"));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("1 new", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("bad.txt: binary content", result.Stderr, StringComparison.Ordinal);
    }

    /// <summary>An instance left behind in a rolling upgrade ran on a database a later version
    /// had migrated, said nothing, and undid that version's rebuilds. It refuses, naming why.</summary>
    [Fact]
    public async Task Migrate_applies_once_and_a_database_of_a_later_version_is_refused()
    {
        using var temp = new TempFolder();
        var env = await TestPostgres.EnvironmentAsync(backend);
        var data = temp.Sub("data");
        var first = await Processes.AggregatorAsync(RepoPaths.Root, env, "migrate", "--data", data);
        Assert.True(first.ExitCode == 0, first.Stderr);
        var count = Aggregator.Storage.Database.Migrations(backend == Backend.Sqlite ? "sqlite" : "postgres").Count;
        Assert.Equal(count, first.Stdout.Split('\n').Count(l => l.TrimStart().StartsWith("applied ", StringComparison.Ordinal)));
        Assert.Equal(0, (await Processes.AggregatorAsync(RepoPaths.Root, env, "migrate", "--check", "--data", data)).ExitCode);

        await using (var connection = await TestPostgres.OpenAsync(env, data))
            await Dapper.SqlMapper.ExecuteAsync(connection, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, '0999_from_a_later_version', '2026-11-24T00:00:00Z')");
        var check = await Processes.AggregatorAsync(RepoPaths.Root, env, "migrate", "--check", "--data", data);
        Assert.Equal(1, check.ExitCode);
        Assert.Contains("was migrated by a later version of Aggregator (migration 999;", check.Stderr, StringComparison.Ordinal);
        var run = await Processes.AggregatorAsync(RepoPaths.Root, env, "run-once", "--data", data);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("was migrated by a later version of Aggregator", run.Stderr, StringComparison.Ordinal);
    }

    /// <summary>Links in a document folder: one to a parent folder was walked forty levels deep,
    /// each file imported under every path to it; one to a file over the size limit went in (the
    /// limit read the link's own length), and tagging its megabytes took minutes.</summary>
    [Fact]
    public async Task Links_in_a_document_folder_neither_loop_nor_pass_the_size_limit()
    {
        using var temp = new TempFolder();
        temp.File("in/real/talks.md", "# China and South Korea resume talks\n\nChina and South Korea resumed trade talks in Seoul on Monday.\n");
        var huge = temp.File("elsewhere/huge.txt", "Korea and China trade\n\n" + string.Concat(Enumerable.Repeat("Korea and China traded goods worth billions of dollars this year. ", 20_000)));
        File.CreateSymbolicLink(Path.Combine(temp.Path, "in", "real", "huge.txt"), huge);
        Directory.CreateDirectory(Path.Combine(temp.Path, "in", "loop"));
        Directory.CreateSymbolicLink(Path.Combine(temp.Path, "in", "loop", "up"), Path.Combine(temp.Path, "in"));
        var env = await TestPostgres.EnvironmentAsync(backend);
        env["Aggregator__Sources__MaxDocumentBytes"] = "100000";
        var result = await Processes.AggregatorAsync(RepoPaths.Root, env, "import", Path.Combine(temp.Path, "in"), "--data", temp.Sub("data"));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("2 document(s): 1 new", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("huge.txt: 1,", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("bytes is over the limit of 100,000", result.Stderr, StringComparison.Ordinal);
    }
}

public sealed class CliPipelineTestsOnSqlite() : CliPipelineTests(Backend.Sqlite);

public sealed class CliPipelineTestsOnPostgres() : CliPipelineTests(Backend.Postgres);
