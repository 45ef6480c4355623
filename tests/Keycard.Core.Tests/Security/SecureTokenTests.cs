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
    public void FixedTimeEquals_Strings_ComparesByValue()
    {
        var value = SecureToken.Generate();

        Assert.True(SecureToken.FixedTimeEquals(value, new string(value.ToCharArray())));
        Assert.False(SecureToken.FixedTimeEquals(value, value + "x"));
        Assert.False(SecureToken.FixedTimeEquals(value, ""));
    }
}
