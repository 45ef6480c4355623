using System.Reflection;
using System.Text.RegularExpressions;
using Keycard.Server.Tests.Cli;
using Microsoft.Extensions.Logging;

namespace Keycard.Server.Tests.Diagnostics;

/// <summary>
/// docs/operations.md promises one stable event id per decision, which operators alert on and search by: no two
/// <c>[LoggerMessage]</c> events of the server's assemblies share an id, and every id is in that document's table.
/// </summary>
public sealed partial class EventIdTests
{
    private static readonly Assembly[] ServerAssemblies =
    [
        typeof(Keycard.Core.Diagnostics.KeycardTelemetry).Assembly,
        typeof(Keycard.Storage.KeycardDbContext).Assembly,
        typeof(Keycard.Server.KeycardServer).Assembly,
    ];

    [Fact]
    public void EventIds_EveryLoggerMessageOfTheServer_AreUnique()
    {
        var shared = Events()
            .GroupBy(e => e.Id)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => e.Method))}")
            .ToList();

        Assert.True(shared.Count == 0, "Event ids used by more than one event: " + string.Join("; ", shared));
    }

    [Fact]
    public void EventIds_EveryLoggerMessageOfTheServer_IsListedInOperationsDoc()
    {
        var doc = File.ReadAllText(Path.Combine(FirstRunTests.RepositoryRoot(), "docs", "operations.md"));
        var listed = TableRow().Matches(doc).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();

        var missing = Events().Where(e => !listed.Contains(e.Id)).Select(e => $"{e.Id} ({e.Method})").ToList();

        Assert.True(missing.Count == 0, "Events missing from docs/operations.md: " + string.Join(", ", missing));
    }

    private static List<(int Id, string Method)> Events()
    {
        var events = ServerAssemblies
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(e => e.Attribute is not null)
            .Select(e => (e.Attribute!.EventId, $"{e.Method.DeclaringType!.Name}.{e.Method.Name}"))
            .ToList();

        // A test that finds nothing proves nothing: the server logs dozens of events.
        Assert.True(events.Count > 30, $"Found only {events.Count} [LoggerMessage] events");
        return events;
    }

    [GeneratedRegex(@"^\| (\d{4}) \|", RegexOptions.Multiline)]
    private static partial Regex TableRow();
}
