using Keycard.Server.Tests.Contracts;

namespace Keycard.Server.Tests.OAuth;

public sealed class StandardTokenEndpointContractTests : TokenEndpointContract<StandardDialect>;
