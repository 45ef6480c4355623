using Microsoft.AspNetCore.Identity;

namespace Keycard.Storage.Users;

/// <summary>A user as ASP.NET Core Identity stores it, with integer ids as in the iOFFICE API.</summary>
public sealed class KeycardUser : IdentityUser<int>
{
    public string FirstName { get; set; } = "";

    public string LastName { get; set; } = "";

    public bool IsDisabled { get; set; }

    public long CreatedAt { get; set; }

    public long UpdatedAt { get; set; }
}
