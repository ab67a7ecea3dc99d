using Aggregator.Configuration;
using Aggregator.Tests.TestSupport;
using Microsoft.Extensions.Configuration;

namespace Aggregator.Tests.Mail;

public sealed class SecretFilesTests
{
    [Fact]
    public void A_FILE_variable_supplies_the_setting_from_the_file_and_wins_over_the_plain_one()
    {
        using var temp = new TempFolder();
        var secret = temp.File("smtp-password", "s3cret–パスワード\n");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Aggregator:Mail:Smtp:User"] = "monitor",
            ["Aggregator:Mail:Smtp:Password"] = "from-the-variable",
            ["Aggregator:Mail:Smtp:Password_FILE"] = secret,
        }).Build();

        var options = SecretFiles.Section(configuration).Get<AggregatorOptions>(o => o.ErrorOnUnknownConfiguration = true)!;

        Assert.Equal("s3cret–パスワード", options.Mail.Smtp.Password); // the file's trailing line break dropped
        Assert.Equal("monitor", options.Mail.Smtp.User);
        Assert.Empty(SecretFiles.Problems(configuration));
    }
}
