using System.Threading.Channels;
using Keycard.Core.Tokens;
using Microsoft.Extensions.DependencyInjection;

namespace Keycard.Storage.Stores;

/// <summary>
/// Group commit for token writes. Every issuance must be durable before its response, and a durable commit costs a
/// disk flush (about a millisecond on SQLite with synchronous=FULL), so concurrent writes share one transaction and
/// one flush. One writer loop takes whatever is queued, applies each operation in order inside a transaction, and
/// completes each caller after the commit. If the shared transaction fails, each operation is retried alone so one
/// bad write cannot fail its neighbours. When idle, a write starts at once: no added latency.
/// </summary>
internal sealed class TokenWriteBatcher : IAsyncDisposable
{
    public const int MaxBatch = 256;

    private readonly Channel<Operation> _queue = Channel.CreateUnbounded<Operation>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IServiceScopeFactory _scopes;
    private readonly Task _loop;

    public TokenWriteBatcher(IServiceScopeFactory scopes)
    {
        _scopes = scopes;
        _loop = Task.Run(RunAsync);
    }

    public Task AddAsync(IReadOnlyList<StoredToken> tokens) => EnqueueAsync(new Operation(null, default, tokens));

    public Task<bool> ExchangeAsync(byte[] consumedHash, DateTimeOffset now, IReadOnlyList<StoredToken> issued) =>
        EnqueueAsync(new Operation(consumedHash, now, issued));

    private async Task<bool> EnqueueAsync(Operation operation)
    {
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(operation), this);

        return await operation.Completion.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<Operation>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var operation))
            {
                batch.Add(operation);
            }

            try
            {
                var results = await ApplyAsync(batch);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Completion.TrySetResult(results[i]);
                }
            }
            catch (Exception) when (batch.Count > 1)
            {
                foreach (var operation in batch)
                {
                    await ApplyAloneAsync(operation);
                }
            }
            catch (Exception ex)
            {
                batch[0].Completion.TrySetException(ex);
            }
        }
    }

    private async Task ApplyAloneAsync(Operation operation)
    {
        try
        {
            operation.Completion.TrySetResult((await ApplyAsync([operation]))[0]);
        }
        catch (Exception ex)
        {
            operation.Completion.TrySetException(ex);
        }
    }

    private async Task<bool[]> ApplyAsync(List<Operation> batch)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<EfTokenStore>();
        return await store.ApplyBatchAsync(batch.ConvertAll(o => (o.ConsumedHash, o.Now, o.Issued)), CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    private sealed record Operation(byte[]? ConsumedHash, DateTimeOffset Now, IReadOnlyList<StoredToken> Issued)
    {
        public TaskCompletionSource<bool> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
