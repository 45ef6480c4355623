namespace Keycard.Storage.Tests.Infrastructure;

/// <summary>A scope that hands out nothing: a cache store built on it proves a hit never asks for its EF Core store.</summary>
public sealed class RefusingServices : IServiceProvider
{
    public object? GetService(Type serviceType) =>
        throw new InvalidOperationException($"A cache hit asked for {serviceType.Name}.");
}
