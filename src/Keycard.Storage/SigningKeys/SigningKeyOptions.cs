using System.ComponentModel.DataAnnotations;
using Keycard.Core.Signing;

namespace Keycard.Storage.SigningKeys;

/// <summary><c>Keycard:SigningKeys</c>: the rotation schedule (docs/configuration.md, docs/security.md).</summary>
public sealed class SigningKeyOptions : IValidatableObject
{
    public const string Section = "Keycard:SigningKeys";

    /// <summary>How long a key signs before the next one takes over.</summary>
    public TimeSpan RotationPeriod { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How long a new key is published before it signs, so caches of the JWKS have it in time.</summary>
    public TimeSpan PublishAhead { get; set; } = TimeSpan.FromDays(2);

    /// <summary>How long a key stays published after it stops signing: at least the longest lifetime of a token it signed.</summary>
    public TimeSpan RetainAfterRetire { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The algorithm of new keys: RS256 (default) or ES256.</summary>
    public string Algorithm { get; set; } = SigningAlgorithms.RS256;

    /// <summary>How long a node keeps the key set in memory before reading it again (a rotation elsewhere is seen within this).</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the background service checks whether the next key is due.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromHours(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RotationPeriod < TimeSpan.FromHours(1))
        {
            yield return new ValidationResult($"{Section}:RotationPeriod must be at least 1 hour.", [nameof(RotationPeriod)]);
        }

        if (PublishAhead < TimeSpan.Zero || PublishAhead >= RotationPeriod)
        {
            yield return new ValidationResult($"{Section}:PublishAhead must be zero or more and shorter than RotationPeriod.", [nameof(PublishAhead)]);
        }

        if (PublishAhead < RefreshInterval)
        {
            yield return new ValidationResult($"{Section}:PublishAhead must be at least RefreshInterval, so every node has a key before it signs.", [nameof(PublishAhead)]);
        }

        if (RetainAfterRetire < TimeSpan.Zero)
        {
            yield return new ValidationResult($"{Section}:RetainAfterRetire must not be negative.", [nameof(RetainAfterRetire)]);
        }

        if (SigningAlgorithms.Normalize(Algorithm) is null)
        {
            yield return new ValidationResult($"{Section}:Algorithm must be one of {string.Join(", ", SigningAlgorithms.All)}.", [nameof(Algorithm)]);
        }

        if (RefreshInterval <= TimeSpan.Zero || CheckInterval <= TimeSpan.Zero)
        {
            yield return new ValidationResult($"{Section}:RefreshInterval and CheckInterval must be positive.", [nameof(RefreshInterval)]);
        }
    }
}
