using System.Buffers.Binary;
using System.Buffers.Text;
using Keycard.Core.Security;

namespace Keycard.Core.Tests.Security;

/// <summary>RFC 9700 §4 and RFC 6749 §10.10: 256 bits from a CSPRNG, stored as SHA-256, compared in constant time.</summary>
public sealed class SecureTokenTests
{
    [Fact]
    public void Generate_Always_Is32RandomBytesInBase64Url()
    {
        var values = Enumerable.Range(0, 1000).Select(_ => SecureToken.Generate()).ToList();

        Assert.All(values, v => Assert.Equal(32, Base64Url.DecodeFromChars(v).Length));
        Assert.Equal(values.Count, values.Distinct().Count());

        // Every bit position varies across values: no constant bytes, as a counter or a timestamp would leave.
        var bytes = values.Select(v => Base64Url.DecodeFromChars(v)).ToList();
        for (var i = 0; i < 32; i++)
        {
            Assert.True(bytes.Select(b => b[i]).Distinct().Count() > 100, $"byte {i} barely varies");
        }
    }

    [Fact]
    public void Hash_Value_IsSha256AndNotTheValue()
    {
        var value = SecureToken.Generate();

        var hash = SecureToken.Hash(value);

        Assert.Equal(32, hash.Length);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value)), hash);
    }

    [Fact]
    public void Hash_ManyValuesInARowOnOneThread_EachIsTheSha256OfItselfAlone()
    {
        // The digest context is reused per thread: each hash must start from a reset one (short, empty, over the
        // 1 KiB stack buffer, multi-byte UTF-8, and the first value again).
        string[] values = ["a", "", new string('x', 5000), "café ☕", SecureToken.Generate(), "a"];

        foreach (var value in values)
        {
            Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value)), SecureToken.Hash(value));
        }
    }

    [Fact]
    public void GenerateOrdered_Always_IsTheIssueTimeThen32RandomBytes()
    {
        var issuedAt = new DateTimeOffset(2026, 11, 27, 12, 0, 0, 123, TimeSpan.Zero);
        var values = Enumerable.Range(0, 1000).Select(_ => SecureToken.GenerateOrdered(issuedAt)).ToList();

        Assert.All(values, v => Assert.Equal(SecureToken.OrderedTokenLength, v.Length));
        Assert.Equal(values.Count, values.Distinct().Count());
        var bytes = values.Select(v => Base64Url.DecodeFromChars(v)).ToList();
        Assert.All(bytes, b => Assert.Equal(SecureToken.TimePrefixBytes + 32, b.Length));

        // The first six bytes are the issue time in milliseconds, big-endian; every one of the 32 after them varies.
        var millis = BinaryPrimitives.ReadInt64BigEndian([0, 0, .. bytes[0].AsSpan(0, SecureToken.TimePrefixBytes)]);
        Assert.Equal(issuedAt.ToUnixTimeMilliseconds(), millis);
        for (var i = SecureToken.TimePrefixBytes; i < bytes[0].Length; i++)
        {
            Assert.True(bytes.Select(b => b[i]).Distinct().Count() > 100, $"byte {i} barely varies");
        }
    }

    [Fact]
    public void StorageKey_OrderedValues_SortByIssueTimeAndEndInTheSha256OfTheValue()
    {
        var start = new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
        var values = Enumerable.Range(0, 200).Select(i => SecureToken.GenerateOrdered(start.AddMilliseconds(i * 7))).ToList();

        var keys = values.Select(SecureToken.StorageKey).ToList();

        Assert.All(keys, k => Assert.Equal(SecureToken.StorageKeyLength, k.Length));
        Assert.All(values.Zip(keys), p =>
            Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(p.First)), p.Second[SecureToken.TimePrefixBytes..]));
        var sorted = keys.OrderBy(k => k, Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b))).ToList();
        Assert.Equal(keys, sorted);

        // The random part never reaches the key: only its hash does.
        Assert.All(values.Zip(keys), p =>
            Assert.False(p.Second.AsSpan().IndexOf(Base64Url.DecodeFromChars(p.First).AsSpan(SecureToken.TimePrefixBytes, 8)) >= 0));
    }

    [Theory]
    [InlineData("short")]
    [InlineData("!!!!!!!!AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void StorageKey_AnythingElse_IsThePlainSha256(string value)
    {
        Assert.Equal(SecureToken.Hash(value), SecureToken.StorageKey(value));
    }

    [Fact]
    public void StorageKey_TokenIssuedBeforeOrderedTokens_IsStillItsSha256()
    {
        // Tokens issued by earlier builds are 43 characters and stored under their SHA-256: they keep working.
        var old = SecureToken.Generate();

        Assert.Equal(SecureToken.Hash(old), SecureToken.StorageKey(old));
    }

    [Fact]
    public void StorageKey_Jwt_IsItsIatPrefixThenTheSha256OfTheWholeJwt()
    {
        var iat = new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var jwt = Jwt($"{{\"sub\":\"1\",\"aud\":[\"a\"],\"iat\":{iat},\"exp\":{iat + 3600}}}");

        var key = SecureToken.StorageKey(jwt);

        Assert.Equal(SecureToken.StorageKeyLength, key.Length);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(jwt)), key[SecureToken.TimePrefixBytes..]);
        var time = new byte[8];
        key.AsSpan(0, SecureToken.TimePrefixBytes).CopyTo(time.AsSpan(2));
        Assert.Equal(iat * 1000, System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(time));
        // A later JWT sorts after an earlier one, so JWT rows append to the index like opaque tokens.
        var later = SecureToken.StorageKey(Jwt($"{{\"iat\":{iat + 1}}}"));
        Assert.True(later.AsSpan().SequenceCompareTo(key) > 0);
    }

    [Fact]
    public void StorageKey_JwtWithAnOrderedJti_IsKeyedByTheJtisMillisecond()
    {
        var issued = new DateTimeOffset(2026, 11, 29, 12, 0, 0, 537, TimeSpan.Zero);
        var jti = SecureToken.GenerateOrdered(issued);
        var jwt = Jwt($"{{\"jti\":\"{jti}\",\"iat\":{issued.ToUnixTimeSeconds()}}}");

        var key = SecureToken.StorageKey(jwt);

        var time = new byte[8];
        key.AsSpan(0, SecureToken.TimePrefixBytes).CopyTo(time.AsSpan(2));
        Assert.Equal(issued.ToUnixTimeMilliseconds(), System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(time));
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(jwt)), key[SecureToken.TimePrefixBytes..]);
        // A jti of another shape (a JWT issued before, or not Keycard's) keeps the iat's second.
        var other = SecureToken.StorageKey(Jwt($"{{\"jti\":\"{SecureToken.Generate()}\",\"iat\":{issued.ToUnixTimeSeconds()}}}"));
        other.AsSpan(0, SecureToken.TimePrefixBytes).CopyTo(time.AsSpan(2));
        Assert.Equal(issued.ToUnixTimeSeconds() * 1000, System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(time));
    }

    [Fact]
    public void StorageKey_JwtChangedAnywhere_HasAnotherKey()
    {
        var jwt = Jwt("{\"iat\":1764417600,\"sub\":\"1\"}");
        var changed = jwt[..^1] + (jwt[^1] == 'A' ? 'B' : 'A');

        Assert.NotEqual(SecureToken.StorageKey(jwt), SecureToken.StorageKey(changed));
    }

    [Theory]
    [InlineData("{\"sub\":\"1\"}")]
    [InlineData("{\"iat\":\"soon\"}")]
    [InlineData("{\"iat\":-5}")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"iat\":")]
    [InlineData("not json")]
    public void StorageKey_JwtWithoutAReadableIat_IsThePlainSha256(string payload)
    {
        var jwt = Jwt(payload);

        Assert.Equal(SecureToken.Hash(jwt), SecureToken.StorageKey(jwt));
    }

    [Theory]
    [InlineData("a.b")]
    [InlineData("a.b.c.d")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.!!!!.sig-sig-sig-sig-sig-sig-sig-sig-sig-sig-sig-sig")]
    public void StorageKey_NotAJws_IsThePlainSha256(string value)
    {
        Assert.Equal(SecureToken.Hash(value), SecureToken.StorageKey(value));
    }

    [Fact]
    public void SignedJwtStorageKey_OrderedJtiAndTheJwtsHash_IsWhatStorageKeyReadsFromTheJwt()
    {
        var issued = new DateTimeOffset(2026, 11, 30, 14, 0, 0, 123, TimeSpan.Zero);
        var jti = SecureToken.GenerateOrdered(issued);
        var jwt = Jwt($"{{\"iss\":\"https://keycard.example\",\"jti\":\"{jti}\",\"iat\":{issued.ToUnixTimeSeconds()}}}");
        var key = new byte[SecureToken.StorageKeyLength];
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(jwt), key.AsSpan(SecureToken.TimePrefixBytes));

        Assert.Equal(SecureToken.StorageKey(jwt), SecureToken.SignedJwtStorageKey(jwt, jti, key));
    }

    [Fact]
    public void SignedJwtStorageKey_JtiOfAnotherShape_IsStorageKeyOfTheJwt()
    {
        // A jti StorageKey would not key by (not GenerateOrdered's shape): the JWT's own key, the iat's second in front.
        var jti = SecureToken.Generate();
        var jwt = Jwt($"{{\"jti\":\"{jti}\",\"iat\":1764417600}}");

        var key = SecureToken.SignedJwtStorageKey(jwt, jti, new byte[SecureToken.StorageKeyLength]);

        Assert.Equal(SecureToken.StorageKey(jwt), key);
    }

    private static string Jwt(string payload) =>
        "eyJhbGciOiJSUzI1NiIsInR5cCI6ImF0K2p3dCJ9." + Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(payload)) + ".c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmUtc2lnbmF0dXJl";
}
