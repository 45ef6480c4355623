using Keycard.Core.Storage;
using Keycard.Core.Tokens;
using Keycard.Core.Users;
using Keycard.Storage.Stores;
using Keycard.Storage.Tests.Infrastructure;
using Keycard.Storage.Users;
using Keycard.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Keycard.Storage.Tests.Contracts;

/// <summary>Users through ASP.NET Core Identity on Keycard's context: administration, password checks, the directory.</summary>
public abstract class UserStoreContract<TDatabase>(TDatabase database) : StoreContract<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private const string Password = "correct horse battery staple";

    [SkippableFact]
    public async Task Add_NewUser_IsFoundByNameAndById()
    {
        var name = NewName();

        var (added, errors) = await Admin(a => a.AddAsync(name, name + "@example.com", "Alice", "Liddell", Password));

        Assert.Empty(errors);
        Assert.NotNull(added);
        var byName = await Admin(a => a.FindAsync(name));
        var byId = await Database.InScopeAsync(sp => sp.GetRequiredService<IUserDirectory>().FindAsync(added.Id, CancellationToken.None));
        Assert.Equal(added.Id, byName!.Id);
        Assert.Equal(name, byId!.UserName);
        Assert.Equal(name + "@example.com", byId.Email);
        Assert.Equal("Alice", byId.FirstName);
        Assert.Equal("Liddell", byId.LastName);
        Assert.False(byId.IsDisabled);
        Assert.Equal(TestDatabase.Start, byId.CreatedAt);
    }

    [SkippableFact]
    public async Task Add_TakenName_ReturnsAnErrorAndNoUser()
    {
        var name = NewName();
        await AddAsync(name);

        var (user, errors) = await Admin(a => a.AddAsync(name, "other@example.com", "B", "C", Password));

        Assert.Null(user);
        Assert.NotEmpty(errors);
    }

    [SkippableFact]
    public async Task Add_ShortPassword_IsRefused()
    {
        var (user, errors) = await Admin(a => a.AddAsync(NewName(), "x@example.com", "X", "Y", "short"));

        Assert.Null(user);
        Assert.NotEmpty(errors);
    }

    [SkippableFact]
    public async Task Find_UnknownUser_ReturnsNull()
    {
        Assert.Null(await Admin(a => a.FindAsync(NewName())));
        Assert.Null(await Database.InScopeAsync(sp => sp.GetRequiredService<IUserDirectory>().FindAsync(int.MaxValue, CancellationToken.None)));
    }

    [SkippableFact]
    public async Task CheckPassword_RightPassword_SucceedsWithTheUserId()
    {
        var name = NewName();
        var id = await AddAsync(name);

        var check = await CheckAsync(name, Password);

        Assert.Equal(new PasswordCheck(PasswordCheckOutcome.Success, id), check);
    }

    [SkippableFact]
    public async Task CheckPassword_WrongPasswordOrUnknownUser_IsInvalid()
    {
        var name = NewName();
        await AddAsync(name);

        Assert.Equal(PasswordCheckOutcome.Invalid, (await CheckAsync(name, Password + "!")).Outcome);
        Assert.Equal(PasswordCheckOutcome.Invalid, (await CheckAsync(NewName(), Password)).Outcome);
    }

    [SkippableFact]
    public async Task SetPassword_NewPassword_ReplacesTheOld()
    {
        var name = NewName();
        await AddAsync(name);

        var errors = await Admin(a => a.SetPasswordAsync(name, "a brand new passphrase", CancellationToken.None));

        Assert.Empty(errors);
        Assert.Equal(PasswordCheckOutcome.Invalid, (await CheckAsync(name, Password)).Outcome);
        Assert.Equal(PasswordCheckOutcome.Success, (await CheckAsync(name, "a brand new passphrase")).Outcome);
    }

    [SkippableFact]
    public async Task SetDisabled_DisabledUser_CannotSignInAndTheirTokensAreRevoked()
    {
        var name = NewName();
        var id = await AddAsync(name);
        var token = TestTokens.New(TestDatabase.Start, TokenKind.RefreshToken, TimeSpan.FromDays(30), userId: id, scope: "");
        await Database.AddTokensAsync(token);

        Assert.True(await Admin(a => a.SetDisabledAsync(name, true, CancellationToken.None)));

        Assert.Equal(PasswordCheckOutcome.Invalid, (await CheckAsync(name, Password)).Outcome);
        Assert.True((await Database.InScopeAsync(sp => sp.GetRequiredService<IUserDirectory>().FindAsync(id, CancellationToken.None)))!.IsDisabled);
        var stored = await Database.FindTokenAsync(token.Hash);
        Assert.NotNull(stored!.RevokedAt);
    }

    [SkippableFact]
    public async Task SetPassword_UserWithTokens_RevokesEveryTokenAndChangesTheVersion()
    {
        // Issue 12 item 3: a password change, like disabling, ends everything the old password opened.
        var name = NewName();
        var id = await AddAsync(name);
        var token = TestTokens.New(TestDatabase.Start, TokenKind.RefreshToken, TimeSpan.FromDays(30), userId: id, scope: "");
        await Database.AddTokensAsync(token);
        var before = await Admin(a => a.FindAsync(name));

        Assert.Empty(await Admin(a => a.SetPasswordAsync(name, "a brand new passphrase", CancellationToken.None)));

        var stored = await Database.FindTokenAsync(token.Hash);
        Assert.NotNull(stored!.RevokedAt);
        var after = await Admin(a => a.FindAsync(name));
        Assert.NotEqual(before!.Version, after!.Version);
    }

    [SkippableFact]
    public async Task RevokeUser_And_RevokeClient_RevokeOnlyTheirTokens()
    {
        var name = NewName();
        var other = NewName();
        var id = await AddAsync(name);
        var otherId = await AddAsync(other);
        var mine = TestTokens.New(TestDatabase.Start, TokenKind.RefreshToken, TimeSpan.FromDays(30), clientId: "app-a", userId: id, scope: "");
        var theirs = TestTokens.New(TestDatabase.Start, TokenKind.RefreshToken, TimeSpan.FromDays(30), clientId: "app-b", userId: otherId, scope: "");
        var clientWide = TestTokens.New(TestDatabase.Start, TokenKind.RefreshToken, TimeSpan.FromDays(30), clientId: "app-c", userId: otherId, scope: "");
        await Database.AddTokensAsync(mine, theirs, clientWide);

        var byUser = await Database.InScopeAsync(sp => sp.GetRequiredService<TokenAdministration>().RevokeUserAsync(name, CancellationToken.None));
        var unknownUser = await Database.InScopeAsync(sp => sp.GetRequiredService<TokenAdministration>().RevokeUserAsync(NewName(), CancellationToken.None));

        Assert.Equal(1, byUser);
        Assert.Null(unknownUser);
        Assert.NotNull((await Database.FindTokenAsync(mine.Hash))!.RevokedAt);
        Assert.Null((await Database.FindTokenAsync(theirs.Hash))!.RevokedAt);
        Assert.Null((await Database.FindTokenAsync(clientWide.Hash))!.RevokedAt);
    }

    [SkippableFact]
    public async Task SetDisabled_ReEnabledUser_CanSignInAgain()
    {
        var name = NewName();
        await AddAsync(name);
        await Admin(a => a.SetDisabledAsync(name, true, CancellationToken.None));

        await Admin(a => a.SetDisabledAsync(name, false, CancellationToken.None));

        Assert.Equal(PasswordCheckOutcome.Success, (await CheckAsync(name, Password)).Outcome);
    }

    [SkippableFact]
    public async Task Remove_ExistingUser_IsGoneAndAUnknownNameReturnsFalse()
    {
        var name = NewName();
        var id = await AddAsync(name);

        Assert.True(await Admin(a => a.RemoveAsync(name, CancellationToken.None)));

        Assert.Null(await Database.InScopeAsync(sp => sp.GetRequiredService<IUserDirectory>().FindAsync(id, CancellationToken.None)));
        Assert.False(await Admin(a => a.RemoveAsync(name, CancellationToken.None)));
    }

    [SkippableFact]
    public async Task List_AfterAdds_ContainsTheNewUsersInIdOrder()
    {
        var first = await AddAsync(NewName());
        var second = await AddAsync(NewName());

        var all = await Admin(a => a.ListAsync(CancellationToken.None));

        var ids = all.Select(u => u.Id).ToList();
        Assert.True(ids.IndexOf(first) < ids.IndexOf(second) && ids.IndexOf(first) >= 0);
        Assert.Equal(ids.Order(), ids);
    }

    private static string NewName() => "user" + Guid.NewGuid().ToString("N")[..12];

    private async Task<int> AddAsync(string name)
    {
        var (user, errors) = await Admin(a => a.AddAsync(name, name + "@example.com", "First", "Last", Password));
        Assert.Empty(errors);
        return user!.Id;
    }

    private Task<PasswordCheck> CheckAsync(string name, string password) =>
        Database.InScopeAsync(sp => sp.GetRequiredService<IUserAuthenticator>().CheckPasswordAsync(name, password, CancellationToken.None));

    private Task<T> Admin<T>(Func<UserAdministration, Task<T>> action) =>
        Database.InScopeAsync(sp => action(sp.GetRequiredService<UserAdministration>()));
}
