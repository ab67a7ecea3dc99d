-- Feed addresses in the form they are now stored in (escaped, IDN hosts in punycode; see
-- Sources/FeedUrl.cs). Earlier builds stored "http://bücher.example/a b" as typed, which
-- `feeds remove` and `feeds edit` then could not find, and which a new `feeds add` of the same
-- feed subscribed twice. Rewriting needs .NET's URI parser, so the work is done in C# right
-- after this file (Database.NormalizeFeedUrlsAsync); this statement only marks the step.
SELECT 1;
