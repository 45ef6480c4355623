using Keycard.Core.Authorization;
using Keycard.Core.Errors;
using Keycard.Core.OpenIdConnect;
using Keycard.Server.Http;
using Microsoft.AspNetCore.Antiforgery;

namespace Keycard.Server.Endpoints.Login;

/// <summary>
/// The browser side of the sign-in sequence both dialects share: the request is read, the form is shown and
/// posted, the sign-in cookie is set, and the answer is written as a redirect or a page. Everything the protocol
/// decides (is the request valid, is the password right, what is the code bound to) is
/// <see cref="AuthorizationService"/>'s: a GET crosses into the core once or twice, a POST twice.
/// </summary>
internal static class LoginFlow
{
    public static async Task<IResult> ShowAsync(
        HttpContext context, LoginDialect dialect, AuthorizationService authorization, IAntiforgery antiforgery, CancellationToken cancellationToken)
    {
        var (validation, failure) = await ValidateAsync(context, dialect, authorization, cancellationToken);
        if (failure is not null)
        {
            return failure;
        }

        if (!dialect.CompleteFromSession)
        {
            return Form(context, validation!, antiforgery, userName: null, message: null, StatusCodes.Status200OK);
        }

        // OpenID Connect Core §3.1.2.3: the session, prompt, max_age and id_token_hint decide; prompt=none never shows a page.
        var outcome = await authorization.ContinueAsync(validation!, await SignInSession.ReadAsync(context), dialect.Issuer, cancellationToken);
        if (outcome.Response is { } response)
        {
            // The code, or the consent page for a third-party client (issue 16).
            return ConsentFlow.Answer(context, dialect, validation!, response, antiforgery, StatusCodes.Status302Found);
        }

        if (outcome.Error is { } error)
        {
            return dialect.AnswerError(validation!, error).ToResult(StatusCodes.Status302Found);
        }

        return Form(context, validation!, antiforgery, userName: outcome.LoginHint, message: null, StatusCodes.Status200OK);
    }

