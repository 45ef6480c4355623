using Keycard.Core.Authorization;
using Keycard.Core.Errors;
using Keycard.Core.Users;
using Keycard.Server.Http;
using Microsoft.AspNetCore.Antiforgery;

namespace Keycard.Server.Endpoints.Login;

/// <summary>Show the form, take the credentials, issue the code: the one sign-in flow both dialects share.</summary>
internal static class LoginFlow
{
    public static async Task<IResult> ShowAsync(
        HttpContext context, LoginDialect dialect, AuthorizationValidator validator, IAntiforgery antiforgery, CancellationToken cancellationToken)
    {
        var (validation, failure) = await ValidateAsync(context, dialect, validator, cancellationToken);
        if (failure is not null)
        {
            return failure;
        }

        if (dialect.CompleteFromSession && await SignInSession.FindUserAsync(context, cancellationToken) is { } userId)
        {
            var codes = context.RequestServices.GetRequiredService<CodeIssuer>();
            return await IssueCodeAsync(dialect, validation!, userId, codes, StatusCodes.Status302Found, cancellationToken);
        }

        return Form(context, validation!, antiforgery, userName: null, message: null, StatusCodes.Status200OK);
    }

    public static async Task<IResult> SubmitAsync(
        HttpContext context,
        LoginDialect dialect,
        AuthorizationValidator validator,
        IAntiforgery antiforgery,
        PasswordSignIn signIn,
        CodeIssuer codes,
        CancellationToken cancellationToken)
    {
        // OWASP CSRF Cheat Sheet: a cross-site Origin is refused outright. Chromium sends "Origin: null" from a page
        // served with Referrer-Policy: no-referrer, so "null" falls through to the anti-forgery token check.
        if (context.Request.Headers.Origin is { Count: > 0 } origins && !IsSameOriginOrNull(context.Request, origins[0]))
        {
            return Page(context, HtmlPages.Error("Request refused", "This sign-in form was posted from another site.", null), StatusCodes.Status403Forbidden);
        }

        var (validation, failure) = await ValidateAsync(context, dialect, validator, cancellationToken);
        if (failure is not null)
        {
            return failure;
        }

        // The form has no enctype, so browsers post it urlencoded; multipart is refused before any parser sees it.
        if (!IsUrlEncodedForm(context.Request))
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

        var reader = new ParameterReader();
        var userName = reader.Read(form["username"], "username", PasswordSignIn.MaxUserNameLength);
        var password = reader.Read(form["password"], "password", PasswordSignIn.MaxPasswordLength);
        if (reader.Error is { } inputError)
        {
            return Form(context, validation!, antiforgery, null, inputError.Description, StatusCodes.Status400BadRequest);
        }

        var user = await signIn.SignInAsync(userName, password, SourceAddress.Of(context), cancellationToken);
        if (!user.IsSuccess)
        {
            var status = user.Error.Code == OAuthErrorCodes.TooManyAttempts ? StatusCodes.Status429TooManyRequests : StatusCodes.Status200OK;
            ErrorStatus.AddRetryAfter(context.Response, user.Error);
            var message = user.Error.Code switch
            {
                OAuthErrorCodes.TooManyAttempts => "Too many failed sign-ins. This account is locked for a while; try again later.",
                OAuthErrorCodes.InvalidRequest => "Enter your username and password.",
                _ => PasswordSignIn.InvalidCredentials,
            };
            return Form(context, validation!, antiforgery, userName, message, status);
        }

        await SignInSession.SignInAsync(context, user.Value, cancellationToken);

        // RFC 9700 §4.11: 303 after a credential POST so the browser does not re-post the password.
        return await IssueCodeAsync(dialect, validation!, user.Value, codes, StatusCodes.Status303SeeOther, cancellationToken);
    }

    private static async Task<IResult> IssueCodeAsync(
        LoginDialect dialect, AuthorizationValidation v, int userId, CodeIssuer codes, int status, CancellationToken cancellationToken)
    {
        var binding = new CodeGrantBinding(
            v.Client!,
            userId,
            v.RedirectUriWasRequested ? v.RedirectUri : null,
            v.Request.Scope ?? "",
            v.Request.CodeChallenge);
        var code = await codes.IssueAsync(binding, cancellationToken);
        return new SeeOther(dialect.BuildSuccessRedirect(v, code), status);
    }

    private static async Task<(AuthorizationValidation? Validation, IResult? Failure)> ValidateAsync(
        HttpContext context, LoginDialect dialect, AuthorizationValidator validator, CancellationToken cancellationToken)
    {
        var (request, inputError) = LoginEndpoints.ReadRequest(context.Request);
        if (inputError is not null)
        {
            return (null, Page(context, HtmlPages.Error("Invalid sign-in request", inputError.Description, null), StatusCodes.Status400BadRequest));
        }

        var validation = await validator.ValidateAsync(request, dialect.Policy, cancellationToken);
        if (validation.IsValid)
        {
            return (validation, null);
        }

        if (dialect.RedirectErrors && validation.CanRedirect && dialect.BuildErrorRedirect is { } buildError)
        {
            return (null, new SeeOther(buildError(validation, validation.Error!), StatusCodes.Status302Found));
        }

        return (null, Page(context, HtmlPages.Error("Invalid sign-in request", validation.Error!.Description, validation.Parameter), StatusCodes.Status400BadRequest));
    }

    private static IResult Form(HttpContext context, AuthorizationValidation validation, IAntiforgery antiforgery, string? userName, string? message, int status)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var redirect = new Uri(validation.RedirectUri!);
        var form = new SignInForm
        {
            ClientName = validation.Client!.Name,
            Action = context.Request.Path + context.Request.QueryString,
            AntiforgeryField = tokens.FormFieldName,
            AntiforgeryToken = tokens.RequestToken!,
            RedirectHost = redirect.IsAbsoluteUri && !string.IsNullOrEmpty(redirect.Host) ? redirect.Host : redirect.Scheme + ":",
            UserName = userName,
            Message = message,
        };

        // Chromium applies form-action to the redirect that follows the POST, so the client's origin is allowed too.
        var redirectSource = redirect.Scheme is "http" or "https" ? redirect.GetLeftPart(UriPartial.Authority) : redirect.Scheme + ":";
        return Page(context, HtmlPages.SignIn(form), status, redirectSource);
    }

    private static IResult Page(HttpContext context, string html, int status, string? formActionSource = null)
    {
        SecurityHeaders.ApplyHtml(context, formActionSource);
        return TypedResults.Content(html, "text/html; charset=utf-8", statusCode: status);
    }

    private static bool IsUrlEncodedForm(HttpRequest request) =>
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(request.ContentType, out var type) &&
        type.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);

    private static bool IsSameOriginOrNull(HttpRequest request, string? origin)
    {
        if (string.IsNullOrEmpty(origin) || origin == "null")
        {
            return true;
        }

        var own = request.Scheme + "://" + request.Host.Value;
        return string.Equals(origin, own, StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>A redirect with an explicit status: 303 See Other after a POST (RFC 9110 §15.4.4).</summary>
internal sealed class SeeOther(string location, int status = StatusCodes.Status303SeeOther) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = status;
        httpContext.Response.Headers.Location = location;
        httpContext.Response.Headers.CacheControl = "no-store";
        return Task.CompletedTask;
    }
}
