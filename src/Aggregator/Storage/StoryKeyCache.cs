using System.Buffers.Binary;
using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Dapper;

namespace Aggregator.Storage;

/// <summary>SQLite's story index, held in memory: which stored items are filed under a key
/// (Processing/Stories/StoryKeys), for the days of items being placed. In the database each
/// member row carries its own keys (sqlite/0008), appended in item order, so filing an item
/// costs no index writes: looking 765,000 keys up in a story_keys table and inserting them there
/// in random order was more than half of what storing a cold cycle over 1000 feeds cost.
/// <para>A day is loaded whole, from the members dated that day, the first time an item within
/// <see cref="Processing.Stories.StoryMatch.MaxApart"/> of it is placed; every item placed
/// afterwards is added. What the cache holds is checked against the database before each use:
/// every change to the stored index writes a new random token (a setting), and a cache that did
/// not write the current token (another process placed items, an item was removed or edited, a
/// transaction rolled back) starts over. It also starts over past <see cref="MaxDays"/> days or
/// <see cref="MaxPostings"/> keys, which bounds its memory: a service placing today's news loads
/// about two weeks of members again every few months.</para></summary>
public sealed class StoryKeyCache
{
    public const int MaxDays = 120;
    public const int MaxPostings = 4_000_000;
    public const string TokenSetting = "story_index.token";

    private static readonly ConditionalWeakTable<DbConnection, StoryKeyCache> ByConnection = new();

    /// <summary>Gives a connection its database's cache (Database.OpenAsync): every connection of
    /// one Database shares one; another Database on the same file, like another process, has its own.</summary>
    public static void Attach(DbConnection connection, StoryKeyCache cache) => ByConnection.AddOrUpdate(connection, cache);

    /// <summary>The cache of the connection's database; a connection opened some other way gets
    /// one for this use only, which loads what it needs.</summary>
    public static StoryKeyCache Of(DbConnection connection) => ByConnection.TryGetValue(connection, out var cache) ? cache : new StoryKeyCache();

    /// <summary>Held while the cache is read or changed; always taken inside a write transaction.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Open addressing with linear probing, one slot per (key, item): key in the high 32
    /// bits, item id (1 to 2³¹ − 1, so never 0, the empty slot) in the low 32.</summary>
    private ulong[] slots = new ulong[1 << 12];
    private int postings;
    private readonly Dictionary<int, long> dates = [];
    private readonly HashSet<int> days = [];
    private string? token;
    private bool loaded;

    /// <summary>Days loaded so far, for tests and metrics.</summary>
    public int DaysLoaded => days.Count;

    /// <summary>Days read from the database since the cache was made, each time one was read.</summary>
    public int DaysRead { get; private set; }

    /// <summary>Makes the cache current for a placement: checked against the stored token, then
    /// every day in <paramref name="neededDays"/> loaded.</summary>
    public async Task PrepareAsync(DbConnection connection, DbTransaction tx, IReadOnlyCollection<int> neededDays)
    {
        var stored = await StoredTokenAsync(connection, tx);
        var missing = neededDays.Where(d => !days.Contains(d)).Order().ToList();
        // Past its bounds, it starts over only when days must be added: the days one placement
        // needs may hold more than MaxPostings keys themselves (15,000 items a day), and starting
        // over at every batch reloaded them all each time.
        if (!loaded || stored != token || (missing.Count > 0 && (days.Count + missing.Count > MaxDays || postings > MaxPostings)))
        {
            Clear();
            (token, loaded) = (stored, true);
            missing = neededDays.Order().ToList();
        }
        for (var start = 0; start < missing.Count;)
        {
            var end = start;
            while (end + 1 < missing.Count && missing[end + 1] == missing[end] + 1) end++;
            await LoadAsync(connection, tx, missing[start], missing[end]);
            start = end + 1;
        }
    }

    private async Task LoadAsync(DbConnection connection, DbTransaction tx, int firstDay, int lastDay)
    {
        var rows = await connection.QueryAsync<(long Item, DateTime Published, byte[] Keys)>("""
            SELECT item_id, published, keys FROM story_members WHERE substr(published, 1, 10) BETWEEN @from AND @to
            """, new { from = DayText(firstDay), to = DayText(lastDay) }, tx);
        foreach (var (item, published, keys) in rows)
            Add((int)item, published, ReadKeys(keys));
        for (var day = firstDay; day <= lastDay; day++) days.Add(day);
        DaysRead += lastDay - firstDay + 1;
    }

    /// <summary>Files an item under its keys (an item placed now, or one loaded).</summary>
    public void Add(int item, DateTime date, IReadOnlyList<long> keys)
    {
        dates[item] = date.ToUniversalTime().Ticks;
        for (var k = 0; k < keys.Count; k++)
        {
            if ((postings + 1) * 4L > slots.Length * 3L) Grow();
            Insert(((ulong)(uint)keys[k] << 32) | (uint)item);
        }
    }

