using System.Diagnostics;
using System.Threading.Channels;
using Keycard.Core.Diagnostics;
using Keycard.Core.Tokens;
using Keycard.Storage.Faults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Keycard.Storage.Tokens;

/// <summary>
/// Group commit for token writes. Every issuance must be durable before its response, and a durable commit costs a
/// disk flush (about a millisecond on SQLite with synchronous=FULL), so concurrent writes share one transaction and
/// one flush. One writer takes whatever is queued, applies each operation in order inside a transaction, and
/// completes each caller after the commit. If the shared transaction fails, each operation is retried alone so one
/// bad write cannot fail its neighbours. When idle, a write starts at once: no added latency.
/// The writer runs on its own thread: SQLite's I/O is synchronous, and a flush on a thread-pool thread would starve
/// the request pool (on one core the pool starts with a single thread).
/// No caller waits longer than the database deadline (<see cref="DatabaseLocation.Timeout"/>): a caller whose write
/// has not finished by then gets <see cref="TokenWriterStalledException"/> (answered 503). A write the writer had not
/// yet started is then withdrawn, so the 503 is true; one already under way may still commit, as after a crash. While
/// a batch has run past the deadline (a frozen disk or database), new writes fail at once instead of queueing behind it.
/// The deadline costs a request no timer of its own: unfinished writes wait in order of arrival (<see cref="_pending"/>),
/// and one watchdog timer, armed for the oldest one's deadline, fails whichever have waited that long.
/// </summary>
internal sealed partial class TokenWriteBatcher : IDisposable
{
    public const int MaxBatch = 256;

    private readonly Channel<Operation> _queue = Channel.CreateUnbounded<Operation>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly TimeSpan _deadline;
    private readonly DatabaseHealth? _health;
    private readonly KeycardTelemetry? _telemetry;
    private readonly Thread _writer;
    private readonly ITimer _watchdog;

    // Every write not yet completed, oldest first, and whether the watchdog is armed: both under the queue's own lock.
    private readonly Queue<Operation> _pending = new();
    private bool _watchdogArmed;
    private IServiceScope? _scope;
    private EfTokenStore? _store;

    // When the batch under way started (TimeProvider timestamp), 0 while the writer waits for work.
    private long _batchStarted;

