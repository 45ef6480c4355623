namespace Keycard.Core.Users;

/// <summary>A user as the REST API shows them (the iOFFICE <c>users/me</c> shape).</summary>
public sealed record UserProfile
{
    public required int Id { get; init; }

    public required string UserName { get; init; }

    public string FirstName { get; init; } = "";

    public string LastName { get; init; } = "";

    public string Email { get; init; } = "";

    /// <summary>Whether the address was confirmed (Identity's EmailConfirmed; OpenID Connect's <c>email_verified</c>).</summary>
    public bool EmailConfirmed { get; init; }

    public bool IsDisabled { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Changes whenever the user record changes (password, disable, profile): sessions bound to it end.</summary>
    public string Version { get; init; } = "";
}
