namespace Keycard.Server.Logging;

/// <summary>
/// Passes a log entry through unchanged unless its message carries a secret URL parameter; then the message and every
/// structured value are redacted (<see cref="LogRedaction"/>). Only entries some provider records are inspected.
/// </summary>
internal sealed class RedactingLogger(ILogger inner) : ILogger
{
    /// <summary>
    /// Scopes are printed by providers that include them (the JSON console's IncludeScopes): ASP.NET Core's request
    /// scope carries RequestPath, where a path parameter (<c>;access_token=</c>) may hold a token.
    /// </summary>
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull
    {
        if (state is string text && LogRedaction.NeedsRedaction(text))
        {
            return inner.BeginScope(LogRedaction.Redact(text));
        }

        return ScopeHasSecretValue(state) ? inner.BeginScope(new RedactedState(LogRedaction.Redact(state.ToString() ?? ""), Redact(state))) : inner.BeginScope(state);
    }

    private static bool ScopeHasSecretValue<TState>(TState state)
    {
        if (state is IReadOnlyList<KeyValuePair<string, object?>> list)
        {
            // By index: the request scope is read on every request, and an enumerator would be one more allocation.
            for (var i = 0; i < list.Count; i++)
            {
                var value = list[i].Value;
                if (IsText(value) && LogRedaction.NeedsRedaction(value!.ToString()))
                {
                    return true;
                }
            }

            return false;
        }

        return HasSecretValue(state);
    }

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!inner.IsEnabled(logLevel))
        {
            return;
        }

        var message = formatter(state, exception);
        if (!LogRedaction.NeedsRedaction(message) && !HasSecretValue(state))
        {
            // The providers get the message already formatted rather than formatting it a second time.
            inner.Log(logLevel, eventId, state, exception, (_, _) => message);
            return;
        }

        var redacted = new RedactedState(LogRedaction.Redact(message), Redact(state));
        inner.Log(logLevel, eventId, redacted, exception, static (s, _) => s.Message);
    }

    private static bool HasSecretValue<TState>(TState state) =>
        state is IEnumerable<KeyValuePair<string, object?>> pairs && pairs.Any(p => IsText(p.Value) && LogRedaction.NeedsRedaction(p.Value!.ToString()));

    /// <summary>Values that can hold a URL; other objects are left alone rather than formatted on every entry.</summary>
    private static bool IsText(object? value) => value is string or QueryString or PathString or Uri;

    private static List<KeyValuePair<string, object?>> Redact<TState>(TState state)
    {
        var values = new List<KeyValuePair<string, object?>>();
        if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
        {
            foreach (var (key, value) in pairs)
            {
                var text = IsText(value) ? value!.ToString() : null;
                values.Add(new(key, text is not null && LogRedaction.NeedsRedaction(text) ? LogRedaction.Redact(text) : value));
            }
        }

        return values;
    }

    /// <summary>The redacted entry: structured values for providers that read them, the message for those that print it.</summary>
    private sealed class RedactedState(string message, List<KeyValuePair<string, object?>> values) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public string Message => message;

        public int Count => values.Count;

        public KeyValuePair<string, object?> this[int index] => values[index];

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => values.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => values.GetEnumerator();

        public override string ToString() => message;
    }
}
