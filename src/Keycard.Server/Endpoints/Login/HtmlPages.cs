using System.Collections.Frozen;
using System.Reflection;
using System.Text;
using System.Text.Encodings.Web;

namespace Keycard.Server.Endpoints.Login;

/// <summary>
/// Keycard's HTML: a sign-in form, a consent page, the account's applications and an error page, from the templates in <c>Endpoints/Login/Pages/</c> (embedded
/// in the binary). <c>{{name}}</c> is replaced by a value run through <see cref="HtmlEncoder"/> (OWASP XSS Prevention
/// Cheat Sheet, rule 1); <c>{{{name}}}</c> by a fragment rendered from another template. The only script is the
/// form post page's fixed one-liner (<see cref="FormPostResult"/>), allowed by its hash; the CSP forbids every other.
/// </summary>
internal static class HtmlPages
{
    public const string StylesheetPath = "/assets/keycard.css";

    /// <summary>Without an icon link browsers fetch /favicon.ico, and its 404 shows as a console error on every sign-in.</summary>
    public const string IconPath = "/assets/keycard.svg";

    private const string ResourcePrefix = "Keycard.Pages/";

    private static readonly Lazy<FrozenDictionary<string, string>> Templates = new(LoadTemplates);

    public static string Stylesheet => Templates.Value["keycard.css"];

    public static string Icon => Templates.Value["keycard.svg"];

    public static string SignIn(SignInForm form)
    {
        var alert = form.Message is { } message ? Render("alert.html", [("message", message)]) : "";

        // After a wrong password the username is kept, so the cursor goes to the password.
        var retry = form.Message is not null && !string.IsNullOrEmpty(form.UserName);
        var body = Render(
            "sign-in.html",
            [
                ("clientName", form.ClientName),
                ("action", form.Action),
                ("antiforgeryField", form.AntiforgeryField),
                ("antiforgeryToken", form.AntiforgeryToken),
                ("userName", form.UserName ?? ""),
                ("redirectHost", form.RedirectHost),
            ],
            [("alert", alert), ("userNameFocus", retry ? "" : " autofocus"), ("passwordFocus", retry ? " autofocus" : "")]);
        return Layout("Sign in · " + form.ClientName, body);
    }

    /// <summary>The consent page: a third-party client, what it asks for (unknown scopes by name alone), Allow and Deny.</summary>
    public static string Consent(ConsentForm form)
    {
        var scopes = form.Scopes.Count == 0
            ? Render("scope.html", [("scope", "(no scope)"), ("description", "Only to know you signed in")])
            : string.Join('\n', form.Scopes.Select(s => Render("scope.html", [("scope", s.Scope), ("description", s.Description ?? "")])));
        var body = Render(
            "consent.html",
            [
                ("clientName", form.ClientName),
                ("userName", form.UserName),
                ("userId", form.UserId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("action", form.Action),
                ("antiforgeryField", form.AntiforgeryField),
                ("antiforgeryToken", form.AntiforgeryToken),
                ("redirectHost", form.RedirectHost),
                ("accountPath", ConsentEndpoints.AccountPath),
            ],
            [("scopes", scopes)]);
        return Layout("Allow access · " + form.ClientName, body);
    }

    /// <summary>The account page: every application the user allowed, each with a Revoke button.</summary>
    public static string Consents(string userName, IReadOnlyList<ConsentListEntry> entries, string antiforgeryField, string antiforgeryToken, string? message)
    {
        var alert = message is null ? "" : Render("alert.html", [("message", message)]);
        var apps = entries.Count == 0
            ? Render("consents-empty.html", [])
            : string.Join('\n', entries.Select(e => Render(
                "consent-app.html",
                [
                    ("action", ConsentEndpoints.AccountPath),
                    ("antiforgeryField", antiforgeryField),
                    ("antiforgeryToken", antiforgeryToken),
                    ("clientId", e.ClientId),
                    ("clientName", e.ClientName),
                    ("scopes", e.Scopes),
                    ("grantedAt", e.GrantedAt),
                ])));
        return Layout("Applications · Keycard", Render("consents.html", [("userName", userName)], [("alert", alert), ("apps", apps)]));
    }

    public static string Error(string title, string message, string? parameter)
    {
        var fault = parameter is null ? "" : Render("parameter.html", [("parameter", parameter)]);
        return Layout(title, Render("error.html", [("title", title), ("message", message)], [("parameter", fault)]));
    }

    /// <summary>RP-Initiated Logout §2: the confirmation asked when the request carries no valid id_token_hint.</summary>
    public static string SignOut(string action, string antiforgeryField, string antiforgeryToken, string? clientName, IEnumerable<(string Name, string Value)> hidden)
    {
        var fields = string.Join('\n', hidden.Select(h => Render("hidden.html", [("name", h.Name), ("value", h.Value)])));
        var clientPart = clientName is null ? "" : Render("client-part.html", [("clientName", clientName)]);
        var body = Render(
            "sign-out.html",
            [("action", action), ("antiforgeryField", antiforgeryField), ("antiforgeryToken", antiforgeryToken)],
            [("hidden", fields), ("clientPart", clientPart)]);
        return Layout("Sign out", body);
    }

    /// <summary>OAuth 2.0 Form Post Response Mode §2: the response's parameters as hidden fields, posted to the client by <paramref name="script"/>.</summary>
    public static string FormPost(string action, IEnumerable<(string Name, string Value)> parameters, string script)
    {
        var fields = string.Join('\n', parameters.Select(p => Render("hidden.html", [("name", p.Name), ("value", p.Value)])));
        return Layout("Returning to the application", Render("form-post.html", [("action", action)], [("hidden", fields), ("script", script)]));
    }

    /// <summary>RP-Initiated Logout §4: where the browser lands when no post_logout_redirect_uri was given.</summary>
    public static string SignedOut() => Layout("Signed out", Render("signed-out.html", []));

    private static string Layout(string title, string body) => Render("layout.html", [("title", title)], [("body", body)]);

    private static string Render(string template, (string Name, string Value)[] values, (string Name, string Html)[]? fragments = null)
    {
        var html = new StringBuilder(Templates.Value[template]);
        foreach (var (name, fragment) in fragments ?? [])
        {
            html.Replace("{{{" + name + "}}}", fragment);
        }

        foreach (var (name, value) in values)
        {
            html.Replace("{{" + name + "}}", HtmlEncoder.Default.Encode(value));
        }

        return html.ToString();
    }

    private static FrozenDictionary<string, string> LoadTemplates()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var templates = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!, Encoding.UTF8);
            templates[resource[ResourcePrefix.Length..]] = reader.ReadToEnd().TrimEnd('\n');
        }

        return templates.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
