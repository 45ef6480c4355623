using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using Keycard.Core.Errors;

namespace Keycard.Core.Tests.Conformance;

/// <summary>
/// RFC 6749 §5.2 and RFC 6750 §3: error_description holds only %x20-21 / %x23-5B / %x5D-7E, because it travels in
/// WWW-Authenticate and in redirect URIs as well as in JSON. Every string the core's code contains (each literal and
/// each fragment of an interpolated one) is checked, so no description the core can build breaks a header.
/// </summary>
public sealed class ErrorDescriptionTests
{
    [Fact]
    public void EveryStringLiteralInTheCore_IsValidInAnErrorDescription()
    {
        var offending = StringLiterals(typeof(ProtocolError).Assembly.Location).Where(s => !IsValidErrorDescription(s)).ToList();

        Assert.True(offending.Count == 0, "not valid in error_description: " + string.Join(" | ", offending));
    }

    [Theory]
    [InlineData("The code_verifier is missing (RFC 7636 section 4.5).", true)]
    [InlineData("The code_verifier is missing (RFC 7636 §4.5).", false)]
    [InlineData("a \"quoted\" word", false)]
    [InlineData("back\\slash", false)]
    [InlineData("tab\there", false)]
    public void IsValidErrorDescription_FollowsTheRfcGrammar(string description, bool valid) =>
        Assert.Equal(valid, IsValidErrorDescription(description));

    /// <summary>RFC 6749 §5.2: error_description = 1*( %x20-21 / %x23-5B / %x5D-7E ).</summary>
    public static bool IsValidErrorDescription(string value) =>
        value.All(c => c is (>= (char)0x20 and <= (char)0x21) or (>= (char)0x23 and <= (char)0x5B) or (>= (char)0x5D and <= (char)0x7E));

    /// <summary>The assembly's user string heap: every string literal its IL loads.</summary>
    private static IEnumerable<string> StringLiterals(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var strings = new List<string>();
        for (var handle = MetadataTokens.UserStringHandle(1); !handle.IsNil; handle = metadata.GetNextHandle(handle))
        {
            strings.Add(metadata.GetUserString(handle));
        }

        return strings;
    }
}
