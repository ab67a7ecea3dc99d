using Aggregator.Storage;

namespace Aggregator.Ingestion;

/// <summary>Collects the polls of one cycle that are ready to store and writes them in batches
/// (FeedStore.CompletePollsAsync: one transaction, a savepoint per feed). A batch is written
/// when it is full, when every feed claimed so far that could still join it has joined, or
/// when its first poll has waited <see cref="MaxWait"/>, so a slow feed never holds finished
/// ones back for long. One batch is written at a time; the next one fills meanwhile.</summary>
public sealed class PollBatcher(FeedStore feeds) : IDisposable
{
    /// <summary>Polls per transaction: storing 1000 feeds took 4.2 s one per commit, 1.8 s in
    /// batches of 32 and 1.6 s in batches of 64 (docs/benchmarks.md); 32 keeps memory lower.</summary>
    public const int BatchSize = 32;

    public static readonly TimeSpan MaxWait = TimeSpan.FromMilliseconds(250);

    private sealed record Waiting(CompletedPoll Poll, TaskCompletionSource<IReadOnlyList<StoreOutcome>> Done);

    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _writer = new(1, 1);
    private List<Waiting> _batch = [];
    private int _outstanding;
    private Exception? _unavailable;

    /// <summary>More feeds were claimed: their polls may still join the batch being filled.</summary>
    public void Expect(int feeds)
    {
        lock (_lock) _outstanding += feeds;
    }

    /// <summary>Stores a feed's poll with others; completes once its batch is committed.</summary>
    public Task<IReadOnlyList<StoreOutcome>> StoreAsync(CompletedPoll poll)
    {
        var waiting = new Waiting(poll, new TaskCompletionSource<IReadOnlyList<StoreOutcome>>(TaskCreationOptions.RunContinuationsAsynchronously));
        List<Waiting>? full;
        lock (_lock)
        {
            _batch.Add(waiting);
            _outstanding--;
            if (_batch.Count == 1) _ = FlushLaterAsync(_batch);
            full = TakeIfReady();
        }
        if (full is not null) _ = WriteAsync(full);
        return waiting.Done.Task;
    }

    /// <summary>A feed of the cycle that will not store anything (it failed before): the batch
    /// no longer waits for it.</summary>
    public void Skip()
    {
        List<Waiting>? full;
        lock (_lock)
        {
            _outstanding--;
            full = TakeIfReady();
        }
        if (full is not null) _ = WriteAsync(full);
    }

    private List<Waiting>? TakeIfReady()
    {
        if (_batch.Count == 0 || (_batch.Count < BatchSize && _outstanding > 0)) return null;
        var full = _batch;
        _batch = [];
        return full;
    }

    private async Task FlushLaterAsync(List<Waiting> batch)
    {
        await Task.Delay(MaxWait);
        lock (_lock)
        {
            if (!ReferenceEquals(batch, _batch)) return; // written already
            _batch = [];
        }
        await WriteAsync(batch);
    }

    private async Task WriteAsync(List<Waiting> batch)
    {
        await _writer.WaitAsync();
        try
        {
            // The database failed on an earlier batch (locked past its timeout, full): the batches
            // queued behind it fail at once, instead of waiting out the busy timeout one after another.
            if (_unavailable is not null) throw _unavailable;
            var results = await feeds.CompletePollsAsync(batch.Select(w => w.Poll).ToList(), CancellationToken.None);
            for (var i = 0; i < batch.Count; i++)
                if (results[i].Outcomes is { } outcomes) batch[i].Done.SetResult(outcomes);
                else batch[i].Done.SetException(results[i].Error!);
        }
        catch (Exception e)
        {
            if (Database.IsUnavailable(e)) _unavailable ??= e;
            foreach (var w in batch) w.Done.TrySetException(e);
        }
        finally { _writer.Release(); }
    }

    public void Dispose() => _writer.Dispose();
}
