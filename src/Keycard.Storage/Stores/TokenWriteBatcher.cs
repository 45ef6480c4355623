using System.Diagnostics;
using System.Threading.Channels;
using Keycard.Core.Diagnostics;
using Keycard.Core.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Keycard.Storage.Stores;

/// <summary>
/// Group commit for token writes. Every issuance must be durable before its response, and a durable commit costs a
/// disk flush (about a millisecond on SQLite with synchronous=FULL), so concurrent writes share one transaction and
/// one flush. One writer takes whatever is queued, applies each operation in order inside a transaction, and
/// completes each caller after the commit. If the shared transaction fails, each operation is retried alone so one
/// bad write cannot fail its neighbours. When idle, a write starts at once: no added latency.
/// The writer runs on its own thread: SQLite's I/O is synchronous, and a flush on a thread-pool thread would starve
/// the request pool (on one core the pool starts with a single thread).
/// </summary>
internal sealed partial class TokenWriteBatcher : IDisposable
{
    public const int MaxBatch = 256;

    private readonly Channel<Operation> _queue = Channel.CreateUnbounded<Operation>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IServiceScopeFactory _scopes;
    private readonly KeycardTelemetry? _telemetry;
    private readonly Thread _writer;
    private IServiceScope? _scope;
    private EfTokenStore? _store;

    public TokenWriteBatcher(IServiceScopeFactory scopes, KeycardTelemetry? telemetry = null)
    {
        _scopes = scopes;
        _telemetry = telemetry;
        _writer = new Thread(Run) { IsBackground = true, Name = "keycard-token-writer" };
        _writer.Start();
    }

    /// <summary>False once the writer's thread has ended (disposed, or died): readiness reports it.</summary>
    public bool IsRunning => _writer.IsAlive;

    public Task AddAsync(IReadOnlyList<StoredToken> tokens) => EnqueueAsync(new Operation(new TokenWrite(null, default, tokens)));

    public Task<bool> ExchangeAsync(byte[] consumedHash, DateTimeOffset now, IReadOnlyList<StoredToken> issued) =>
        EnqueueAsync(new Operation(new TokenWrite(consumedHash, now, issued)));

    private Task<bool> EnqueueAsync(Operation operation)
    {
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(operation), this);
        return operation.Completion.Task;
    }

    private void Run()
    {
        while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            var batch = new List<Operation>();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var operation))
            {
                batch.Add(operation);
            }

            try
            {
                var results = Apply(batch);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Succeeded = results[i];
                }
            }
            catch (Exception ex) when (batch.Count > 1)
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
                batch[0].Failure = ex;
                if (_telemetry is { } telemetry)
                {
                    LogWriteFailed(telemetry.Log, ex.GetType().Name);
                }
            }

            // One pool work item resumes the whole batch's requests, one after another: a single thread wake-up per
            // commit instead of one per request, and this thread goes straight back to the queue. (Completions run
            // their continuations inline, so they must never run here, on the writer's own thread.)
            ThreadPool.UnsafeQueueUserWorkItem(static b => b.ForEach(o => o.Complete()), batch, preferLocal: false);
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
    }

    // The exception type only: a provider's message can quote the statement's parameters.
    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "A token writer batch of {Count} writes failed ({ExceptionType}); each write is retried alone")]
    private static partial void LogBatchFailed(ILogger logger, int count, string exceptionType);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "A token write failed ({ExceptionType}); its request gets an error")]
    private static partial void LogWriteFailed(ILogger logger, string exceptionType);

    private sealed record Operation(TokenWrite Write)
    {
        public TaskCompletionSource<bool> Completion { get; } = new();

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
