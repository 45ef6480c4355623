namespace Keycard.Server.Tests.Infrastructure;

/// <summary>The login page tests' call shape over <see cref="SignInForm"/>, the one sign-in form helper.</summary>
public static class LoginForm
{
    public static string Url(string clientId = KeycardFactory.PublicClientId, string redirectUri = KeycardFactory.RedirectUri, string scope = "email", string state = "xyz", string path = "/login.html") =>
        SignInForm.LoginUrl(clientId, redirectUri, scope, state, path);

    /// <summary>GETs the page, then posts the credentials with the anti-forgery field it carried.</summary>
    public static Task<HttpResponseMessage> SignInAsync(HttpClient http, string url, string userName, string password) =>
        SignInForm.SignInAsync(http, url, userName, password);

    public static Task<HttpResponseMessage> PostAsync(HttpClient http, string url, string html, string userName, string password) =>
        http.SendAsync(SignInForm.Build(html, new Uri(http.BaseAddress!, url), userName, password));

    /// <summary>Reads code, appCode and state from a redirect_uri#code=…&amp;appCode=…&amp;state=… location.</summary>
    public static Dictionary<string, string> FragmentOf(Uri location) => SignInForm.FragmentOf(location);
}
