using System.Threading.Channels;
using Keycard.Core.Tokens;
using Microsoft.Extensions.DependencyInjection;

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
internal sealed class TokenWriteBatcher : IDisposable
{
    public const int MaxBatch = 256;

    private readonly Channel<Operation> _queue = Channel.CreateUnbounded<Operation>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IServiceScopeFactory _scopes;
    private readonly Thread _writer;

    public TokenWriteBatcher(IServiceScopeFactory scopes)
    {
        _scopes = scopes;
        _writer = new Thread(Run) { IsBackground = true, Name = "keycard-token-writer" };
        _writer.Start();
    }

    public Task AddAsync(IReadOnlyList<StoredToken> tokens) => EnqueueAsync(new Operation(null, default, tokens));

    public Task<bool> ExchangeAsync(byte[] consumedHash, DateTimeOffset now, IReadOnlyList<StoredToken> issued) =>
        EnqueueAsync(new Operation(consumedHash, now, issued));

    private Task<bool> EnqueueAsync(Operation operation)
    {
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(operation), this);
        return operation.Completion.Task;
    }

    private void Run()
    {
        var batch = new List<Operation>(MaxBatch);
        while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var operation))
            {
                batch.Add(operation);
            }

            try
            {
                var results = Apply(batch);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Completion.TrySetResult(results[i]);
                }
            }
            catch (Exception) when (batch.Count > 1)
            {
                foreach (var operation in batch)
                {
                    ApplyAlone(operation);
                }
            }
            catch (Exception ex)
            {
                batch[0].Completion.TrySetException(ex);
            }
        }
    }

    private void ApplyAlone(Operation operation)
    {
        try
        {
            operation.Completion.TrySetResult(Apply([operation])[0]);
        }
        catch (Exception ex)
        {
            operation.Completion.TrySetException(ex);
        }
    }

    private bool[] Apply(List<Operation> batch)
    {
        using var scope = _scopes.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<EfTokenStore>();
        return store.ApplyBatch(batch.ConvertAll(o => (o.ConsumedHash, o.Now, o.Issued)));
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _writer.Join(TimeSpan.FromSeconds(30));
    }

    private sealed record Operation(byte[]? ConsumedHash, DateTimeOffset Now, IReadOnlyList<StoredToken> Issued)
    {
        public TaskCompletionSource<bool> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
