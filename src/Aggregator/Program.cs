using System.CommandLine;
using System.Globalization;
using Aggregator.Cli;

// What Aggregator writes (feeds, pages, mail, stored reasons, CLI output) is English and read by
// machines: a Thai, Persian or Finnish locale must not turn 2026 into 2569 or 16:01 into 16.01.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;

// aggregator [serve] | run-once | import | items | export | parse | feeds | tag | retag | eval | mail | digest | healthcheck | backup   (all take --config DIR --data DIR)
var root = new RootCommand("Aggregator: RSS/Atom aggregator and Korea–China topic monitor.")
{
    GlobalOptions.Config,
    GlobalOptions.Data,
    ServeCommand.Urls,
    ServeCommand.Create(),
    RunOnceCommand.Create(),
    ImportCommand.Create(),
    ItemsCommand.Create(),
    ExportCommand.Create(),
    ParseCommand.Create(),
    FeedsCommand.Create(),
    TagCommand.Create(),
    RetagCommand.Create(),
    EvalCommand.Create(),
    MailCommand.Create(),
    DigestCommand.Create(),
    HealthcheckCommand.Create(),
    BackupCommand.Create(),
    MigrateCommand.Create(),
};
root.SetAction(ServeCommand.RunAsync);
// Ctrl+C and SIGTERM cancel the command's token; the process is ended only if it has not finished
// 30 s later. (System.CommandLine's default, 2 s, killed `serve` in the middle of its 25 s of
// graceful shutdown and left its claimed feeds locked until their claims expired.)
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(30) });
