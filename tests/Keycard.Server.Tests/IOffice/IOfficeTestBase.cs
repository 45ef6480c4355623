using Keycard.Server.Tests.Infrastructure;

namespace Keycard.Server.Tests.IOffice;

/// <summary>A fresh Keycard (own database, fake clock, seeded user and clients) for every test.</summary>
public abstract class IOfficeTestBase : IAsyncLifetime
{
    protected KeycardFactory Factory { get; } = new();

    protected IOfficeClient Client { get; private set; } = null!;

    protected virtual void Configure(KeycardFactory factory)
    {
    }

    public async Task InitializeAsync()
    {
        Configure(Factory);
        await Factory.SeedAsync();
        Client = new IOfficeClient(Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));
    }

    public Task DisposeAsync()
    {
        Factory.Dispose();
        return Task.CompletedTask;
    }
}