    public TokenWriteBatcher(IServiceScopeFactory scopes, DatabaseLocation location, TimeProvider time, DatabaseHealth? health = null, KeycardTelemetry? telemetry = null)
    {
        _scopes = scopes;
        _time = time;
        _deadline = location.Timeout;
        _health = health;
        _telemetry = telemetry;
        using (ExecutionContext.SuppressFlow())
        {
            _watchdog = time.CreateTimer(static b => ((TokenWriteBatcher)b!).FailOverdue(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        _writer = new Thread(Run) { IsBackground = true, Name = "keycard-token-writer" };
        _writer.Start();
    }

    /// <summary>Whether a batch is being applied now (for tests that stall the database).</summary>
    internal bool BatchInProgress => Volatile.Read(ref _batchStarted) != 0;

    /// <summary>False once the writer's thread has ended (disposed, or died): readiness reports it.</summary>
    public bool IsRunning => _writer.IsAlive;

    public Task AddAsync(IReadOnlyList<StoredToken> tokens) => EnqueueAsync(new Operation(new TokenWrite(null, default, tokens)));

    public Task<bool> ExchangeAsync(byte[] consumedHash, DateTimeOffset now, IReadOnlyList<StoredToken> issued) =>
        EnqueueAsync(new Operation(new TokenWrite(consumedHash, now, issued)));

    /// <summary>Completes once every write queued before the call is applied (or failed): for a graceful shutdown.</summary>
    public Task FlushAsync() => EnqueueAsync(new Operation(new TokenWrite(null, default, [])));

    private Task<bool> EnqueueAsync(Operation operation)
    {
        if (Volatile.Read(ref _batchStarted) is var started and not 0 && _time.GetElapsedTime(started) > _deadline)
        {
            return Task.FromException<bool>(new TokenWriterStalledException($"The token writer has been waiting on the database for more than {_deadline.TotalSeconds:0.#} s."));
        }

        operation.Enqueued = _time.GetTimestamp();
        lock (_pending)
        {
            _pending.Enqueue(operation);
            if (!_watchdogArmed)
            {
                _watchdogArmed = true;
                _watchdog.Change(_deadline, Timeout.InfiniteTimeSpan);
            }
        }

        if (!_queue.Writer.TryWrite(operation))
        {
            operation.Completion.TrySetException(new ObjectDisposedException(nameof(TokenWriteBatcher)));
        }

        return operation.Completion.Task;
    }

    /// <summary>
    /// The watchdog: every write that has waited the deadline is failed (and withdrawn if the writer has not taken it
    /// yet, so the 503 is true; one already under way may still commit, as after a crash), then the timer is armed
    /// again for the oldest write still waiting.
    /// </summary>
    private void FailOverdue()
    {
        List<Operation>? overdue = null;
        var now = _time.GetTimestamp();
        lock (_pending)
        {
            _watchdogArmed = false;
            while (_pending.TryPeek(out var oldest))
            {
                if (oldest.Completion.Task.IsCompleted)
                {
                    _pending.Dequeue();
                    continue;
                }

                var waited = _time.GetElapsedTime(oldest.Enqueued, now);
                if (waited < _deadline)
                {
                    _watchdogArmed = true;
                    _watchdog.Change(_deadline - waited, Timeout.InfiniteTimeSpan);
                    break;
                }

                (overdue ??= []).Add(_pending.Dequeue());
            }
        }

        foreach (var operation in overdue ?? [])
        {
            operation.TryWithdraw();
            operation.Completion.TrySetException(new TokenWriterStalledException($"The token write did not finish within {_deadline.TotalSeconds:0.#} s."));
        }
    }

    /// <summary>Completes a batch's writes, then forgets the completed ones at the head of <see cref="_pending"/>.</summary>
    private void Complete(List<Operation> batch)
    {
        batch.ForEach(o => o.Complete());
        lock (_pending)
        {
            while (_pending.TryPeek(out var oldest) && oldest.Completion.Task.IsCompleted)
            {
                _pending.Dequeue();
            }
        }
    }

    private void Run()
    {
        while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            var batch = new List<Operation>();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var operation))
            {
                if (operation.TryStart())
                {
                    batch.Add(operation);
                }
            }

            if (batch.Count == 0)
            {
                continue;
            }

            Volatile.Write(ref _batchStarted, _time.GetTimestamp());
            try
            {
                var results = Apply(batch);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Succeeded = results[i];
                }
            }
            catch (Exception ex) when (batch.Count > 1 && DatabaseFault.FindUnavailable(ex) is null)
            {
                if (_telemetry is { } telemetry)
                {
                    LogBatchFailed(telemetry.Log, batch.Count, ex.GetType().Name);
                }

                foreach (var operation in batch)
                {
                    ApplyAlone(operation);
                }
            }
            catch (Exception ex)
            {
                // One write failed, or the database is unavailable: then retrying each write alone would only hold
                // the writer for one more deadline per write.
                batch.ForEach(o => o.Failure = ex);
                if (_telemetry is { } telemetry)
                {
                    LogWriteFailed(telemetry.Log, ex.GetType().Name);
                }
            }
            finally
            {
                Volatile.Write(ref _batchStarted, 0);
            }

            if (batch.TrueForAll(o => o.Failure is null))
            {
                _health?.ReportSuccess();
            }

            // One pool work item resumes the whole batch's requests, one after another: a single thread wake-up per
            // commit instead of one per request, and this thread goes straight back to the queue. (Completions run
            // their continuations inline, so they must never run here, on the writer's own thread.)
            ThreadPool.UnsafeQueueUserWorkItem(static b => b.Batcher.Complete(b.Batch), (Batcher: this, Batch: batch), preferLocal: false);
        }
    }

    private void ApplyAlone(Operation operation)
    {
        try
        {
            operation.Succeeded = Apply([operation])[0];
        }
        catch (Exception ex)
        {
            operation.Failure = ex;
            if (_telemetry is { } telemetry)
            {
                LogWriteFailed(telemetry.Log, ex.GetType().Name);
            }
        }
    }

    private bool[] Apply(List<Operation> batch)
    {
        try
        {
            var started = Stopwatch.GetTimestamp();
            var results = Writer().ApplyBatch(batch.ConvertAll(o => o.Write));
            if (_telemetry is { } telemetry)
            {
                telemetry.WriterBatchSize.Record(batch.Count);
                telemetry.WriterCommitDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
            }

            return results;
        }
        catch
        {
            // Whatever failed, the next write starts on a fresh connection.
            CloseWriter();
            throw;
        }
    }

    /// <summary>One store and one open connection for every batch, so no batch pays to open one (or to tune it).</summary>
    private EfTokenStore Writer()
    {
        if (_store is null)
        {
            _scope = _scopes.CreateScope();
            var store = _scope.ServiceProvider.GetRequiredService<EfTokenStore>();
            store.OpenForWriting();
            _store = store;
        }

        return _store;
    }

    private void CloseWriter()
    {
        _store = null;
        _scope?.Dispose();
        _scope = null;
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        if (_writer.Join(TimeSpan.FromSeconds(30)))
        {
            CloseWriter();
        }

        _watchdog.Dispose();
    }

    // The exception type only: a provider's message can quote the statement's parameters.
    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "A token writer batch of {Count} writes failed ({ExceptionType}); each write is retried alone")]
    private static partial void LogBatchFailed(ILogger logger, int count, string exceptionType);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "A token write failed ({ExceptionType}); its request gets an error")]
    private static partial void LogWriteFailed(ILogger logger, string exceptionType);

    private sealed record Operation(TokenWrite Write)
    {
        private const int Queued = 0;
        private const int Started = 1;
        private const int Withdrawn = 2;

        private int _state;

        public TaskCompletionSource<bool> Completion { get; } = new();

        /// <summary>When the caller queued it (TimeProvider timestamp): its deadline counts from here.</summary>
        public long Enqueued { get; set; }

        /// <summary>The writer takes it; false when its caller gave up first.</summary>
        public bool TryStart() => Interlocked.CompareExchange(ref _state, Started, Queued) == Queued;

        /// <summary>The caller gives up; the write is never applied if the writer had not taken it yet.</summary>
        public void TryWithdraw() => Interlocked.CompareExchange(ref _state, Withdrawn, Queued);

        public bool Succeeded { get; set; }

        public Exception? Failure { get; set; }

        public void Complete()
        {
            if (Failure is null)
            {
                Completion.TrySetResult(Succeeded);
            }
            else
            {
                Completion.TrySetException(Failure);
            }
        }
    }
}

/// <summary>One token write: store <paramref name="Issued"/>, and when <paramref name="ConsumedHash"/> is set, only if
/// that code or refresh token could still be spent at <paramref name="Now"/>.</summary>
internal sealed record TokenWrite(byte[]? ConsumedHash, DateTimeOffset Now, IReadOnlyList<StoredToken> Issued);
