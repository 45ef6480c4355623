using Keycard.Core.Clients;
using Keycard.Core.Tests.Fakes;

namespace Keycard.Core.Tests.Clients;

/// <summary>
/// Session 9 audit: a display name or appCode longer than the stores keep (200 characters) is refused by the rules,
/// naming the option; PostgreSQL refused the row and the CLI reported "names a client that already exists".
/// </summary>
public sealed class ClientRegistrationLengthTests
{
    private readonly CoreHarness _core = new();

    private ClientRegistration Registration => new(_core.Clients, _core.Time);

    [Fact]
    public async Task Register_NameLongerThan200_IsRefusedNamingTheName()
    {
        var (registered, problem) = await Registration.RegisterAsync(Request() with { Name = new string('n', 201) }, CancellationToken.None);

        Assert.Null(registered);
        Assert.Equal(ClientRegistrationField.Name, problem?.Field);
        Assert.Null(await _core.Clients.FindAsync("new", CancellationToken.None));
    }

    [Fact]
    public async Task Register_AppCodeLongerThan200_IsRefusedNamingTheAppCode()
    {
        var (registered, problem) = await Registration.RegisterAsync(Request() with { AppCode = new string('a', 201) }, CancellationToken.None);

        Assert.Null(registered);
        Assert.Equal(ClientRegistrationField.AppCode, problem?.Field);
    }

    [Fact]
    public async Task Register_NameAndAppCodeOf200_AreKept()
    {
        var name = new string('n', 200);
        var appCode = new string('a', 200);

        var (registered, problem) = await Registration.RegisterAsync(Request() with { Name = name, AppCode = appCode }, CancellationToken.None);

        Assert.Null(problem);
        Assert.Equal(name, registered?.Client.Name);
        Assert.Equal(appCode, registered?.Client.AppCode);
    }

    private static ClientRegistrationRequest Request() => new()
    {
        ClientId = "new",
        RedirectUris = [CoreHarness.RedirectUri],
    };
}
