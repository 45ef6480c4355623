using System.Net;
using System.Text.Json;
using Keycard.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Keycard.Server.Tests.Contracts;

/// <summary>
/// How one HTTP dialect says the same thing: the endpoint contracts state each rule once and a dialect only knows how
/// to send a request and how to read the answer. <see cref="IOfficeDialect"/> speaks the guide's <c>x-</c> headers,
/// <see cref="StandardDialect"/> RFC 6749's form fields and HTTP Basic.
/// </summary>
public abstract class Dialect : IDisposable
{
    private HttpClient? _http;

    protected KeycardFactory Factory { get; private set; } = null!;

    public HttpClient Http => _http ??= Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    public void Attach(KeycardFactory factory) => Factory = factory;

    /// <summary>Signs alice in for <paramref name="request"/>'s client the dialect's way and returns the code.</summary>
    public abstract Task<string> IssueCodeAsync(CodeRequest request);

    public abstract Task<HttpResponseMessage> TokenAsync(TokenCall call);

    public abstract Task<HttpResponseMessage> RevokeAsync(RevokeCall call);

    /// <summary>Asserts the dialect's error shape with this status and error code.</summary>
    public abstract Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string error);

    /// <summary>A token response's <c>expires_in</c>: milliseconds in the iOFFICE dialect, seconds in the standard one.</summary>
    public abstract TimeSpan ExpiresIn(JsonElement tokenResponse);

    public void Dispose()
    {
        _http?.Dispose();
        GC.SuppressFinalize(this);
    }
}
