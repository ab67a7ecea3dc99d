namespace Aggregator.Parsing.Documents;

/// <summary>What a line of a saved news page is. Everything but Text is page furniture
/// that stays out of the body.</summary>
public enum LineKind
{
    Blank,
    Text,
    Navigation,   // News > Latest News >
    DateStamp,    // date 2025-09-05 Politics, 9 september 2025
    SourceLine,   // Source: Xinhua | 2024-10-06
    Byline,       // By HYUNG-JIN KIM
    Dateline,     // SEOUL, South Korea (standing alone)
    Caption,      // In this June 20, 2019, file photo, ... via AP
    Chrome,       // Share:, Newsletter Signup, Read more: ...
    ListHeading,  // Related articles, More from World, Most read: headlines of other stories follow
    Copyright,    // © Copyright 2021 The Associated Press. All rights reserved.
    Number,       // 8013945
    ForeignScript // a headline of another story in another script
}
