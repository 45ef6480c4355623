using System.Globalization;
using Microsoft.Extensions.Options;

namespace Keycard.Server.Configuration;

/// <summary>
/// Range rules for one options class, each failure one sentence naming the setting as an operator writes it
/// ("Keycard:AccessTokenLifetime is 00:00:00; it must be between 00:00:01 and 30.00:00:00").
/// </summary>
internal sealed class SettingRules<TOptions>(string section) : IValidateOptions<TOptions>
    where TOptions : class
{
    private readonly List<Func<TOptions, string?>> _rules = [];

    public SettingRules<TOptions> Between<T>(string name, Func<TOptions, T> read, T min, T max)
        where T : IComparable<T>
    {
        _rules.Add(options =>
        {
            var value = read(options);
            return value.CompareTo(min) >= 0 && value.CompareTo(max) <= 0
                ? null
                : $"{section}:{name} is {Show(value)}; it must be between {Show(min)} and {Show(max)}";
        });
        return this;
    }

    public SettingRules<TOptions> Check(string name, Func<TOptions, string?> problem)
    {
        _rules.Add(options => problem(options) is { } text ? $"{section}:{name} {text}" : null);
        return this;
    }

    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var failures = _rules.Select(rule => rule(options)).OfType<string>().ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string Show<T>(T value) => value switch
    {
        TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? "",
    };
}
