using System.Text;
using System.Text.Encodings.Web;

namespace Keycard.Server.Endpoints.Login;

/// <summary>
/// Keycard's HTML: a sign-in form and an error page. Every reflected value goes through <see cref="HtmlEncoder"/>
/// (OWASP XSS Prevention Cheat Sheet, rule 1); there is no script at all, so the CSP can forbid it.
/// </summary>
internal static class HtmlPages
{
    public const string StylesheetPath = "/assets/keycard.css";

    /// <summary>Without an icon link browsers fetch /favicon.ico, and its 404 shows as a console error on every sign-in.</summary>
    public const string IconPath = "/assets/keycard.svg";

    public static string SignIn(SignInForm form)
    {
        var e = HtmlEncoder.Default;
        var body = new StringBuilder();
        body.Append("<main class=\"card\">");
        body.Append("<h1>Sign in</h1>");
        body.Append("<p class=\"lead\">to continue to <strong>").Append(e.Encode(form.ClientName)).Append("</strong></p>");
        if (form.Message is { } message)
        {
            body.Append("<p class=\"alert\" role=\"alert\">").Append(e.Encode(message)).Append("</p>");
        }

        body.Append("<form method=\"post\" action=\"").Append(e.Encode(form.Action)).Append("\" autocomplete=\"on\">");
        body.Append("<input type=\"hidden\" name=\"").Append(e.Encode(form.AntiforgeryField)).Append("\" value=\"").Append(e.Encode(form.AntiforgeryToken)).Append("\">");
        // After a wrong password the username is kept, so the cursor goes to the password.
        var retry = form.Message is not null && !string.IsNullOrEmpty(form.UserName);
        body.Append("<label for=\"username\">Username</label>");
        body.Append("<input id=\"username\" name=\"username\" type=\"text\" autocomplete=\"username\" autocapitalize=\"none\" spellcheck=\"false\" required maxlength=\"256\"").Append(retry ? "" : " autofocus").Append(" value=\"")
            .Append(e.Encode(form.UserName ?? "")).Append("\">");
        body.Append("<label for=\"password\">Password</label>");
        body.Append("<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required maxlength=\"1024\"").Append(retry ? " autofocus" : "").Append('>');
        body.Append("<button type=\"submit\">Sign in</button>");
        body.Append("</form>");
        body.Append("<p class=\"fine\">You will be returned to ").Append(e.Encode(form.RedirectHost)).Append(" after signing in.</p>");
        body.Append("</main>");
        return Layout("Sign in · " + form.ClientName, body.ToString());
    }

    public static string Error(string title, string message, string? parameter)
    {
        var e = HtmlEncoder.Default;
        var body = new StringBuilder();
        body.Append("<main class=\"card\">");
        body.Append("<h1>").Append(e.Encode(title)).Append("</h1>");
        body.Append("<p class=\"alert\" role=\"alert\">").Append(e.Encode(message)).Append("</p>");
        if (parameter is not null)
        {
            body.Append("<p>The parameter at fault is <code>").Append(e.Encode(parameter)).Append("</code>.</p>");
        }

        body.Append("<p class=\"fine\">The application that sent you here needs to fix its sign-in link. You have not been signed in.</p>");
        body.Append("</main>");
        return Layout(title, body.ToString());
    }

    private static string Layout(string title, string body) =>
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">" +
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
        "<title>" + HtmlEncoder.Default.Encode(title) + "</title>" +
        "<link rel=\"icon\" href=\"" + IconPath + "\" type=\"image/svg+xml\">" +
        "<link rel=\"stylesheet\" href=\"" + StylesheetPath + "\"></head><body>" +
        body +
        "<footer>Keycard</footer></body></html>";

    public const string Icon = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#2457d6"/><circle cx="12" cy="16" r="5.5" fill="none" stroke="#fff" stroke-width="2.6"/><path d="M17.5 16H26M22.5 16v4M26 16v3" stroke="#fff" stroke-width="2.6" stroke-linecap="round"/></svg>
        """;

    public const string Stylesheet = """
        :root { color-scheme: light dark; --accent: #2457d6; --bg: #f4f6fb; --card: #fff; --text: #1b2333; --muted: #5b6578; --err: #b3261e; }
        @media (prefers-color-scheme: dark) { :root { --bg: #10141c; --card: #1a202b; --text: #e6e9ef; --muted: #9aa3b5; --accent: #7aa2ff; --err: #ff8a80; } }
        * { box-sizing: border-box; }
        body { margin: 0; min-height: 100vh; display: flex; flex-direction: column; align-items: center; justify-content: center;
               font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--text); }
        .card { width: min(92vw, 400px); background: var(--card); border-radius: 14px; padding: 2rem; box-shadow: 0 8px 30px rgba(0,0,0,.08); }
        h1 { margin: 0 0 .25rem; font-size: 1.5rem; }
        .lead { margin: 0 0 1.5rem; color: var(--muted); }
        label { display: block; font-weight: 600; margin: 1rem 0 .35rem; }
        input[type=text], input[type=password] { width: 100%; padding: .65rem .75rem; border: 1px solid #c5cbd6; border-radius: 8px; font: inherit; background: transparent; color: inherit; }
        input:focus { outline: 2px solid var(--accent); outline-offset: 1px; }
        button { margin-top: 1.5rem; width: 100%; padding: .75rem; border: 0; border-radius: 8px; background: var(--accent); color: #fff; font: inherit; font-weight: 600; cursor: pointer; }
        .alert { color: var(--err); background: color-mix(in srgb, var(--err) 10%, transparent); padding: .6rem .8rem; border-radius: 8px; }
        .fine { color: var(--muted); font-size: .85rem; margin-top: 1.5rem; }
        code { font-family: ui-monospace, monospace; }
        footer { margin-top: 1.5rem; color: var(--muted); font-size: .8rem; letter-spacing: .05em; }
        """;
}

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
