using System.Data.Common;
using System.Security.Cryptography;
using Keycard.Storage.DataProtection;
using Keycard.Storage.SigningKeys;
using Keycard.Storage.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Keycard.Storage.Tests.Contracts;

/// <summary>
/// The signing keys (issue 16) on each provider: the first key, the schedule (published ahead, signs, retires,
/// unpublished), rotation and retirement, two nodes agreeing, and the private key stored only encrypted.
/// Each test starts from an empty key table; the class's fake clock only moves forward.
/// </summary>
public abstract class SigningKeyContract<TDatabase>(TDatabase database) : StoreContract<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private static readonly SigningKeyOptions Defaults = new();

    [SkippableFact]
    public async Task Ensure_EmptyTable_MakesOneKeyThatSignsNowAndIsPublished()
    {
        await ClearAsync();
        var ring = NewRing();

        var made = await EnsureAsync();
        var again = await EnsureAsync();
        var current = await ring.GetCurrentAsync(CancellationToken.None);
        var published = await ring.GetPublishedAsync(CancellationToken.None);

        var key = Assert.Single(made);
        Assert.Empty(again);
        Assert.Equal(key.KeyId, current.KeyId);
        Assert.Equal("RS256", current.Algorithm);
        Assert.Equal(Database.Time.GetUtcNow().ToUnixTimeSeconds(), current.ActivatesAt.ToUnixTimeSeconds());
        Assert.Equal(current.ActivatesAt + Defaults.RotationPeriod, current.RetiresAt);
        Assert.Equal(current.RetiresAt + Defaults.RetainAfterRetire, current.ExpiresAt);
        Assert.Equal(key.KeyId, Assert.Single(published).KeyId);
    }

    [SkippableFact]
    public async Task Ensure_ManyNodesAtOnceOnAnEmptyTable_MakeExactlyOneKey()
    {
        await ClearAsync();

        var made = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(EnsureAsync)));

        Assert.Single(made.SelectMany(m => m));
        Assert.Equal(1, await CountAsync());
    }

    [SkippableFact]
    public async Task Schedule_FullCycle_PublishesAheadSignsRetiresAndUnpublishes()
    {
        await ClearAsync();
        var first = Assert.Single(await EnsureAsync());
        var start = Database.Time.GetUtcNow();

        // Just before the publish-ahead window: nothing to do.
        Database.Time.Advance(Defaults.RotationPeriod - Defaults.PublishAhead - TimeSpan.FromSeconds(1));
        Assert.Empty(await EnsureAsync());

        // In the window: the next key is made, published at once, and signs only when the first retires.
        Database.Time.Advance(TimeSpan.FromSeconds(2));
        var next = Assert.Single(await EnsureAsync());
        Assert.Equal(first.RetiresAt, next.ActivatesAt);
        var ring = NewRing();
        Assert.Equal(first.KeyId, (await ring.GetCurrentAsync(CancellationToken.None)).KeyId);
        Assert.Equal(
            new[] { first.KeyId, next.KeyId }.Order(StringComparer.Ordinal),
            (await ring.GetPublishedAsync(CancellationToken.None)).Select(k => k.KeyId).Order(StringComparer.Ordinal));

        // The first retires: the next signs, the first stays published for the tokens it signed.
        Database.Time.SetUtcNow(start + Defaults.RotationPeriod);
        Assert.Equal(next.KeyId, (await ring.GetCurrentAsync(CancellationToken.None)).KeyId);
        Assert.Contains(first.KeyId, (await ring.GetPublishedAsync(CancellationToken.None)).Select(k => k.KeyId));

        // After RetainAfterRetire the first is unpublished.
        Database.Time.SetUtcNow(start + Defaults.RotationPeriod + Defaults.RetainAfterRetire);
        var published = (await NewRing().GetPublishedAsync(CancellationToken.None)).Select(k => k.KeyId).ToList();
        Assert.DoesNotContain(first.KeyId, published);
        Assert.Contains(next.KeyId, published);
    }

    [SkippableFact]
    public async Task Rotate_Later_NewKeyPublishedNowSignsAfterPublishAhead()
    {
        await ClearAsync();
        var first = Assert.Single(await EnsureAsync());
        var ring = NewRing();

        var made = Assert.Single(await Admin(a => a.RotateAsync(now: false, null, CancellationToken.None)));
        ring.Invalidate();

        Assert.Equal(first.KeyId, (await ring.GetCurrentAsync(CancellationToken.None)).KeyId);
        Assert.Contains(made.KeyId, (await ring.GetPublishedAsync(CancellationToken.None)).Select(k => k.KeyId));
        Database.Time.Advance(Defaults.PublishAhead);
        Assert.Equal(made.KeyId, (await ring.GetCurrentAsync(CancellationToken.None)).KeyId);
    }

    [SkippableFact]
    public async Task Rotate_EmptyTable_NewKeySignsAtOnce()
    {
        await ClearAsync();

        var made = Assert.Single(await Admin(a => a.RotateAsync(now: false, null, CancellationToken.None)));

        Assert.Equal(made.KeyId, (await NewRing().GetCurrentAsync(CancellationToken.None)).KeyId);
    }

    [SkippableFact]
    public async Task Retire_LeakedCurrentKey_IsUnpublishedAndAnotherSigns()
    {
        await ClearAsync();
        var first = Assert.Single(await EnsureAsync());

        var found = await Admin(a => a.RetireAsync(first.KeyId, CancellationToken.None));
        var missing = await Admin(a => a.RetireAsync("no-such-key", CancellationToken.None));
        var ring = NewRing();

        Assert.True(found);
        Assert.False(missing);
        Assert.NotEqual(first.KeyId, (await ring.GetCurrentAsync(CancellationToken.None)).KeyId);
        Assert.DoesNotContain(first.KeyId, (await ring.GetPublishedAsync(CancellationToken.None)).Select(k => k.KeyId));
    }

    [SkippableFact]
    public async Task Ring_OtherNodeRotates_SeenWithinRefreshInterval()
    {
        await ClearAsync();
        var nodeA = NewRing();
        var nodeB = NewRing();
        var first = await nodeA.GetCurrentAsync(CancellationToken.None);
        Assert.Equal(first.KeyId, (await nodeB.GetCurrentAsync(CancellationToken.None)).KeyId);

        // Node B's operator rotates at once; node A still has the old set cached until its refresh interval passes.
        var made = Assert.Single(await Admin(a => a.RotateAsync(now: true, null, CancellationToken.None)));
        var cached = await nodeA.GetCurrentAsync(CancellationToken.None);
        Database.Time.Advance(Defaults.RefreshInterval);
        var refreshed = await nodeA.GetCurrentAsync(CancellationToken.None);

        Assert.Equal(first.KeyId, cached.KeyId);
        Assert.Equal(made.KeyId, refreshed.KeyId);
    }

    [SkippableFact]
    public async Task Store_RawRow_HoldsNoPlainPrivateKeyAndDecryptsOnlyWithTheKek()
    {
        await ClearAsync();
        var current = await NewRing().GetCurrentAsync(CancellationToken.None);
        var rsa = Assert.IsType<RsaSecurityKey>(current.Key).Rsa;
        var privateExponent = rsa.ExportParameters(true).D!;
        var pkcs8 = rsa.ExportPkcs8PrivateKey();

        var cells = await ReadRawRowAsync(current.KeyId);

        foreach (var cell in cells)
        {
            var bytes = cell as byte[] ?? System.Text.Encoding.UTF8.GetBytes(Convert.ToString(cell, System.Globalization.CultureInfo.InvariantCulture) ?? "");
            Assert.False(bytes.AsSpan().IndexOf(privateExponent) >= 0, "the private exponent is stored in plain text");
            Assert.False(bytes.AsSpan().IndexOf(pkcs8.AsSpan(0, 64)) >= 0, "the PKCS#8 private key is stored in plain text");
            Assert.DoesNotContain(Base64UrlEncoder.Encode(privateExponent), System.Text.Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        }

        var row = await Database.InScopeAsync(sp => sp.GetRequiredService<KeycardDbContext>().SigningKeys.AsNoTracking().SingleAsync(k => k.KeyId == current.KeyId));
        var otherKek = KeyEncryptionKey.FromBytes(RandomNumberGenerator.GetBytes(32));
        Assert.Throws<KeyEncryptionKeyException>(() => SigningKeyMaterial.Open(row, otherKek));
    }

    [SkippableFact]
    public async Task Ring_Es256Requested_MakesAnEs256KeyBesideTheRs256OneAndPublishesBoth()
    {
        await ClearAsync();
        var ring = NewRing();
        var rs256 = await ring.GetCurrentAsync(CancellationToken.None);

        var es256 = await ring.GetCurrentAsync("ES256", CancellationToken.None);
        var again = await NewRing().GetCurrentAsync("es256", CancellationToken.None);

        Assert.Equal("RS256", rs256.Algorithm);
        Assert.Equal("ES256", es256.Algorithm);
        Assert.IsType<ECDsaSecurityKey>(es256.Key);
        Assert.Equal(es256.KeyId, again.KeyId);
        Assert.Equal(rs256.KeyId, (await ring.GetCurrentAsync(CancellationToken.None)).KeyId);
        Assert.Equal(
            new[] { rs256.KeyId, es256.KeyId }.Order(StringComparer.Ordinal),
            (await ring.GetPublishedAsync(CancellationToken.None)).Select(k => k.KeyId).Order(StringComparer.Ordinal));
    }

    [SkippableFact]
    public async Task Ring_ManyNodesAskForEs256AtOnce_MakeExactlyOneEs256Key()
    {
        await ClearAsync();
        await NewRing().GetCurrentAsync(CancellationToken.None);

        var keys = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(async () => await NewRing().GetCurrentAsync("ES256", CancellationToken.None))));

        Assert.Single(keys.Select(k => k.KeyId).Distinct());
        Assert.Equal(2, await CountAsync());
    }

    [SkippableFact]
    public async Task Ensure_Es256InUse_PublishesItsNextKeyAheadOnTheSameSchedule()
    {
        await ClearAsync();
        var ring = NewRing();
        var rs256 = await ring.GetCurrentAsync(CancellationToken.None);
        var es256 = await ring.GetCurrentAsync("ES256", CancellationToken.None);

        Database.Time.SetUtcNow(rs256.RetiresAt - Defaults.PublishAhead + TimeSpan.FromSeconds(1));
        var made = await EnsureAsync();

        Assert.Equal(["ES256", "RS256"], made.Select(k => k.Algorithm).Order(StringComparer.Ordinal));
        Assert.Equal(es256.RetiresAt.ToUnixTimeSeconds(), made.Single(k => k.Algorithm == "ES256").ActivatesAt);
        Database.Time.SetUtcNow(es256.RetiresAt);
        var next = await NewRing().GetCurrentAsync("ES256", CancellationToken.None);
        Assert.Equal(made.Single(k => k.Algorithm == "ES256").KeyId, next.KeyId);
    }

    [SkippableFact]
    public async Task Rotate_NoAlgorithmNamed_RotatesEveryAlgorithmInUse()
    {
        await ClearAsync();
        var ring = NewRing();
        var rs256 = await ring.GetCurrentAsync(CancellationToken.None);
        var es256 = await ring.GetCurrentAsync("ES256", CancellationToken.None);

        var made = await Admin(a => a.RotateAsync(now: true, null, CancellationToken.None));
        ring.Invalidate();

        Assert.Equal(["RS256", "ES256"], made.Select(k => k.Algorithm));
        Assert.NotEqual(rs256.KeyId, (await ring.GetCurrentAsync(CancellationToken.None)).KeyId);
        Assert.NotEqual(es256.KeyId, (await ring.GetCurrentAsync("ES256", CancellationToken.None)).KeyId);
        Assert.Equal(4, (await ring.GetPublishedAsync(CancellationToken.None)).Count);
    }

    [SkippableFact]
    public async Task Retire_CurrentEs256Key_AnotherEs256KeySigns()
    {
        await ClearAsync();
        var ring = NewRing();
        var rs256 = await ring.GetCurrentAsync(CancellationToken.None);
        var es256 = await ring.GetCurrentAsync("ES256", CancellationToken.None);

        await Admin(a => a.RetireAsync(es256.KeyId, CancellationToken.None));
        ring.Invalidate();

        var replacement = await ring.GetCurrentAsync("ES256", CancellationToken.None);
        Assert.NotEqual(es256.KeyId, replacement.KeyId);
        Assert.Equal("ES256", replacement.Algorithm);
        Assert.Equal(rs256.KeyId, (await ring.GetCurrentAsync(CancellationToken.None)).KeyId);
    }

    private DatabaseSigningKeyRing NewRing() => new(
        Database.Services.GetRequiredService<IServiceScopeFactory>(), TestDatabase.TestKeyEncryptionKey, Options.Create(new SigningKeyOptions()), Database.Time);

    private Task<IReadOnlyList<SigningKeyEntity>> EnsureAsync() => Admin(a => a.EnsureAsync(CancellationToken.None));

    private Task<T> Admin<T>(Func<SigningKeyAdministration, Task<T>> action) =>
        Database.InScopeAsync(sp => action(sp.GetRequiredService<SigningKeyAdministration>()));

    private Task ClearAsync() => Database.InScopeAsync(sp => sp.GetRequiredService<KeycardDbContext>().SigningKeys.ExecuteDeleteAsync());

    private Task<int> CountAsync() => Database.InScopeAsync(sp => sp.GetRequiredService<KeycardDbContext>().SigningKeys.CountAsync());

    private Task<List<object>> ReadRawRowAsync(string keyId) => Database.InScopeAsync(async sp =>
    {
        var connection = sp.GetRequiredService<KeycardDbContext>().Database.GetDbConnection();
        await connection.OpenAsync();
        await using DbCommand command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM signing_keys";
        var cells = new List<object>();
        await using var reader = await command.ExecuteReaderAsync();
        var found = false;
        while (await reader.ReadAsync())
        {
            for (var i = 0; i < reader.FieldCount; i++)
            {
                cells.Add(reader.GetValue(i));
                found |= reader.GetValue(i) is string s && s == keyId;
            }
        }

        Assert.True(found, "the row was read");
        return cells;
    });
}