    public static async Task<IResult> SubmitAsync(
        HttpContext context, LoginDialect dialect, AuthorizationService authorization, IAntiforgery antiforgery, CancellationToken cancellationToken)
    {
        // OWASP CSRF Cheat Sheet: a cross-site Origin is refused outright. Chromium sends "Origin: null" from a page
        // served with Referrer-Policy: no-referrer, so "null" falls through to the anti-forgery token check.
        if (context.Request.Headers.Origin is { Count: > 0 } origins && !IsSameOriginOrNull(context.Request, origins[0]))
        {
            return Page(context, HtmlPages.Error("Request refused", "This sign-in form was posted from another site.", null), StatusCodes.Status403Forbidden);
        }

        var (validation, failure) = await ValidateAsync(context, dialect, authorization, cancellationToken);
        if (failure is not null)
        {
            return failure;
        }

        // The form has no enctype, so browsers post it urlencoded; multipart is refused before any parser sees it.
        if (!FormContent.IsUrlEncoded(context.Request))
        {
            return Page(context, HtmlPages.Error("Bad request", "The sign-in form must be posted as a form.", null), StatusCodes.Status400BadRequest);
        }

        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            return Page(context, HtmlPages.Error("Bad request", "The sign-in form is too large or malformed.", null), StatusCodes.Status400BadRequest);
        }

        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return Page(context, HtmlPages.Error("Session expired", "The sign-in form expired or did not come from this site. Go back and try again.", null), StatusCodes.Status400BadRequest);
        }

        if (ConsentFlow.IsDecision(form))
        {
            return await ConsentFlow.DecideAsync(context, dialect, validation!, form, authorization, antiforgery, cancellationToken);
        }

        var reader = new ParameterReader();
        var userName = reader.Read(form["username"], "username", Core.Users.PasswordSignIn.MaxUserNameLength);
        var password = reader.Read(form["password"], "password", Core.Users.PasswordSignIn.MaxPasswordLength);
        if (reader.Error is { } inputError)
        {
            return Form(context, validation!, antiforgery, null, inputError.Description, StatusCodes.Status400BadRequest);
        }

        var signedIn = await authorization.SignInAsync(validation!, userName, password, SourceAddress.Of(context), cancellationToken);
        if (!signedIn.IsSuccess && signedIn.Error.Code == OpenIdErrorCodes.ConsentRequired)
        {
            // prompt=none on a posted form: the right password, but no page may ask for consent (OpenID Connect Core §3.1.2.6).
            return dialect.AnswerError(validation!, signedIn.Error).ToResult(StatusCodes.Status303SeeOther);
        }

        if (!signedIn.IsSuccess)
        {
            var status = signedIn.Error.Code == OAuthErrorCodes.TooManyAttempts ? StatusCodes.Status429TooManyRequests : StatusCodes.Status200OK;
            ErrorStatus.AddRetryAfter(context.Response, signedIn.Error);
            var message = signedIn.Error.Code switch
            {
                OAuthErrorCodes.TooManyAttempts => "Too many failed sign-ins. This account is locked for a while; try again later.",
                OAuthErrorCodes.InvalidRequest => "Enter your username and password.",
                _ => Core.Users.PasswordSignIn.InvalidCredentials,
            };
            return Form(context, validation!, antiforgery, userName, message, status);
        }

        await SignInSession.SignInAsync(context, signedIn.Value.User, signedIn.Value.SessionId!);

        // RFC 9700 §4.11: 303 after a credential POST so the browser does not re-post the password. A third-party
        // client that needs consent gets the consent page instead, which posts its own answer (ConsentFlow).
        return ConsentFlow.Answer(context, dialect, validation!, signedIn, antiforgery, StatusCodes.Status303SeeOther);
    }

    /// <summary>
    /// RFC 6749 §4.1.2.1: an error is sent back to the client once its client_id and redirect_uri are known good;
    /// before that, and for what the dialect shows instead, it is the error page.
    /// </summary>
    private static async Task<(AuthorizationValidation? Validation, IResult? Failure)> ValidateAsync(
        HttpContext context, LoginDialect dialect, AuthorizationService authorization, CancellationToken cancellationToken)
    {
        var (request, unreadable) = AuthorizationRequestReader.Read(context.Request);
        if (unreadable is not null)
        {
            return (null, Page(context, HtmlPages.Error("Invalid sign-in request", unreadable.Description, null), StatusCodes.Status400BadRequest));
        }

        var validation = await authorization.ValidateAsync(request, dialect.Policy, cancellationToken);
        if (validation.IsValid)
        {
            return (validation, null);
        }

        if (validation.CanRedirect)
        {
            return (null, dialect.AnswerError(validation, validation.Error!).ToResult(StatusCodes.Status302Found));
        }

        return (null, Page(context, HtmlPages.Error("Invalid sign-in request", validation.Error!.Description, validation.Parameter), StatusCodes.Status400BadRequest));
    }

    internal static IResult Form(HttpContext context, AuthorizationValidation validation, IAntiforgery antiforgery, string? userName, string? message, int status)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var form = new SignInForm
        {
            ClientName = validation.Client!.Name,
            Action = context.Request.Path + context.Request.QueryString,
            AntiforgeryField = tokens.FormFieldName,
            AntiforgeryToken = tokens.RequestToken!,
            RedirectHost = RedirectHost(validation),
            UserName = userName,
            Message = message,
        };
        return Page(context, HtmlPages.SignIn(form), status, SecurityHeaders.SourceOf(validation.RedirectUri));
    }

    /// <summary>The host the user is returned to, as the pages name it.</summary>
    internal static string RedirectHost(AuthorizationValidation validation)
    {
        var redirect = new Uri(validation.RedirectUri!);
        return redirect.IsAbsoluteUri && !string.IsNullOrEmpty(redirect.Host) ? redirect.Host : redirect.Scheme + ":";
    }

    internal static IResult Page(HttpContext context, string html, int status, string? formActionSource = null)
    {
        SecurityHeaders.ApplyHtml(context, formActionSource);
        return TypedResults.Content(html, "text/html; charset=utf-8", statusCode: status);
    }

    internal static bool IsSameOriginOrNull(HttpRequest request, string? origin)
    {
        if (string.IsNullOrEmpty(origin) || origin == "null")
        {
            return true;
        }

        var own = request.Scheme + "://" + request.Host.Value;
        return string.Equals(origin, own, StringComparison.OrdinalIgnoreCase);
    }
}