    /// <summary>Items filed under a key, and their dates.</summary>
    public void Find(long key, List<(int Item, DateTime Date)> into)
    {
        var mask = slots.Length - 1;
        for (var i = Slot((uint)key); slots[i] != 0; i = (i + 1) & mask)
            if ((uint)(slots[i] >> 32) == (uint)key)
            {
                var item = (int)(uint)slots[i];
                into.Add((item, new DateTime(dates[item], DateTimeKind.Utc)));
            }
    }

    /// <summary>Records that the stored index changed through this cache, which holds the change.</summary>
    public async Task StampAsync(DbConnection connection, DbTransaction tx) =>
        token = await NewTokenAsync(connection, tx);

    /// <summary>Records an item taken out of the index or filed again under new keys (an item
    /// edited or removed) on a connection of this cache's database: every other cache of the file
    /// starts over at its next use, this one keeps what it holds. Starting over here too reloaded
    /// two weeks of stored keys for every edited entry (45 MB of allocation per correction at
    /// 360,000 items). The keys a changed item had before stay filed under it: they only make it a
    /// candidate, and the sketch stored for it (or none, once removed) decides, as for any other.</summary>
    /// <param name="keys">The item's new keys when it is filed again, else null.</param>
    public static async Task ChangedAsync(DbConnection connection, DbTransaction tx, long item, DateTime date, IReadOnlyList<long>? keys)
    {
        if (!ByConnection.TryGetValue(connection, out var cache))
        {
            await NewTokenAsync(connection, tx);
            return;
        }
        await cache.Gate.WaitAsync();
        try
        {
            var stored = await StoredTokenAsync(connection, tx);
            var current = cache.loaded && stored == cache.token;
            var value = await NewTokenAsync(connection, tx);
            if (!current) return; // it starts over at its next use anyway
            if (keys is not null) cache.Add((int)item, date, keys);
            cache.token = value;
        }
        finally
        {
            cache.Gate.Release();
        }
    }

    private static Task<string?> StoredTokenAsync(DbConnection connection, DbTransaction tx) =>
        connection.ExecuteScalarAsync<string?>("SELECT value FROM settings WHERE key = @TokenSetting", new { TokenSetting }, tx);

    /// <summary>Records a change made without any cache: every cache of the file starts over at
    /// its next use.</summary>
    public static async Task<string> NewTokenAsync(DbConnection connection, DbTransaction tx)
    {
        var value = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        await SettingsStore.SetInAsync(connection, tx, TokenSetting, value);
        return value;
    }

    /// <summary>The days (since 0001-01-01) whose members can match an item dated <paramref name="date"/>.</summary>
    public static IEnumerable<int> DaysAround(DateTime date, TimeSpan apart)
    {
        var (first, last) = (Day(date - apart), Day(date + apart));
        for (var day = first; day <= last; day++) yield return day;
    }

    public static byte[] WriteKeys(IReadOnlyList<long> keys)
    {
        var bytes = new byte[keys.Count * 4];
        WriteKeys(keys, bytes);
        return bytes;
    }

    /// <summary>The keys as stored, into a buffer of at least 4 bytes per key; the part written.</summary>
    public static Span<byte> WriteKeys(IReadOnlyList<long> keys, Span<byte> into)
    {
        for (var i = 0; i < keys.Count; i++) BinaryPrimitives.WriteUInt32BigEndian(into[(i * 4)..], (uint)keys[i]);
        return into[..(keys.Count * 4)];
    }

    public static long[] ReadKeys(byte[] bytes)
    {
        var keys = new long[bytes.Length / 4];
        for (var i = 0; i < keys.Length; i++) keys[i] = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(i * 4));
        return keys;
    }

    /// <summary>The day of a date as stored (UTC), as the day index reads it.</summary>
    private static int Day(DateTime date) => (int)(date.ToUniversalTime().Ticks / TimeSpan.TicksPerDay);

    private static string DayText(int day) => new DateTime(day * TimeSpan.TicksPerDay).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private int Slot(uint key) => (int)((key * 0x9E3779B97F4A7C15UL) >> (64 - System.Numerics.BitOperations.Log2((uint)slots.Length)));

    private void Insert(ulong entry)
    {
        var mask = slots.Length - 1;
        var i = Slot((uint)(entry >> 32));
        for (; slots[i] != 0; i = (i + 1) & mask)
            if (slots[i] == entry) return;
        slots[i] = entry;
        postings++;
    }

    private void Grow()
    {
        var old = slots;
        slots = new ulong[old.Length * 2];
        postings = 0;
        foreach (var entry in old)
            if (entry != 0) Insert(entry);
    }

    private void Clear()
    {
        slots = new ulong[1 << 12];
        postings = 0;
        dates.Clear();
        days.Clear();
    }
}
