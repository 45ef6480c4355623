using System.Globalization;
using Keycard.Core.Authorization;
using Keycard.Core.Errors;
using Keycard.Server.Http;
using Microsoft.AspNetCore.Antiforgery;

namespace Keycard.Server.Endpoints.Login;

/// <summary>
/// The consent page of the sign-in sequence, for both dialects (issue 16). Once the user is known, a third-party
/// client that needs consent gets this page instead of its code. The page posts back to the very URL of the
/// authorization request (the query string is the pending request, as on the sign-in form), with the anti-forgery
/// token, the user it was shown to, and the decision; <see cref="LoginFlow.SubmitAsync"/> has already refused a
/// cross-site Origin and a bad token. The decision counts only for the browser's current sign-in session, and only
/// when that session is still the user the page was shown to: a page left open while someone else signed in on the
/// same browser cannot grant consent on their behalf.
/// </summary>
internal static class ConsentFlow
{
    public const string DecisionField = "decision";
    public const string UserField = "consent_user";

    /// <summary>A POST carrying a decision is an answer to the consent page, not a sign-in.</summary>
    public static bool IsDecision(IFormCollection form) => form.ContainsKey(DecisionField);

    /// <summary>
    /// What the core decided once the user is known: an error for the client (consent_required with prompt=none),
    /// the consent page, or the code.
    /// </summary>
    public static IResult Answer(
        HttpContext context, LoginDialect dialect, AuthorizationValidation validation, Result<AuthorizationResponse> result, IAntiforgery antiforgery, int redirectStatus)
    {
        if (!result.IsSuccess)
        {
            return dialect.AnswerError(validation, result.Error).ToResult(redirectStatus);
        }

        var response = result.Value;
        if (response.Consent is { } consent)
        {
            var tokens = antiforgery.GetAndStoreTokens(context);
            var form = new ConsentForm
            {
                ClientName = consent.Client.Name,
                UserName = response.User.UserName,
                UserId = response.User.Id,
                Scopes = consent.Scopes,
                Action = context.Request.Path + context.Request.QueryString,
                AntiforgeryField = tokens.FormFieldName,
                AntiforgeryToken = tokens.RequestToken!,
                RedirectHost = LoginFlow.RedirectHost(validation),
            };
            return LoginFlow.Page(context, HtmlPages.Consent(form), StatusCodes.Status200OK, SecurityHeaders.SourceOf(validation.RedirectUri));
        }

        return dialect.AnswerCode(validation, response).ToResult(redirectStatus);
    }

    /// <summary>Allow or Deny, from the consent page (origin and anti-forgery token already checked).</summary>
    public static async Task<IResult> DecideAsync(
        HttpContext context, LoginDialect dialect, AuthorizationValidation validation, IFormCollection form, AuthorizationService authorization, IAntiforgery antiforgery, CancellationToken cancellationToken)
    {
        bool allow;
        switch (form[DecisionField].ToString())
        {
            case "allow" when form[DecisionField].Count == 1:
                allow = true;
                break;
            case "deny" when form[DecisionField].Count == 1:
                allow = false;
                break;
            default:
                return LoginFlow.Page(context, HtmlPages.Error("Bad request", "The consent form's answer must be Allow or Deny.", null), StatusCodes.Status400BadRequest);
        }

        // The page always sends the user it was shown to, once, as a user id: a form without it is malformed (400), not
        // a sign-in that changed since (409 below).
        if (form[UserField].Count != 1 || !int.TryParse(form[UserField].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var shownTo))
        {
            return LoginFlow.Page(
                context,
                HtmlPages.Error("Bad request", $"The consent form does not name the user it was shown to (its {UserField} field is missing, repeated or not a user id). Go back to the application and start again.", null),
                StatusCodes.Status400BadRequest);
        }

        if (await SignInSession.ReadAsync(context) is not { } session)
        {
            return LoginFlow.Form(context, validation, antiforgery, null, "Your sign-in ended before you answered. Sign in again.", StatusCodes.Status200OK);
        }

        // The page names the user it was shown to; the decision is theirs only (never another session's on this browser).
        if (shownTo != session.UserId)
        {
            return LoginFlow.Page(
                context,
                HtmlPages.Error("Request refused", "Someone else signed in on this browser after this page was shown. Go back to the application and start again.", null),
                StatusCodes.Status409Conflict);
        }

        var decided = await authorization.DecideConsentAsync(validation, session, allow, cancellationToken);
        if (decided is not { } result)
        {
            return LoginFlow.Form(context, validation, antiforgery, null, "Your sign-in ended before you answered. Sign in again.", StatusCodes.Status200OK);
        }

        // RFC 9700 §4.11: 303 after the POST. Deny: access_denied with state (and iss on the standard dialect).
        return result.IsSuccess
            ? dialect.AnswerCode(validation, result.Value).ToResult(StatusCodes.Status303SeeOther)
            : dialect.AnswerError(validation, result.Error).ToResult(StatusCodes.Status303SeeOther);
    }
}
