namespace Keycard.Server.Endpoints.Login;

internal sealed record SignInForm
{
    public required string ClientName { get; init; }

    public required string Action { get; init; }

    public required string AntiforgeryField { get; init; }

    public required string AntiforgeryToken { get; init; }

    public required string RedirectHost { get; init; }

    public string? UserName { get; init; }

    public string? Message { get; init; }
}
