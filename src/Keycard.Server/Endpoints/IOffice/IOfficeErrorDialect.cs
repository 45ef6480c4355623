using Keycard.Core.Errors;
using Keycard.Server.Http;

namespace Keycard.Server.Endpoints.IOffice;

/// <summary>The iOFFICE error shape, <c>{"status","error","errorDescription"}</c>, for the plumbing's errors on this dialect's routes.</summary>
internal sealed class IOfficeErrorDialect : IErrorDialect
{
    public static readonly IOfficeErrorDialect Instance = new();

    public Task WriteBodyAsync(HttpContext context, ProtocolError error, int status) =>
        IOfficeResults.Error(context, error, status).ExecuteAsync(context);
}
