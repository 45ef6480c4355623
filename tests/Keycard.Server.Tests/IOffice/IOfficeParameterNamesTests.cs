using Keycard.Core.Errors;
using Keycard.Server.Endpoints.IOffice;

namespace Keycard.Server.Tests.IOffice;

/// <summary>How an iOFFICE error description names the header its parameter travels in: whole words only.</summary>
public sealed class IOfficeParameterNamesTests
{
    [Fact]
    public void Describe_ParameterInsideALongerName_IsLeftAlone()
    {
        var error = ProtocolError.InvalidRequest("PKCE is required: send code_challenge with code_challenge_method=S256.") with { Parameter = "code_challenge" };

        Assert.Equal("PKCE is required: send x-code-challenge with code_challenge_method=S256.", IOfficeParameterNames.Describe(error));
    }

    [Fact]
    public void Describe_EveryWholeWordOccurrence_IsTheHeader()
    {
        var error = ProtocolError.InvalidRequest("grant_type missing; (grant_type) x_grant_type grant_types") with { Parameter = "grant_type" };

        Assert.Equal("x-grant-type missing; (x-grant-type) x_grant_type grant_types", IOfficeParameterNames.Describe(error));
    }

    [Fact]
    public void Describe_NoParameterOrOneWithoutAHeader_IsTheDescriptionAsItIs()
    {
        var error = ProtocolError.InvalidRequest("The grant_type is missing.");

        Assert.Equal("The grant_type is missing.", IOfficeParameterNames.Describe(error));
        Assert.Equal("The scope is odd.", IOfficeParameterNames.Describe(ProtocolError.InvalidRequest("The scope is odd.") with { Parameter = "scope" }));
    }
}
