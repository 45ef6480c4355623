using System.Net;
using Keycard.Server.Tests.Infrastructure;
using Keycard.Storage;
using Keycard.Storage.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Keycard.Server.Tests.Security;

/// <summary>
/// Issue 12 item 4: the Data Protection key ring is encrypted at rest with a key-encryption key kept outside the
/// database (OWASP Cryptographic Storage Cheat Sheet, "Key Storage"), so a copy of the database alone cannot mint a
/// sign-in cookie.
/// </summary>
public sealed class KeyRingEncryptionTests
{
    [Fact]
    public async Task KeyRing_StoredInTheDatabase_HoldsNoPlainKeyMaterial()
    {
        using var factory = await new KeycardFactory().SeedAsync();
        using (var signIn = await LoginPageClient.Create(factory).SignInAsync(LoginPageClient.DefaultQuery()))
        {
            Assert.Equal(HttpStatusCode.SeeOther, signIn.StatusCode);
        }

        var rows = await factory.WithScopeAsync(sp => sp.GetRequiredService<KeycardDbContext>().DataProtectionKeys.Select(k => k.Xml!).ToListAsync());

        Assert.NotEmpty(rows);
        Assert.All(rows, xml =>
        {
            Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
            Assert.Contains(KekXmlEncryptor.ElementName, xml, StringComparison.Ordinal);
        });
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void KeyFile_EmbeddedDefault_IsOwnerOnlyBesideTheDatabase()
    {
        using var factory = new KeycardFactory();
        _ = factory.Server;

        var path = factory.DatabasePath + KeyEncryptionKey.FileSuffix;

        Assert.True(File.Exists(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public async Task SessionCookie_MintedFromACopyOfTheDatabase_IsRefused()
    {
        using var victim = await new KeycardFactory().SeedAsync();
        var victimBrowser = LoginPageClient.Create(victim);
        using (var signIn = await victimBrowser.SignInAsync(LoginPageClient.DefaultQuery()))
        {
            Assert.Equal(HttpStatusCode.SeeOther, signIn.StatusCode);
        }

        // The thief has a consistent copy of the database (a backup or a replica), not the key file beside it.
        using var thief = new KeycardFactory();
        Directory.CreateDirectory(Path.GetDirectoryName(thief.DatabasePath)!);
        await using (var connection = new SqliteConnection("Data Source=" + victim.DatabasePath))
        {
            await connection.OpenAsync();
            await using var vacuum = connection.CreateCommand();
            vacuum.CommandText = "VACUUM INTO $path";
            vacuum.Parameters.AddWithValue("$path", thief.DatabasePath);
            await vacuum.ExecuteNonQueryAsync();
        }

        await thief.SeedAsync();

        // Anything the thief's server signs with the copied ring is a cookie the thief minted for alice.
        var thiefBrowser = LoginPageClient.Create(thief);
        using var minted = await thiefBrowser.SignInAsync(LoginPageClient.DefaultQuery());
        var cookie = minted.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("keycard.session=", StringComparison.Ordinal)).Split(';')[0];
        var plain = victim.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, OAuthForms.AuthorizeUrl());
        request.Headers.Add("Cookie", cookie);

        using var response = await plain.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(await SignInForm.IsFormAsync(response));
    }
}
